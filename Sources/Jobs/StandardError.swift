import CLibrary
import KernelFiles
import MachineSources
import Planning

/// stderr as a `TextOutputStream`, written with write(2) (no stdio buffering between it and stdout).
package struct StandardError: TextOutputStream {
    package init() {}

    package mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = CLibrary.write(2, base + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}

/// One line on stderr (messages for people: errors, usage).
package func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}
