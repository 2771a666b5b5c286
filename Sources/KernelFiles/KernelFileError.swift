import SystemPackage

/// A failed file operation: what was attempted, on which path, and the errno the kernel returned.
///
/// Converted once at the I/O boundary; everything above works with this value, never a raw errno.
package struct KernelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Operation: String, Sendable {
        case open, read, write, list, readlink, create, rename, symlink, remove
    }

    package let operation: Operation
    /// The path as given: a `FilePath` is built only when asked for (its initialiser normalises, and the engine
    /// makes and drops one of these for every absent block).
    package let pathString: String
    package let errno: Errno
    /// The value being written, for write errors.
    package let value: String?

    package var path: FilePath { FilePath(pathString) }

    package init(_ operation: Operation, path: FilePath, errno: Errno, value: String? = nil) {
        self.init(operation, pathString: path.string, errno: errno, value: value)
    }

    package init(_ operation: Operation, pathString: String, errno: Errno, value: String? = nil) {
        self.operation = operation
        self.pathString = pathString
        self.errno = errno
        self.value = value
    }

    package var description: String {
        let what = value.map { "\(operation.rawValue) '\($0.trimmingTrailingNewline)' to" } ?? operation.rawValue
        return "\(what) \(pathString): \(errno.description) (\(errno.symbol))"
    }
}

extension Errno {
    /// C names of the errnos the memory-hotplug files return (Linux numbering).
    static let symbols: [(Int32, String)] = [
        (1, "EPERM"), (2, "ENOENT"), (4, "EINTR"), (5, "EIO"), (6, "ENXIO"), (7, "E2BIG"), (11, "EAGAIN"), (12, "ENOMEM"),
        (13, "EACCES"), (16, "EBUSY"), (17, "EEXIST"), (19, "ENODEV"), (20, "ENOTDIR"), (21, "EISDIR"),
        (22, "EINVAL"), (28, "ENOSPC"), (30, "EROFS"), (34, "ERANGE"), (95, "EOPNOTSUPP"), (110, "ETIMEDOUT"),
        (133, "EHWPOISON"),
    ]

    /// The C name (`EINVAL`): kernel docs and logs speak in these, so users search for them.
    package var symbol: String {
        Self.symbols.first { $0.0 == rawValue }?.1 ?? "errno \(rawValue)"
    }

    /// Parses `EBUSY` or a number, for fault injection and tests.
    package init?(symbol: String) {
        if let match = Self.symbols.first(where: { $0.1 == symbol.uppercased() }) {
            self.init(rawValue: match.0)
        } else if let number = Int32(symbol), number > 0 {
            self.init(rawValue: number)
        } else {
            return nil
        }
    }
}

extension String {
    package var trimmingTrailingNewline: Substring {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
