import KernelFiles
import SystemPackage

/// A failed resizing call: what was attempted (a path, or the call and its target) and the errno.
package struct TuningError: Error, Sendable, Equatable, CustomStringConvertible {
    package let operation: String
    package let errno: Errno

    package init(_ operation: String, errno: Errno) {
        self.operation = operation
        self.errno = errno
    }

    package init(_ fileError: KernelFileError) {
        self.init(fileError.description, errno: fileError.errno)
    }

    package var description: String {
        operation.contains(": ") ? operation : "\(operation): \(errno.description) (\(errno.symbol))"
    }
}
