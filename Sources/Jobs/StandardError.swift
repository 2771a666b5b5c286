import CLibrary
import KernelFiles
import Planning

/// stderr as a `TextOutputStream`, written with write(2) (no stdio buffering between it and stdout).
package struct StandardError: TextOutputStream {
    package init() {}

    package mutating func write(_ string: String) {
        CLibrary.writeAll(2, string)
    }
}

/// One line on stderr (messages for people: errors, usage).
package func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}
