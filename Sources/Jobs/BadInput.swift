import KernelFiles
import MachineSources
import SystemPackage

/// Bad input: printed as `error: <message>` and exit code 2, before anything is written.
///
/// It keeps the source's error, so that systemd's `ERRNO=` is the real errno of an unreadable file (EACCES, EIO)
/// and EINVAL only for a value that does not parse.
public struct BadInput: Error, CustomStringConvertible {
    public var source: SourceError

    public init(_ source: SourceError) {
        self.source = source
    }

    public var message: String { source.description }
    public var description: String { message }
    public var errno: Errno { source.errno ?? .invalidArgument }
}
