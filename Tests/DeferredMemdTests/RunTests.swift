import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Synchronization
import Testing

/// Reads the tree and says which planned blocks are not online in their planned zone.
func misplaced(_ plan: Plan, in root: URL) throws -> [String] {
    let files = KernelFiles(root: .init(root.path))
    var problems: [String] = []
    for block in plan.blocks {
        let directory = "/sys/devices/system/memory/memory\(block.index)"
        let state = (try? files.readValue(directory + "/state")) ?? "absent"
        let zone = (try? files.readValue(directory + "/valid_zones")) ?? ""
        if state != "online" || Zone(kernelZoneName: Substring(zone)) != block.zone {
            problems.append("memory\(block.index): \(state) \(zone), planned \(block.zone.rawValue)")
        }
    }
    return problems
}

func report(_ root: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: root.appendingPathComponent("run/deferred-memd/report.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

@Suite("deferred-memd run against the simulated kernel", .fixtures)
struct RunTests {
    @Test("every example machine ends fully online in the planned zones, and a second run is a no-op", arguments: Fixture.exampleNames)
    func examplesComeOnline(machine: String) throws {
        let root = try Fixture.copyOfExample(machine)
        let plan = try Fixture.plan(root)
        let first = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "2", "--sysroot", root.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("onlined \(plan.blocks.count)/\(plan.blocks.count) blocks"))
        #expect(try misplaced(plan, in: root).isEmpty)
        let written = try report(root)
        #expect(written["exitCode"] as? Int == 0)
        #expect((written["blocks"] as? [[String: Any]])?.count == plan.blocks.count)

        let before = try treeSnapshot(root.appendingPathComponent("sys"))
        let second = InProcess.run(["run", "--simulate", "--sysroot", root.path])
        #expect(second.status == 0)
        #expect(second.stdout.contains("\(plan.blocks.count) already online"))
        #expect(try treeSnapshot(root.appendingPathComponent("sys")) == before, "the second run wrote to the kernel")
        let status = InProcess.run(["status", "--sysroot", root.path])
        #expect(status.stdout.contains("Deferred memory missing: 0B of \(ByteCount.lsmemStyle(plan.totalBytes))"), "\(status.stdout)")
        #expect(status.stdout.contains("Last run:"))
    }

    @Test(
        "no probe file: every block to probe fails for that one reason; the summary (STATUS=, status) names it once, the journal has the first block in full and one line for the rest"
    )
    func noProbeFileSummary() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        try FileManager.default.removeItem(at: root.appendingPathComponent("sys/devices/system/memory/probe"))
        let plan = try Fixture.plan(root)
        let result = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "(\(plan.blocks.count) failed); all \(plan.blocks.count) failed at probe: no /sys/devices/system/memory/probe (CONFIG_ARCH_MEMORY_PROBE is off)"
            ),
            "\(result.stdout)")
        let cause = "no /sys/devices/system/memory/probe (CONFIG_ARCH_MEMORY_PROBE is off)"
        let errors = result.stderr.split(separator: "\n").filter { $0.contains(" error ") }
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.first?.contains("block=16 ") == true && errors.first?.hasSuffix("block failed: \(cause)") == true)
        #expect(errors.last?.contains("blocks=17-95 ") == true, "\(errors)")
        #expect(errors.last?.hasSuffix("\(plan.blocks.count - 1) more blocks failed at probe: \(cause)") == true)
    }

    @Test("blocks failing for different reasons: the summary names the first failure")
    func firstFailureSummary() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let result = InProcess.run([
            "run", "--simulate", "--latency-ms-per-gib", "0", "--fault", "online:20:EIO:1", "--fault", "online:21:EPERM:forever",
            "--probe-method", "two-write", "--sysroot", root.path,
        ])
        #expect(result.status == 3)
        #expect(result.stdout.contains("(2 failed); first failure: memory20 at online: "), "\(result.stdout)")
        // Two causes: each block's failure in full, its errno by name (the journal's ERRNO= and ERRNO_NAME= come
        // from it).
        let errors = result.stderr.split(separator: "\n").filter { $0.contains(" error ") }
        #expect(errors.count == 2 && errors.allSatisfy { $0.contains("block failed: ") }, "\(errors)")
        #expect(errors.first?.contains(" errno=EIO ") == true && errors.last?.contains(" errno=EPERM ") == true, "\(errors)")
    }

    @Test("one errno on every block: the first block's failure in full, then one line naming the errno and the other blocks")
    func repeatedErrno() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let result = InProcess.run([
            "run", "--simulate", "--latency-ms-per-gib", "0", "--fault", "online:*:EIO:forever", "--probe-method", "two-write", "--sysroot", root.path,
        ])
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").filter { $0.contains(" error ") }
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.first?.contains("block=16 ") == true && errors.first?.contains(" errno=EIO ") == true)
        #expect(errors.last?.contains("blocks=17-95 ") == true && errors.last?.contains(" errno=EIO ") == true, "\(errors)")
        #expect(errors.last?.hasSuffix("79 more blocks failed at online (EIO)") == true, "\(errors)")
    }

    /// (fault, expected outcome of that block, expected exit code)
    static let faults: [(String, String, Int32)] = [
        ("probe:20:EBUSY:2", "onlined", 0), ("probe:20:EAGAIN:1", "onlined", 0), ("probe:20:EINTR:3", "onlined", 0),
        ("probe:20:ENOMEM:2", "onlined", 0), ("probe:20:EBUSY:forever", "failed", 3), ("probe:20:ENOMEM:forever", "failed", 3),
        ("probe:20:EINVAL:forever", "failed", 3), ("probe:20:E2BIG:1", "failed", 3), ("probe:20:EEXIST:1", "failed", 3),
        ("online:20:EBUSY:2", "onlined", 0), ("online:20:EAGAIN:4", "onlined", 0), ("online:20:EINTR:1", "onlined", 0),
        ("online:20:ENOMEM:1", "onlined", 0), ("online:20:EBUSY:forever", "failed", 3), ("online:20:EHWPOISON:1", "failed", 3),
        ("online:20:EPERM:forever", "failed", 3), ("online:20:EINVAL:1", "failed", 3), ("online:20:EIO:1", "failed", 3),
    ]

    /// On the two-write path, where a `state` write's errno reaches the daemon (auto-zone's online inside the probe
    /// fails silently: `AutoZoneTests`).
    @Test("the fault matrix: transient errnos are retried, others fail that block only", arguments: 0..<faults.count)
    func faultMatrix(index: Int) throws {
        let (fault, outcome, exit) = Self.faults[index]
        let root = try Fixture.copyOfExample("phone-12g")
        let plan = try Fixture.plan(root)
        let result = InProcess.run([
            "run", "--simulate", "--latency-ms-per-gib", "0", "--fault", fault, "--probe-method", "two-write", "--sysroot", root.path,
        ])
        #expect(result.status == exit, "\(fault): \(result.stdout) \(result.stderr)")
        let blocks = try #require(try report(root)["blocks"] as? [[String: Any]])
        let block20 = try #require(blocks.first { $0["index"] as? Int == 20 })
        #expect(block20["outcome"] as? String == outcome, "\(fault)")
        if outcome == "failed" { #expect(block20["errno"] is String || block20["reason"] is String) }
        // One bad block never stops the others.
        let others = try misplaced(plan, in: root).filter { !$0.hasPrefix("memory20:") }
        #expect(others.isEmpty, "\(fault): \(others)")
        // A later run without the fault finishes what is left.
        let rerun = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(rerun.status == 0, "\(fault): \(rerun.stdout)")
        #expect(try misplaced(plan, in: root).isEmpty)
    }

    static let killMachines = ["phone-12g", "x86-vm-numa-dimms", "arm64-board", "x86-vm-mem-limit"]

    /// The plan's blocks that are online in the tree now.
    static func online(_ plan: Plan, in root: URL) -> Set<Int> {
        let files = KernelFiles(root: .init(root.path))
        return Set(plan.blocks.map(\.index).filter { (try? files.readValue("/sys/devices/system/memory/memory\($0)/state")) == "online" })
    }

    /// `run --simulate` slowed (`--latency-ms-per-gib`) so that the whole run takes a second and a half or more, whatever the
    /// machine's size, started on `root`; returns once the run's journal exists (it is written just before the
    /// first kernel write), so that what follows is timed from the run's start, not from the process's.
    static func startSlowRun(_ plan: Plan, in root: URL, program: String) throws -> (Process, started: Bool) {
        let process = Process()
        process.executableURL = Binary.url(program)
        let latency = 1500 * Double(1 << 30) / Double(plan.totalBytes)
        process.arguments = ["run", "--simulate", "--latency-ms-per-gib", String(Int(latency)), "--sysroot", root.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let journal = root.appendingPathComponent("run/deferred-memd/plan.json").path
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: journal) && process.isRunning && Date() < deadline { usleep(1_000) }
        return (process, FileManager.default.fileExists(atPath: journal))
    }

    @Test("SIGKILL at a random point of a run, then a re-run: nothing twice, nothing in the wrong zone, nothing offline; most kills land mid-run")
    func killAndRerun() throws {
        // Each machine's run length, measured here and now (the machine may be loaded): journal written → exit.
        var runLength: [String: TimeInterval] = [:]
        for machine in Self.killMachines {
            let root = try Fixture.copyOfExample(machine)
            let (process, started) = try Self.startSlowRun(try Fixture.plan(root), in: root, program: Binary.boot)
            let begin = Date()
            process.waitUntilExit()
            #expect(started && process.terminationStatus == 0, "\(machine): the measuring run failed")
            runLength[machine] = Date().timeIntervalSince(begin)
        }

        var midRun = 0
        var statistics: [String] = []
        let iterations = 12
        for iteration in 0..<iterations {
            let machine = Self.killMachines[iteration % Self.killMachines.count]
            let root = try Fixture.copyOfExample(machine)
            let plan = try Fixture.plan(root)
            let onlineBefore = Self.online(plan, in: root)
            // The boot binary is what the service runs (and what a power cut at boot kills); the tool shares its code.
            let (process, started) = try Self.startSlowRun(plan, in: root, program: iteration.isMultiple(of: 2) ? Binary.boot : "deferred-memd")
            #expect(started, "\(machine): the run never wrote its journal")
            let delay = Double.random(in: 0.15...0.85) * (runLength[machine] ?? 1)
            usleep(useconds_t(delay * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let onlineAtKill = Self.online(plan, in: root)
            let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
            if killed && onlineAtKill.count > onlineBefore.count && onlineAtKill.count < plan.blocks.count { midRun += 1 }
            statistics.append(
                "\(iteration) \(machine): \(onlineAtKill.count)/\(plan.blocks.count) online at kill after \(Int(delay * 1000)) ms of \(Int((runLength[machine] ?? 0) * 1000))\(killed ? "" : " (not killed)")"
            )

            let rerun = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
            #expect(rerun.status == 0, "\(machine): \(rerun.stdout) \(rerun.stderr)")
            // Nothing in the wrong zone, nothing offline: every block in the zone of the first run's plan, which the
            // journal carried over (a fresh plan of what is still offline would split differently).
            #expect(try misplaced(plan, in: root).isEmpty, "\(machine)")
            let blocks = try #require(try report(root)["blocks"] as? [[String: Any]])
            #expect(!blocks.contains { $0["outcome"] as? String == "conflict" }, "\(machine)")
            let zones = Dictionary(uniqueKeysWithValues: blocks.compactMap { block in (block["index"] as? Int).map { ($0, block["zone"] as? String) } })
            #expect(
                zones == Dictionary(uniqueKeysWithValues: plan.blocks.map { ($0.index, Optional($0.zone.rawValue)) }),
                "\(machine): the journal's zones were not kept")
            // Nothing twice: what the killed run had onlined, the re-run finds online and leaves alone; the rest it onlines.
            for block in blocks {
                guard let index = block["index"] as? Int else { continue }
                let expected = onlineAtKill.contains(index) ? "already-online" : "onlined"
                #expect(block["outcome"] as? String == expected, "\(machine): memory\(index) online at kill: \(onlineAtKill.contains(index))")
            }
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("run/deferred-memd").path).allSatisfy { !$0.contains(".tmp.") })
        }
        print("SIGKILL and re-run, online at kill:\n  " + statistics.joined(separator: "\n  "))
        // A kill before the first write or after the last proves nothing about recovery: most must land mid-run.
        #expect(midRun * 3 >= iterations * 2, "only \(midRun)/\(iterations) kills landed mid-run:\n\(statistics.joined(separator: "\n"))")
    }

    @Test("SIGTERM: the write in flight finishes, the report is written, exit 4; a re-run finishes the job")
    func sigterm() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let plan = try Fixture.plan(root)
        let process = Process()
        process.executableURL = Binary.url(Binary.boot)  // systemd stops the service's binary
        process.arguments = ["run", "--simulate", "--latency-ms-per-gib", "400", "--sysroot", root.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(300_000)
        kill(process.processIdentifier, SIGTERM)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 4, "\(text)")
        #expect(text.contains("stopped: SIGTERM"))
        let written = try report(root)
        #expect(written["stopReason"] as? String == "SIGTERM")
        let blocks = try #require(written["blocks"] as? [[String: Any]])
        #expect(blocks.contains { $0["outcome"] as? String == "not-reached" })
        #expect(!blocks.contains { $0["outcome"] as? String == "failed" })
        let rerun = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(rerun.status == 0)
        #expect(try misplaced(plan, in: root).isEmpty)
    }

    @Test("auto_online_blocks=online: switched off for the run and restored; with refuse, nothing is probed")
    func autoOnline() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let plan = try Fixture.plan(root)
        try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        let refused = InProcess.run(["run", "--simulate", "--auto-online", "refuse", "--sysroot", root.path, "--latency-ms-per-gib", "0"])
        #expect(refused.status == 1)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("sys/devices/system/memory/memory16").path))
        let switched = InProcess.run(["run", "--simulate", "--sysroot", root.path, "--latency-ms-per-gib", "0"])
        #expect(switched.status == 0, "\(switched.stdout)")
        #expect(try misplaced(plan, in: root).isEmpty)
        #expect(try String(contentsOf: root.appendingPathComponent("sys/devices/system/memory/auto_online_blocks"), encoding: .utf8) == "online\n")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("run/deferred-memd/auto_online_blocks.saved").path))
    }

    @Test("a crashed run that had switched auto_online_blocks off is restored by the next run")
    func autoOnlineRestoredAfterCrash() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        try Fixture.write("online_movable\n", to: "/run/deferred-memd/auto_online_blocks.saved", in: root)
        try Fixture.write("offline\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        let rerun = InProcess.run(["run", "--simulate", "--sysroot", root.path, "--latency-ms-per-gib", "0"])
        #expect(rerun.status == 0)
        #expect(try misplaced(try Fixture.plan(root), in: root).isEmpty, "probes must not have been auto-onlined as Movable")
        #expect(try String(contentsOf: root.appendingPathComponent("sys/devices/system/memory/auto_online_blocks"), encoding: .utf8) == "online_movable\n")
    }

    @Test("no probe file where blocks need probing: nothing can be done, exit 1, nothing written to the kernel")
    func noProbeFile() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        try FileManager.default.removeItem(at: root.appendingPathComponent("sys/devices/system/memory/probe"))
        let before = try treeSnapshot(root.appendingPathComponent("sys"))
        let result = InProcess.run(["run", "--simulate", "--sysroot", root.path])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("23 failed"))
        #expect(result.stderr.contains("CONFIG_ARCH_MEMORY_PROBE"))
        #expect(try treeSnapshot(root.appendingPathComponent("sys")) == before)
    }

    @Test("--dry-run prints the exact writes and writes nothing")
    func dryRun() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let before = try treeSnapshot(root)
        let result = InProcess.run(["run", "--dry-run", "--sysroot", root.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("echo 0x40000000 > /sys/devices/system/memory/probe"))
        #expect(result.stdout.contains("echo online_kernel > /sys/devices/system/memory/memory8/state"))
        #expect(result.stdout.contains("echo online_movable > /sys/devices/system/memory/memory39/state"))
        #expect(!result.stdout.contains("auto_online_blocks"), "two writes by default; auto_online_blocks is already offline")
        #expect(!result.stderr.contains("zone online"), "a dry run onlines nothing, so it logs no zone totals")
        #expect(!result.stdout.contains("echo 0xb8000000"), "the partial block at the PCI hole is never probed")
        let autoZone = InProcess.run(["run", "--dry-run", "--probe-method", "auto-zone", "--sysroot", root.path])
        #expect(autoZone.stdout.contains("echo online_kernel > /sys/devices/system/memory/auto_online_blocks"))
        #expect(autoZone.stdout.contains("echo online_movable > /sys/devices/system/memory/auto_online_blocks"))
        #expect(!autoZone.stdout.contains("/state"), "auto-zone: the probe onlines each block")
        #expect(try treeSnapshot(root) == before)
    }

    @Test("per-zone workers: one thread per node and zone, each with its own queue in address order")
    func workersPerZone() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let result = InProcess.run(["run", "--simulate", "--workers", "per-zone", "--sysroot", root.path, "--latency-ms-per-gib", "8"])
        #expect(result.status == 0)
        let written = try report(root)
        let workers = try #require(written["workers"] as? [[String: Any]])
        #expect(Set(workers.compactMap { $0["name"] as? String }) == ["node0-normal", "node0-movable", "node1-normal", "node1-movable"])
        let blocks = try #require(written["blocks"] as? [[String: Any]])
        for worker in workers.compactMap({ $0["name"] as? String }) {
            let mine = blocks.filter { $0["worker"] as? String == worker }
            let starts = mine.compactMap { $0["startedAt"] as? Int }
            #expect(starts == starts.sorted(), "\(worker) did not work in address order")
            #expect(mine.count == 4)
        }
        let serial = try Fixture.copyOfExample("x86-vm-numa-dimms")
        #expect(InProcess.run(["run", "--simulate", "--workers", "serial", "--sysroot", serial.path]).status == 0)
        #expect((try report(serial)["workers"] as? [[String: Any]])?.count == 1)
    }
}
