import CLibrary
import KernelFiles
import Logging
import SystemPackage

/// `JOURNAL_STREAM=device:inode`: set by systemd when stdout or stderr is connected to the journal.
package enum JournalStream {
    /// Whether file descriptor `descriptor` (stderr by default) is the stream systemd named.
    package static func isJournal(environment: [String: String], descriptor: Int32 = 2) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
