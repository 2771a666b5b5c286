import KernelFiles
import Synchronization

/// The daemon's own files under `/run/deferred-memd`: the saved `auto_online_blocks`, the plan journal, the report.
///
/// A real run keeps them on disk, so the next run (after a crash) reads what this one left. A dry run keeps its
/// writes in memory and reads through to the disk: it sees what an earlier run left, as the real run would, and
/// changes nothing.
package final class RuntimeState: Sendable {
    package static let directory = "/run/deferred-memd"

    package let files: KernelFiles
    /// Writes stay in `scratch` (a dry run) instead of going to disk.
    private let inMemory: Bool
    /// Path → contents (nil: removed), for a dry run.
    private let scratch = Mutex<[String: String?]>([:])

    private init(files: KernelFiles, inMemory: Bool) {
        self.files = files
        self.inMemory = inMemory
    }

    /// Reads and writes on disk under the machine's root.
    package static func onDisk(_ files: KernelFiles) -> RuntimeState { RuntimeState(files: files, inMemory: false) }

    /// Reads what is on disk, keeps writes in memory.
    package static func inMemory(over files: KernelFiles) -> RuntimeState { RuntimeState(files: files, inMemory: true) }

    package var writesToDisk: Bool { !inMemory }

    package func readText(_ path: String) throws(KernelFileError) -> String {
        if inMemory, let entry = scratch.withLock({ $0[path] }) {
            guard let text = entry else { throw KernelFileError(.open, pathString: path, errno: .noSuchFileOrDirectory) }
            return text
        }
        return try files.readText(path)
    }

    /// The contents without one trailing newline.
    package func readValue(_ path: String) throws(KernelFileError) -> String {
        var text = try readText(path)
        if text.last == "\n" { text.removeLast() }
        return text
    }

    /// Replaces the file atomically (readers see the old or the new contents), pieces at a time.
    package func replace(_ path: String, streaming produce: ((String) -> Void) -> Void) throws(KernelFileError) {
        if inMemory {
            var text = ""
            produce { text += $0 }
            scratch.withLock { $0[path] = .some(text) }
            return
        }
        try files.createDirectory(Self.directory)
        try files.replaceFileAtomically(path, streaming: produce)
    }

    package func replace(_ path: String, text: String) throws(KernelFileError) {
        try replace(path) { emit in emit(text) }
    }

    package func remove(_ path: String) throws(KernelFileError) {
        if inMemory {
            scratch.withLock { $0[path] = .some(nil) }
            return
        }
        try files.remove(path)
    }

    /// A run killed inside an atomic replace leaves its temporary file behind; the next run clears them.
    package func removeStaleTemporaryFiles() {
        guard !inMemory else { return }
        for name in (try? files.list(Self.directory)) ?? [] where name.contains(".tmp.") {
            try? files.remove(Self.directory + "/" + name)
        }
    }
}
