import KernelFiles
import MachineSources
import Planning

/// The exit codes every command shares (deferred-memd(8)).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let nothingDone: Int32 = 1
    public static let badInput: Int32 = 2
    public static let partial: Int32 = 3
    public static let interrupted: Int32 = 4
    public static let usage: Int32 = 64
}

public func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}
