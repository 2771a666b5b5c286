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
        let (result, messages, _) = try runWithSocket(["run", "--simulate", "--latency-ms-per-gib", "40"])
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
        let (result, messages, _) = try runWithSocket(["run", "--simulate", "--latency-ms-per-gib", "0", "--fault", "online:\(block):ENOMEM:forever"])
        #expect(result.status == 3)
        let last = try #require(messages.last)
        #expect(last.contains("ERRNO=12"), "\(last)")
        #expect(last.contains("READY=1"))
        #expect(last.contains("1 failed"))
    }

    @Test("bad input: ERRNO=22 and the message as STATUS, no READY=1, exit 2")
    func badInput() throws {
        let (result, messages, _) = try runWithSocket(["run", "--simulate", "--movablecore", "99T"])
        #expect(result.status == 2)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("ERRNO=22") == true)
        #expect(messages.first?.contains("STATUS=bad input: --movablecore") == true, "\(messages)")
        #expect(!messages.contains { $0.contains("READY=1") })
    }

    @Test("bad input that is an unreadable file: ERRNO= is the read's own errno (EISDIR here), not always EINVAL")
    func badInputErrno() throws {
        let (result, messages, _) = try runWithSocket(["run", "--simulate"]) { root in
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
        let (result, messages, _) = try runWithSocket(["run", "--simulate", "--latency-ms-per-gib", "40"], environment: ["WATCHDOG_USEC": "200000"])
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
