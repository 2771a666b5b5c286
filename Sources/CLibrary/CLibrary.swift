// The one place that names the C library: every module imports this instead of Glibc, so a build against another
// C library (the Swift static Linux SDK's musl, `aarch64-swift-linux-musl`) has one file to look at.
#if canImport(Glibc)
    @_exported import Glibc
#elseif canImport(Musl)
    @_exported import Musl
#else
    #error("deferred-memd needs a Linux C library: glibc or musl")
#endif

/// The C library's calls whose names the daemon's own methods shadow (`write`, `rename`, `exit`), and `errno`.
package enum CLibrary {
    /// The calling thread's errno: read it right after the failed call, before any other.
    package static var errno: Int32 {
        #if canImport(Glibc)
            Glibc.errno
        #else
            Musl.errno
        #endif
    }

    package static func write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(descriptor, buffer, count)
        #else
            Musl.write(descriptor, buffer, count)
        #endif
    }

    /// All of `text` to `descriptor`, again after a short write; stops at the first failure (nothing to report
    /// it to: the callers write to stderr or the journal stream).
    package static func writeAll(_ descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, base + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    package static func rename(_ from: String, _ to: String) -> Int32 {
        #if canImport(Glibc)
            Glibc.rename(from, to)
        #else
            Musl.rename(from, to)
        #endif
    }

    package static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
            Glibc.exit(status)
        #else
            Musl.exit(status)
        #endif
    }
}
