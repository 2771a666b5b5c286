import CSystemd
import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Systemd
import Testing

@Suite("The journal: structured fields when stderr is the journal", .fixtures)
struct JournalTests {
    @Test("fields: MESSAGE, PRIORITY, identifier, code location, metadata upper-cased, errno numeric")
    func fields() {
        let fields = JournalEntry.fields(
            identifier: "deferred-memd", level: .error, message: "block failed: ENOMEM",
            metadata: ["block": "42", "zone": "Movable", "node": "1", "errno": "ENOMEM", "bytes": "134217728", "_bad": "x"],
            file: "Engine.swift", function: "log(_:)", line: 7)
        #expect(fields.contains("MESSAGE=block failed: ENOMEM"))
        #expect(fields.contains("PRIORITY=3"))
        #expect(fields.contains("SYSLOG_IDENTIFIER=deferred-memd"))
        #expect(fields.contains("CODE_LINE=7"))
        #expect(fields.contains("BLOCK=42"))
        #expect(fields.contains("ZONE=Movable"))
        #expect(fields.contains("NODE=1"))
        #expect(fields.contains("BYTES=134217728"))
        #expect(fields.contains("ERRNO=12"))
        #expect(fields.contains("ERRNO_NAME=ENOMEM"))
        #expect(!fields.contains { $0.hasPrefix("_") })
    }

    @Test("priorities follow syslog", arguments: [(Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2)])
    func priorities(level: Logger.Level, expected: Int) {
        #expect(JournalEntry.priority(level) == expected)
    }

    @Test("JOURNAL_STREAM names stderr only when device and inode match the descriptor")
    func journalStream() throws {
        let directory = try Fixture.temporaryDirectory()
        let path = directory.appendingPathComponent("stream").path
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        defer { close(fd) }
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        #expect(JournalStream.isJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"], descriptor: fd))
        #expect(!JournalStream.isJournal(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"], descriptor: fd))
        #expect(!JournalStream.isJournal(environment: ["JOURNAL_STREAM": "junk"], descriptor: fd))
        #expect(!JournalStream.isJournal(environment: [:], descriptor: fd))
    }

    @Test("libsystemd is opened on first use, and the entry points it resolves have the types CSystemd's header declares")
    func libsystemdOpensOnFirstUse() throws {
        // Assigning the header's functions checks the typealiases at compile time.
        let notify: LibSystemd.Notify = sd_notify
        let watchdogEnabled: LibSystemd.WatchdogEnabled = sd_watchdog_enabled
        let journalSendv: LibSystemd.JournalSendv = sd_journal_sendv
        _ = (notify, watchdogEnabled, journalSendv)
        let entries = try #require(LibSystemd().entries, "libsystemd0 is installed wherever this builds")
        // Without WATCHDOG_USEC in this process, the watchdog is off: the call went through and answered 0.
        var microseconds: UInt64 = 7
        #expect(entries.watchdogEnabled(0, &microseconds) == 0)
    }

    @Test("without libsystemd: nothing to notify, and each journal entry goes to the stream as one line with its priority")
    func withoutLibsystemd() throws {
        let absent = LibSystemd(name: "libdeferred-memd-absent.so.0")
        #expect(absent.entries == nil)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"], library: absent))
        notifier.notify(["STATUS=nobody hears this"])
        #expect(notifier.watchdogPingInterval() == nil)

        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        var handler = JournalLogHandler(identifier: "deferred-memd", library: absent, stream: ends[1])
        handler.metadata = ["node": "0"]
        handler.log(
            event: LogEvent(
                level: .error, message: "block 42 failed\nto online", metadata: ["block": "42", "errno": "ENOMEM", "why": "two\nlines"],
                source: "test", file: "F.swift", function: "f()", line: 1))
        handler.log(event: LogEvent(level: .info, message: "done", metadata: nil, source: "test", file: "F.swift", function: "f()", line: 2))
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(ends[0], &buffer, buffer.count)
        #expect(
            String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
                == "<3>block 42 failed to online block=42 errno=ENOMEM node=0 why=two lines\n<6>done node=0\n")
    }
}
