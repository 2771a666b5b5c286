import CLibrary
import SystemPackage

/// Reads and writes kernel attribute files under a root directory.
///
/// The root is `/` in production and a temporary directory in tests (`--sysroot`, as `lsmem --sysroot`).
/// Every path handed to this type is absolute as on the real machine (`/sys/...`) and resolved under the root.
package struct KernelFiles: Sendable {
    package let root: FilePath

    package init(root: FilePath = "/") {
        self.root = root
    }

    /// The real location of a machine path (`/sys/...`) under this root. A plain string join: appending
    /// component by component re-normalises the whole path each time, and this runs for every attribute read.
    package func resolve(_ machinePath: String) -> FilePath {
        FilePath(resolvedString(machinePath))
    }

    private var rootPrefix: String {
        var prefix = root.string
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix
    }

    package func exists(_ machinePath: String) -> Bool {
        var info = stat()
        return lstat(resolvedString(machinePath), &info) == 0
    }

    package func isDirectory(_ machinePath: String) -> Bool {
        var info = stat()
        guard stat(resolve(machinePath).string, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The real location as a plain string: the hot paths open by string and build a `FilePath` (whose
    /// initialiser normalises separators, a third of a block's cost in a profile) only for an error.
    package func resolvedString(_ machinePath: String) -> String {
        rootPrefix + (machinePath.hasPrefix("/") ? machinePath : "/" + machinePath)
    }

    /// The whole file as bytes. Sysfs attributes are at most a page; devicetree blobs can be larger.
    package func readBytes(_ machinePath: String, limit: Int = 64 << 20) throws(KernelFileError) -> [UInt8] {
        try readBytes(machinePath, limit: limit, shortReadEnds: false)
    }

    private func readBytes(_ machinePath: String, limit: Int, shortReadEnds: Bool) throws(KernelFileError) -> [UInt8] {
        let path = resolvedString(machinePath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelFileError(.open, pathString: path, errno: Errno(rawValue: CLibrary.errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var failure: Int32 = 0
        // A page on the stack: a sysfs attribute is one read, with no zero-filled heap buffer per call.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { page in
            while bytes.count < limit {
                let count = read(fd, page.baseAddress, page.count)
                if count < 0 && CLibrary.errno == EINTR { continue }
                if count < 0 {
                    failure = CLibrary.errno
                    return
                }
                if count == 0 { return }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: page[0..<count]))
                if shortReadEnds && count < page.count { return }
            }
        }
        guard failure == 0 else { throw KernelFileError(.read, pathString: path, errno: Errno(rawValue: failure)) }
        return bytes
    }

    package func readText(_ machinePath: String) throws(KernelFileError) -> String {
        String(decoding: try readBytes(machinePath), as: UTF8.self)
    }

    /// A single value without its trailing newline, as sysfs attributes are consumed, in one `read(2)`: the
    /// kernel formats the whole value (at most a page) and hands it over at once, so a read shorter than the
    /// buffer is the end and the read that would return 0 is not made (a syscall saved on each of the engine's
    /// and the block directory's reads). Also right for sysctls and regular files; not for procfs's
    /// multi-record files, which return short reads before their end: read those with `readText`.
    package func readValue(_ machinePath: String) throws(KernelFileError) -> String {
        Self.value(try readBytes(machinePath, limit: 64 << 20, shortReadEnds: true))
    }

    /// What `read` returns, or nil when the file does not exist: one open whose ENOENT is the answer, instead of a
    /// stat and an open. Any other error is thrown.
    package static func ifPresent<Value>(_ read: @autoclosure () throws(KernelFileError) -> Value) throws(KernelFileError) -> Value? {
        do { return try read() } catch  where error.errno == .noSuchFileOrDirectory { return nil }
    }

    /// A binary attribute (a devicetree property, `/sys/firmware/fdt`) read as `readValue` reads a value: a read
    /// shorter than a page is its end. nil when there is no such file, or it is a directory.
    package func readAttributeIfPresent(_ machinePath: String, limit: Int = 64 << 20) throws(KernelFileError) -> [UInt8]? {
        do {
            return try readBytes(machinePath, limit: limit, shortReadEnds: true)
        } catch  where error.errno == .noSuchFileOrDirectory || error.errno == .isDirectory {
            return nil
        }
    }

    /// The size `stat` gives (for a sysfs binary attribute, its length), or nil when there is no such file.
    package func size(_ machinePath: String) -> Int? {
        var info = stat()
        guard stat(resolvedString(machinePath), &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// The names of the directories in a directory, from `readdir`'s entry types (a `stat` only for a link or a
    /// file system that does not say), in no particular order.
    package func directories(in machinePath: String) throws(KernelFileError) -> [String] {
        var names: [String] = []
        try forEachEntry(machinePath) { name, type in
            switch Int32(type) {
            case Int32(DT_DIR): names.append(name)
            case Int32(DT_UNKNOWN), Int32(DT_LNK): if isDirectory(machinePath + "/" + name) { names.append(name) }
            default: break
            }
        }
        return names
    }

    /// Each entry of a directory but `.` and `..`, with `readdir`'s entry type.
    private func forEachEntry(_ machinePath: String, _ body: (String, UInt8) -> Void) throws(KernelFileError) {
        let path = resolvedString(machinePath)
        guard let dir = opendir(path) else {
            throw KernelFileError(.list, pathString: path, errno: Errno(rawValue: CLibrary.errno))
        }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { body(name, entry.pointee.d_type) }
        }
    }

    private static func value(_ bytes: [UInt8]) -> String {
        var bytes = bytes
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Names in a directory, without `.` and `..`, in no particular order.
    package func list(_ machinePath: String) throws(KernelFileError) -> [String] {
        var names: [String] = []
        try forEachEntry(machinePath) { name, _ in names.append(name) }
        return names
    }

    package func readLink(_ machinePath: String) throws(KernelFileError) -> String {
        let path = resolve(machinePath)
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path.string, &buffer, buffer.count - 1)
        guard count >= 0 else { throw KernelFileError(.readlink, path: path, errno: Errno(rawValue: CLibrary.errno)) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One `write(2)` of the whole value, as sysfs requires (a store method sees exactly one buffer).
    /// No retry on EINTR here: the caller counts attempts and decides.
    package func writeAttribute(_ value: String, to machinePath: String) throws(KernelFileError) {
        let path = resolvedString(machinePath)
        var fd: Int32
        repeat { fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC) } while fd < 0 && CLibrary.errno == EINTR
        guard fd >= 0 else { throw KernelFileError(.open, pathString: path, errno: Errno(rawValue: CLibrary.errno), value: value) }
        defer { close(fd) }
        var value = value
        let (written, failure) = value.withUTF8 { bytes -> (Int, Int32) in
            let n = write(fd, bytes.baseAddress, bytes.count)
            return (n, n < 0 ? CLibrary.errno : 0)
        }
        guard written >= 0 else { throw KernelFileError(.write, pathString: path, errno: Errno(rawValue: failure), value: value) }
        guard written == value.utf8.count else { throw KernelFileError(.write, pathString: path, errno: .ioError, value: value) }
    }

    /// Creates a directory and its parents (mode 0755).
    package func createDirectory(_ machinePath: String) throws(KernelFileError) {
        var path = rootPrefix
        for component in machinePath.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && CLibrary.errno != EEXIST {
                throw KernelFileError(.create, pathString: path, errno: Errno(rawValue: CLibrary.errno))
            }
        }
    }

    /// Creates or replaces a regular file: for fake trees and the daemon's own state, never for kernel files.
    package func createFile(_ machinePath: String, contents: [UInt8], mode: FilePermissions = [.ownerReadWrite, .groupRead, .otherRead]) throws(KernelFileError)
    {
        let path = resolve(machinePath)
        do {
            let fd = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: mode)
            try fd.closeAfter { _ = try fd.writeAll(contents) }
        } catch {
            throw KernelFileError(.create, path: path, errno: error as? Errno ?? .ioError)
        }
    }

    package func createFile(_ machinePath: String, text: String) throws(KernelFileError) {
        try createFile(machinePath, contents: Array(text.utf8))
    }

    /// Writes a file so that readers see the old or the new contents, never a torn one (temp file, fsync, rename).
    /// `durable: false` skips the fsync: for the simulated kernel's tree, where only atomicity matters.
    /// `permissions` sets the mode whatever the umask (the units' `UMask=0077`), for files other users read.
    package func replaceFileAtomically(_ machinePath: String, text: String, durable: Bool = true, permissions: UInt32? = nil) throws(KernelFileError) {
        try replaceFileAtomically(machinePath, durable: durable, permissions: permissions) { emit in emit(text) }
    }

    /// As `replaceFileAtomically(_:text:)`, for documents too large to hold whole: `produce` hands over the text
    /// in pieces, which go to the temporary file through a 64 KiB buffer.
    package func replaceFileAtomically(
        _ machinePath: String, durable: Bool = true, permissions: UInt32? = nil, streaming produce: ((String) -> Void) -> Void
    ) throws(KernelFileError) {
        let target = resolvedString(machinePath)
        let temporary = resolvedString(machinePath + ".tmp.\(getpid()).\(pthread_self())")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw KernelFileError(.create, pathString: temporary, errno: Errno(rawValue: CLibrary.errno)) }
        var failure: Int32 = 0
        if let permissions, fchmod(fd, mode_t(permissions)) != 0 { failure = CLibrary.errno }
        var buffer: [UInt8] = []  // grows to at most a little over 64 KiB; a small file is one allocation
        func drain() {
            guard failure == 0 else {
                buffer.removeAll(keepingCapacity: true)
                return
            }
            var offset = 0
            while offset < buffer.count {
                let n = buffer.withUnsafeBytes { bytes in bytes.baseAddress.map { write(fd, $0 + offset, bytes.count - offset) } ?? 0 }
                if n < 0 && CLibrary.errno == EINTR { continue }
                if n <= 0 {
                    failure = n < 0 ? CLibrary.errno : EIO
                    break
                }
                offset += n
            }
            buffer.removeAll(keepingCapacity: true)
        }
        produce { piece in
            buffer.append(contentsOf: piece.utf8)
            if buffer.count >= 1 << 16 { drain() }
        }
        drain()
        if failure == 0 && durable && fsync(fd) != 0 { failure = CLibrary.errno }
        close(fd)
        guard failure == 0 else {
            unlink(temporary)
            throw KernelFileError(.create, pathString: temporary, errno: Errno(rawValue: failure))
        }
        guard CLibrary.rename(temporary, target) == 0 else {
            let saved = Errno(rawValue: CLibrary.errno)
            unlink(temporary)
            throw KernelFileError(.rename, pathString: target, errno: saved)
        }
    }

    package func createSymlink(_ machinePath: String, pointingTo destination: String) throws(KernelFileError) {
        let path = resolve(machinePath)
        guard symlink(destination, path.string) == 0 else {
            throw KernelFileError(.symlink, path: path, errno: Errno(rawValue: CLibrary.errno))
        }
    }

    package func rename(_ machinePath: String, to newMachinePath: String) throws(KernelFileError) {
        let from = resolve(machinePath), to = resolve(newMachinePath)
        guard CLibrary.rename(from.string, to.string) == 0 else {
            throw KernelFileError(.rename, path: to, errno: Errno(rawValue: CLibrary.errno))
        }
    }

    /// Removes a directory tree the daemon or the simulated kernel made (never a kernel directory).
    package func removeTree(_ machinePath: String) throws(KernelFileError) {
        let path = resolve(machinePath)
        var info = stat()
        guard lstat(path.string, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try list(machinePath) { try removeTree(machinePath + "/" + name) }
            guard rmdir(path.string) == 0 else { throw KernelFileError(.remove, path: path, errno: Errno(rawValue: CLibrary.errno)) }
        } else {
            try remove(machinePath)
        }
    }

    package func remove(_ machinePath: String) throws(KernelFileError) {
        let path = resolve(machinePath)
        guard unlink(path.string) == 0 || CLibrary.errno == ENOENT else {
            throw KernelFileError(.remove, path: path, errno: Errno(rawValue: CLibrary.errno))
        }
    }
}
