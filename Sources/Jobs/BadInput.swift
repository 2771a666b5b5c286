import KernelFiles
import MachineSources
import Planning

/// Bad input: printed as `error: <message>` and exit code 2, before anything is written.
public struct BadInput: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}
