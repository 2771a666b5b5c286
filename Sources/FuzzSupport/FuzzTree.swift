import CLibrary

/// A scratch directory tree built from one fuzz input, for the readers that take a directory (the devicetree,
/// `/sys/devices/system/memory`, `/sys/firmware/memmap`). Nothing is ever written outside it.
///
/// The input is a list of records: a relative path, a NUL, a 16-bit big-endian length, that many content bytes
/// (clamped to what is left). A path ending in `/` is a directory only. Paths are cleaned (no `..`, at most
/// six components of 64 bytes), so a mutated input stays inside the tree.
package final class FuzzTree: Sendable {
    /// The root (`KernelFiles(root:)`), a fresh directory under /dev/shm or /tmp.
    package let root: String
    /// Where the records go, inside the root (such as `/proc/device-tree`).
    package let base: String

    package init(base: String) {
        var template = Array((access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp").utf8CString.dropLast()) + Array("/deferred-memd-fuzz.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed: errno \(CLibrary.errno)") }
        root = String(cString: made)
        self.base = base
    }

    deinit { Self.remove(root) }

    /// Empties the tree and writes `data`'s records under `base`.
    package func fill(_ data: UnsafeBufferPointer<UInt8>) {
        Self.remove(root + "/" + (base.split(separator: "/").first.map(String.init) ?? ""))
        makeDirectories(base.split(separator: "/").map(String.init))
        var cursor = 0
        var records = 0
        while cursor < data.count, records < 64 {
            records += 1
            let pathStart = cursor
            while cursor < data.count, data[cursor] != 0 { cursor += 1 }
            let rawPath = String(decoding: UnsafeBufferPointer(rebasing: data[pathStart..<cursor]), as: UTF8.self)
            cursor += 1
            var length = 0
            if cursor + 2 <= data.count { length = Int(data[cursor]) << 8 | Int(data[cursor + 1]) }
            cursor = min(cursor + 2, data.count)
            length = min(length, data.count - cursor)
            let content = UnsafeBufferPointer(rebasing: data[cursor..<cursor + length])
            cursor += length
            let components = base.split(separator: "/").map(String.init) + Self.clean(rawPath)
            guard components.count > base.split(separator: "/").count else { continue }
            if rawPath.hasSuffix("/") {
                makeDirectories(components)
            } else {
                makeDirectories(Array(components.dropLast()))
                write(content, to: root + "/" + components.joined(separator: "/"))
            }
        }
    }

    static func clean(_ path: String) -> [String] {
        let parts = path.split(separator: "/").filter { $0 != "." && $0 != ".." }.map { String($0.utf8.prefix(64)) ?? "x" }
        return Array(parts.filter { !$0.isEmpty }.prefix(6))
    }

    private func makeDirectories(_ components: [String]) {
        var path = root
        for component in components {
            path += "/" + component
            _ = mkdir(path, 0o755)
        }
    }

    private func write(_ content: UnsafeBufferPointer<UInt8>, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        if let base = content.baseAddress, !content.isEmpty { _ = CLibrary.write(fd, base, content.count) }
        close(fd)
    }

    /// Removes a file or a directory tree (not following symbolic links).
    static func remove(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR, let directory = opendir(path) {
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names { remove(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
