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

/// A datagram socket standing in for systemd's `NOTIFY_SOCKET`: collects every message sent to it.
final class NotifyListener: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let messages = Locked<[String]>([])
    private let stopped = Locked(false)
    private var thread: Thread?

    init(directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = recv(descriptor, &buffer, buffer.count, 0)
                if n > 0 {
                    let text = String(decoding: buffer[..<n], as: UTF8.self)
                    messages.set(messages.get() + [text])
                } else if stopped.get() {
                    return
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    /// Every message received, after giving the socket a moment to drain.
    func finish() -> [String] {
        usleep(150_000)
        stopped.set(true)
        usleep(150_000)
        close(descriptor)
        return messages.get()
    }
}

/// Records notifications in-process.
final class RecordingNotifier: ServiceNotifier, @unchecked Sendable {
    let sent = Locked<[[String]]>([])
    /// What `watchdogPingInterval()` answers, and how often it was asked.
    let watchdog: UInt64?
    let watchdogAsked = Locked(0)
    init(watchdog: UInt64? = nil) { self.watchdog = watchdog }
    func notify(_ assignments: [String]) { sent.set(sent.get() + [assignments]) }
    func watchdogPingInterval() -> UInt64? {
        watchdogAsked.set(watchdogAsked.get() + 1)
        return watchdog
    }
}

@Suite("systemd: notifications over NOTIFY_SOCKET, the journal, and the service's promises", .fixtures)
struct NotificationTests {
    func runWithSocket(
        _ arguments: [String], machine: String = "phone-12g", environment: [String: String] = [:], prepare: (URL) throws -> Void = { _ in }
    ) throws -> (Binary.Result, [String], URL) {
        let root = try Fixture.copyOfExample(machine)
        try prepare(root)
        let listener = try NotifyListener(directory: root.deletingLastPathComponent())
        var env = environment
        env["NOTIFY_SOCKET"] = listener.path
        let result = try Binary.run(arguments + ["--sysroot", root.path], environment: env)
        return (result, listener.finish(), root)
    }

    @Test("a simulated run: nothing before the first block, then progress with timeout extensions, then the summary with READY=1")
    func successfulRun() throws {
        let (result, messages, root) = try runWithSocket(["run", "--simulate", "--latency-ms-per-gib", "40"])
        #expect(result.status == 0, "\(result.stderr)")
        // The first message is the first block's progress: nothing is sent (nor libsystemd opened) before it.
        let first = try #require(messages.first)
        #expect(first.hasPrefix("STATUS=onlining: 1/80 blocks, "), "\(first)")
        #expect(first.hasSuffix("\nEXTEND_TIMEOUT_USEC=30000000"))
        let progress = messages.filter { $0.contains("STATUS=onlining: ") }
        #expect(!progress.isEmpty)
        #expect(progress.allSatisfy { $0.contains("EXTEND_TIMEOUT_USEC=") })
        #expect(progress.last?.contains("STATUS=onlining: 80/80 blocks, 10.0/10.0 GiB; Normal 40/40, Movable 40/40") == true, "\(progress)")
        let last = try #require(messages.last)
        #expect(last.contains("READY=1"))
        #expect(last.contains("STATUS=onlined 80/80 blocks (10.0 GiB)"), "\(last)")
        #expect(!messages.contains { $0.contains("ERRNO=") })
        // READY=1 comes once, at the end: after it, nothing more.
        #expect(messages.filter { $0.contains("READY=1") }.count == 1)
        // The complete sequence, every datagram accounted for: each progress message (the first block's always, as
        // nothing was sent before it; the last block's always), then the summary.
        #expect(messages == progress + [last], "\(messages)")
        #expect(progress.allSatisfy { $0.split(separator: "\n").count == 2 && $0.hasSuffix("\nEXTEND_TIMEOUT_USEC=30000000") }, "\(progress)")
        let done = progress.compactMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0.split(separator: "/")[0]) } }
        #expect(done.count == progress.count && done == done.sorted() && Set(done).count == done.count, "\(done): progress went back or repeated")
        #expect(last.hasPrefix("STATUS=onlined 80/80 blocks (10.0 GiB) in ") && last.hasSuffix(": Normal 40, Movable 40\nREADY=1"), "\(last)")
    }

    @Test("a failed block: the final message carries ERRNO= with the write's errno, and READY=1")
    func failedRun() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let block = try #require(try Fixture.plan(root).blocks.first?.index)
        let (result, messages, copy) = try runWithSocket(["run", "--simulate", "--latency-ms-per-gib", "0", "--fault", "online:\(block):ENOMEM:forever"])
        #expect(result.status == 3)
        let last = try #require(messages.last)
        #expect(last.contains("ERRNO=12"), "\(last)")
        #expect(last.contains("READY=1"))
        #expect(last.contains("1 failed"))
    }

    @Test("bad input: ERRNO=22 and the message as STATUS, no READY=1, exit 2")
    func badInput() throws {
        let (result, messages, root) = try runWithSocket(["run", "--simulate", "--movablecore", "99T"])
        #expect(result.status == 2)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("ERRNO=22") == true)
        #expect(messages.first?.contains("STATUS=bad input: --movablecore") == true, "\(messages)")
        #expect(!messages.contains { $0.contains("READY=1") })
    }

    @Test("bad input that is an unreadable file: ERRNO= is the read's own errno (EISDIR here), not always EINVAL")
    func badInputErrno() throws {
        let (result, messages, root) = try runWithSocket(["run", "--simulate"]) { root in
            let meminfo = root.appendingPathComponent("proc/meminfo")
            try FileManager.default.removeItem(at: meminfo)
            try FileManager.default.createDirectory(at: meminfo, withIntermediateDirectories: false)
        }
        #expect(result.status == 2)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("ERRNO=\(EISDIR)") == true, "\(messages)")
        #expect(messages.first?.contains("/proc/meminfo") == true, "\(messages)")
    }

    @Test("WATCHDOG_USEC set: WATCHDOG=1 pings while blocks come online")
    func watchdog() throws {
        let (result, messages, root) = try runWithSocket(["run", "--simulate", "--latency-ms-per-gib", "40"], environment: ["WATCHDOG_USEC": "200000"])
        #expect(result.status == 0)
        #expect(messages.filter { $0.contains("WATCHDOG=1") }.count >= 2, "\(messages)")
    }

    @Test("the environment as a dictionary: every variable, each name mapped to what getenv returns, '=' kept in values")
    func environmentIsTheProcesses() throws {
        let environment = ServiceContext.environment()
        var count = 0
        var cursor = environ
        while let entry = cursor.pointee {
            if strchr(entry, Int32(UInt8(ascii: "="))) != nil { count += 1 }
            cursor += 1
        }
        #expect(environment.count == count)
        #expect(!environment.isEmpty)
        for (name, value) in environment {
            #expect(getenv(name).map { String(cString: $0) } == value, "\(name)")
        }
        let path = try #require(getenv("PATH"))
        #expect(environment["PATH"] == String(cString: path))
    }

    @Test("without NOTIFY_SOCKET (or with it empty) there is no notifier, so nothing can be sent; with it there is one")
    func noSocket() {
        // A child started without NOTIFY_SOCKET cannot know any listener's path, so listening proves nothing:
        // what keeps a run outside systemd silent is that no notifier exists at all.
        let without: [[String: String]] = [
            [:],
            ["NOTIFY_SOCKET": ""],
            ["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1", "JOURNAL_STREAM": "8:12345", "PATH": "/usr/bin:/bin"],
        ]
        for environment in without {
            #expect(SystemdNotifier(environment: environment) == nil, "\(environment)")
            #expect(ServiceContext.notifications(environment: environment) == nil, "\(environment)")
        }
        for socket in ["/run/systemd/notify", "@abstract-notify"] {
            #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket]) != nil, "\(socket)")
            #expect(ServiceContext.notifications(environment: ["NOTIFY_SOCKET": socket, "PATH": "/usr/bin"]) != nil, "\(socket)")
        }
    }

    @Test("without NOTIFY_SOCKET the run is unchanged: same exit status and the same blocks, block for block")
    func runUnchangedWithoutSocket() throws {
        let (withSocket, messages, socketRoot) = try runWithSocket(["run", "--simulate", "--latency-ms-per-gib", "0"])
        #expect(!messages.isEmpty, "the run with a socket sent nothing: the comparison below would prove nothing")
        let root = try Fixture.copyOfExample("phone-12g")
        let without = try Binary.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(without.status == 0, "\(without.stderr)")
        #expect(without.status == withSocket.status)
        // The summary line, but for its elapsed time.
        let untimed = { (text: String) in text.replacingOccurrences(of: #" in [0-9]+ ms"#, with: "", options: .regularExpression) }
        #expect(untimed(without.stdout) == untimed(withSocket.stdout), "\(without.stdout) vs \(withSocket.stdout)")
        let outcomes = try BootBinaryTests.outcomes(root)
        #expect(!outcomes.isEmpty)
        #expect(outcomes == (try BootBinaryTests.outcomes(socketRoot)))
    }

    @Test("progress STATUS= is throttled, the last one always sent; the watchdog pings at its own pace")
    func throttling() {
        let recorder = RecordingNotifier()
        let notifications = RunNotifications(notifier: recorder, timing: .init(statusInterval: 3_600_000_000_000, watchdogInterval: 3_600_000_000_000))
        var progress = Progress(planned: [.normal: 3, .movable: 0], bytesPlanned: 3 << 27)
        for done in 1...3 {
            progress.done[.normal] = done
            progress.bytesDone = UInt64(done) << 27
            notifications.progress(progress)
        }
        let sent = recorder.sent.get()
        #expect(sent.count == 2)
        #expect(sent[0].contains("STATUS=onlining: 1/3 blocks, 128.0/384.0 MiB; Normal 1/3, Movable 0/0"), "\(sent)")
        #expect(sent[0].contains("WATCHDOG=1"))
        #expect(sent[1] == ["STATUS=onlining: 3/3 blocks, 384.0/384.0 MiB; Normal 3/3, Movable 0/0", "EXTEND_TIMEOUT_USEC=30000000"])
    }

    @Test("the watchdog interval is asked of the notifier (libsystemd) once, at the first block, not when the run starts")
    func watchdogAskedLazily() {
        let recorder = RecordingNotifier(watchdog: 3_600_000_000_000)
        let notifications = RunNotifications(notifier: recorder)
        #expect(recorder.watchdogAsked.get() == 0)
        var progress = Progress(planned: [.normal: 2, .movable: 0], bytesPlanned: 2 << 27)
        for done in 1...2 {
            progress.done[.normal] = done
            progress.bytesDone = UInt64(done) << 27
            notifications.progress(progress)
        }
        #expect(recorder.watchdogAsked.get() == 1)
        let sent = recorder.sent.get()
        #expect(sent.count == 2)
        #expect(sent.first?.contains("WATCHDOG=1") == true, "\(sent)")
        #expect(sent.last?.contains("WATCHDOG=1") == false, "\(sent): an hour has not passed")
        // With the watchdog off, no ping, and still asked only once.
        let off = RecordingNotifier()
        let quiet = RunNotifications(notifier: off)
        quiet.progress(progress)
        quiet.keepAlive()
        quiet.status("watching")
        #expect(off.watchdogAsked.get() == 1)
        #expect(!off.sent.get().joined().contains("WATCHDOG=1"))
    }
}

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

@Suite("Worker placement: CPU affinity and priority per zone worker", .fixtures)
struct PlacementTests {
    @Test("worker threads carry their zone's CPUs and priority (a nice value, or SCHED_IDLE)")
    func placement() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let last = ProcessInfo.processInfo.activeProcessorCount - 1
        let options = EngineOptions(workers: .perZone, cpus: [.normal: [0], .movable: [last]], priority: [.normal: .nice(5), .movable: .idle])
        let report = try EngineTests.run(
            root, kernel: { files, machine in SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0)) }, options: options)
        #expect(report.result.workers.count >= 2)
        for worker in report.result.workers {
            #expect(worker.priority == (worker.zone == .normal ? .nice(5) : .idle), "\(worker.name)")
            #expect(worker.cpus == (worker.zone == .normal ? [0] : [last]), "\(worker.name)")
        }
    }

    @Test("flags set each zone worker's CPUs and priority, over the configuration; the report shows them")
    func flags() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        try Fixture.write("[Plan]\nMovableCore=50%\n[Workers]\nNice=3\nNormalCPUs=0\n", to: "/etc/deferred-memd.conf", in: root)
        let result = try Binary.run([
            "run", "--simulate", "--workers", "per-zone", "--latency-ms-per-gib", "0", "--movable-cpus", "0", "--movable-priority", "idle", "--sysroot",
            root.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let workers = try #require(try report(root)["workers"] as? [[String: Any]])
        #expect(!workers.isEmpty)
        for worker in workers {
            #expect(worker["cpus"] as? [Int] == [0])
            if worker["zone"] as? String == "Movable" {
                #expect(worker["priority"] as? String == "idle")
            } else {
                #expect(worker["priority"] as? Int == 3)
            }
        }
    }

    @Test(
        "bad placement flags are usage errors naming the flag",
        arguments: [["--normal-cpus", "4-x"], ["--movable-priority", "20"], ["--normal-priority", "fast"]])
    func badFlags(flags: [String]) throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let before = try treeSnapshot(root)
        let result = try Binary.run(["run", "--simulate", "--sysroot", root.path] + flags)
        #expect(result.status == 64)
        #expect(result.stderr.contains(flags[0]))
        #expect(try treeSnapshot(root) == before)
    }
}

@Suite("The safety net and the service's start condition", .fixtures)
struct SafetyNetTests {
    func states(_ root: URL) throws -> [String: String] {
        let memory = root.appendingPathComponent("sys/devices/system/memory")
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: memory.path) where name.hasPrefix("memory") {
            let zones = try String(contentsOfFile: memory.path + "/\(name)/valid_zones", encoding: .utf8)
            result[name] =
                try String(contentsOfFile: memory.path + "/\(name)/state", encoding: .utf8).trimmingCharacters(in: .newlines) + " "
                + zones.trimmingCharacters(in: .newlines)
        }
        return result
    }

    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// `rescue --simulate` in-process: the kernel its job makes, on a machine read whole or from the blocks alone.
    static func rescue(_ root: URL) throws -> Rescue.Outcome {
        let files = KernelFiles(root: .init(root.path))
        let machine = try (try? Machine.read(from: files)) ?? Machine(memory: MemoryBlockDirectory.read(from: files))
        let kernel = KernelChoice.simulated(.init(nanosecondsPerGiB: 0), machine: machine).make(files: files)
        return Rescue(files: files, kernel: kernel, logger: quiet).run(stop: StopFlag())
    }

    @Test("after a run that failed one block, rescue onlines that block in the kernel zone and leaves every other block as it was")
    func rescueAfterFailure() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let plan = try Fixture.plan(root)
        let victim = try #require(plan.blocks.last { $0.zone == .movable })
        var run = RunJob()
        run.machine = MachineSelection(sysroot: root.path)
        run.simulate = true
        run.latencyMsPerGib = 0
        run.faults = [.init(stage: .probe, block: victim.index, errno: .noMemory, count: nil)]
        #expect(run.run(context: JobContext(logger: Self.quiet)) == .partial)
        let before = try states(root)
        #expect(before["memory\(victim.index)"] == nil)
        let outcome = try Self.rescue(root)
        #expect(outcome.summary == "rescue: 1 blocks onlined in the kernel zone", "\(outcome.summary)")
        #expect(outcome.failed.isEmpty)
        let after = try states(root)
        #expect(after["memory\(victim.index)"] == "online Normal")
        for (name, state) in before { #expect(after[name] == state, "\(name) changed") }
        #expect(!after.values.contains { $0.hasPrefix("offline") })
    }

    @Test("with sources that do not parse, rescue still onlines every present offline block in the kernel zone, and says why it did no more")
    func rescueWithBadSources() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        try Fixture.write("console=ttyS0 deferred_mem.kernelcore=12Q\n", to: "/proc/cmdline", in: root)
        #expect(throws: SourceError.self) { try Machine.read(from: KernelFiles(root: .init(root.path))) }
        let outcome = try Self.rescue(root)
        #expect(outcome.note?.hasPrefix("machine sources unreadable") == true, "\(outcome.summary)")
        #expect(outcome.failed.isEmpty)
        let after = try states(root)
        #expect(after.values.allSatisfy { $0.hasPrefix("online") })
        #expect((32...47).allSatisfy { after["memory\($0)"] == "online Normal" })
        #expect(outcome.onlined == 16)
    }

    @Test("the boot binary runs rescue as the fallback unit does: its summary on stdout, exit 0 once no block is left offline")
    func rescueBinary() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let rescue = try Binary.run(["rescue", "--simulate", "--sysroot", root.path], program: Binary.boot)
        #expect(rescue.status == 0, "\(rescue.stdout) \(rescue.stderr)")
        #expect(rescue.stdout.hasPrefix("rescue: "), "\(rescue.stdout)")
        #expect(!(try states(root)).values.contains { $0.hasPrefix("offline") })
    }

    @Test(
        "mem= with no RAM map to locate the rest (arm64 under UEFI without the vendor interface): plan --check starts the service, run exits 1 saying why and writes nothing, and a run with blocks still says what stays missing"
    )
    func unlocatedDeferredMemory() throws {
        let root = try Fixture.machineWithoutRAMMap()
        #expect(try Binary.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        let before = try treeSnapshot(root.appendingPathComponent("sys"))
        let run = try Binary.run(["run", "--simulate", "--sysroot", root.path])
        #expect(run.status == 1, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("onlined 0/0 blocks"))
        #expect(run.stdout.contains("; nothing done: mem= limits boot memory, but no RAM map"), "\(run.stdout)")
        #expect(try treeSnapshot(root.appendingPathComponent("sys")) == before)
        // An offline block is still onlined, and the summary still says what stays missing, in a re-run too (the
        // boot's journal keeps the block in the plan).
        try Fixture.write("offline\n", to: "/sys/devices/system/memory/memory39/state", in: root)
        #expect(try Binary.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        let offline = try Binary.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(offline.status == 0, "\(offline.stdout) \(offline.stderr)")
        #expect(offline.stdout.contains("onlined 1/1 blocks"), "\(offline.stdout)")
        #expect(offline.stdout.contains("Normal 1, Movable 0; mem= limits boot memory, but no RAM map"), "\(offline.stdout)")
        #expect(try Binary.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        let again = try Binary.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("(1 already online); mem= limits boot memory, but no RAM map"), "\(again.stdout)")
        // Without mem= the same machine has nothing deferred: the unit is skipped, as on any fully booted device.
        try Fixture.write("console=ttyAMA0\n", to: "/proc/cmdline", in: root)
        #expect(try Binary.run(["plan", "--check", "--sysroot", root.path]).status == 1)
    }

    @Test("plan --check: 0 with memory to online or bad input (so run reports it), 1 once everything is online")
    func startCondition() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        #expect(try Binary.run(["plan", "--check", "--sysroot", root.path]).status == 0)
        #expect(try Binary.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path]).status == 0)
        let done = try Binary.run(["plan", "--check", "--sysroot", root.path])
        #expect(done.status == 1)
        #expect(done.stdout.isEmpty && done.stderr.isEmpty)
        try Fixture.write("mem=2G deferred_mem.movablecore=150%\n", to: "/proc/cmdline", in: root)
        #expect(try Binary.run(["plan", "--check", "--sysroot", root.path]).status == 0)
    }
}
