import KernelFiles
import MachineSources
import SystemPackage

/// Bad input: printed as `error: <message>` and exit code 2, before anything is written.
///
/// It keeps the source's error, so that systemd's `ERRNO=` is the real errno of an unreadable file (EACCES, EIO)
/// and EINVAL only for a value that does not parse.
package struct BadInput: Error, CustomStringConvertible {
    package var source: SourceError

    package init(_ source: SourceError) {
        self.source = source
    }

    package var message: String { source.description }
    package var description: String { message }
    package var errno: Errno { source.errno ?? .invalidArgument }
}
