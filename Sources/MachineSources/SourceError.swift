import KernelFiles
import SystemPackage

/// Bad input from one of the machine's files: which file, which value, and what was expected.
///
/// Every source error stops the daemon before it writes anything: a plan built on a misread file could put
/// memory in the wrong zone or probe a hole.
package struct SourceError: Error, Sendable, CustomStringConvertible {
    package let path: String
    package let value: String
    package let expected: String
    /// The errno when the file could not be read at all (nil: it was read, and its value is wrong).
    package let errno: Errno?

    package init(path: String, value: String, expected: String) {
        self.path = path
        self.value = value
        self.expected = expected
        self.errno = nil
    }

    package init(_ fileError: KernelFileError) {
        self.path = fileError.path.string
        self.value = "\(fileError.errno.symbol)"
        self.expected = "a readable file (\(fileError.operation.rawValue) failed: \(fileError.errno.description))"
        self.errno = fileError.errno
    }

    package var description: String {
        "\(path): bad value '\(value)': expected \(expected)"
    }
}
