import CLibrary
import CSystemd
import Synchronization

/// libsystemd, opened when the daemon first speaks to systemd rather than by the loader at every start.
///
/// Linked the usual way, libsystemd and its six libraries (libgcrypt, libgpg-error, liblzma, libzstd, liblz4,
/// libcap) were mapped and relocated before `main` by every process: 0.7 ms of a 6 ms start, paid also where
/// nothing listens (an initramfs script, an init that is not systemd, the command line). Opened on first use, and a
/// machine without it still runs the daemon: there is no one to notify, and journal lines go to stderr.
/// The three entry points are the ones `CSystemd` declares; their types are checked against its header by tests.
package final class LibSystemd: Sendable {
    package typealias Notify = @convention(c) (Int32, UnsafePointer<CChar>?) -> Int32
    package typealias WatchdogEnabled = @convention(c) (Int32, UnsafeMutablePointer<UInt64>?) -> Int32
    package typealias JournalSendv = @convention(c) (UnsafePointer<iovec>?, Int32) -> Int32

    /// The resolved entry points. Plain C function pointers into a library that stays open: safe to share.
    package struct Entries: @unchecked Sendable {
        package let notify: Notify
        package let watchdogEnabled: WatchdogEnabled
        package let journalSendv: JournalSendv
    }

    /// The soname, as a package's dependency names it.
    package let name: String
    /// nil until the first use; then the entries, or nil when the library or a symbol is missing.
    private let opened = Mutex<Entries??>(nil)

    package init(name: String = "libsystemd.so.0") {
        self.name = name
    }

    /// Opens the library on the first call; nil when it is not installed (or lacks a symbol).
    package var entries: Entries? {
        opened.withLock { opened in
            if let opened { return opened }
            let entries = Self.open(name)
            opened = .some(entries)
            return entries
        }
    }

    private static func open(_ name: String) -> Entries? {
        // Never closed: the pointers handed out must stay valid for the life of the process.
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL),
            let notify = dlsym(handle, "sd_notify"),
            let watchdogEnabled = dlsym(handle, "sd_watchdog_enabled"),
            let journalSendv = dlsym(handle, "sd_journal_sendv")
        else { return nil }
        return Entries(
            notify: unsafeBitCast(notify, to: Notify.self), watchdogEnabled: unsafeBitCast(watchdogEnabled, to: WatchdogEnabled.self),
            journalSendv: unsafeBitCast(journalSendv, to: JournalSendv.self))
    }
}
