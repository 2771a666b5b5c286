import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import Reporting
import Settings
import SystemPackage
import Testing

/// What Linux 6.1 does when its memory notifier chain refuses onlining (`CONFIG_MEMORY_NOTIFIER_ERROR_INJECT`: a
/// negative errno in `notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error`), as the QEMU `refuse`
/// scenarios saw it, and what the daemon promises on such a kernel. `online:*:ERRNO:COUNT` is that injection in
/// the simulated kernel.
@Suite("A kernel that refuses to online (the memory notifier's error injection)", .fixtures)
struct RefusingKernelTests {
    static let example = "x86-vm-mem-limit"
    static let memory = "/sys/devices/system/memory"

    static func kernel(_ root: URL, faults: [SimulatedKernel.Fault]) throws -> (SimulatedKernel, KernelFiles) {
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        return (SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0, faults: faults)), files)
    }

    static func blocks(_ root: URL) throws -> [[String: Any]] {
        try #require(try report(root)["blocks"] as? [[String: Any]])
    }

    static func quietContext(faults: [SimulatedKernel.Fault]) -> JobContext {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return JobContext(logger: logger) { choice, files in
            guard case .simulated(var options, let machine) = choice else { return choice.make(files: files) }
            options.faults = faults
            return KernelChoice.simulated(options, machine: machine).make(files: files)
        }
    }

    @Test(
        "the kernel: every online_* or online of an offline block fails with exactly the injected errno, the block stays offline with the same valid_zones, and the probe is unaffected",
        arguments: [Errno.noMemory, .resourceBusy, .ioError, .invalidArgument, .notPermitted])
    func kernelRefuses(errno: Errno) throws {
        let root = try Fixture.copyOfExample(Self.example)
        let (kernel, files) = try Self.kernel(root, faults: [.init(stage: .online, block: nil, errno: errno, count: nil)])
        try kernel.write(.probe(address: 0x4000_0000))
        let zonesBefore = try files.readValue(Self.memory + "/memory8/valid_zones")
        for command in [KernelWrite.StateCommand.onlineMovable, .onlineKernel, .online] {
            let error = #expect(throws: KernelFileError.self) { try kernel.write(.blockState(index: 8, command: command)) }
            #expect(error?.errno == errno, "\(command)")
            #expect(try files.readValue(Self.memory + "/memory8/state") == "offline")
            #expect(try files.readValue(Self.memory + "/memory8/valid_zones") == zonesBefore)
        }
    }

    @Test("the kernel: with auto_online_blocks=online a probe under injection succeeds and leaves the block offline")
    func autoOnlineProbe() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let (kernel, files) = try Self.kernel(root, faults: [.init(stage: .online, block: nil, errno: .noMemory, count: nil)])
        try kernel.write(.autoOnlineBlocks("online"))
        try kernel.write(.probe(address: 0x4000_0000))
        #expect(try files.readValue(Self.memory + "/memory8/state") == "offline")
    }

    @Test("the kernel: an online block still answers EINVAL, the injection is never reached")
    func onlineBlockIsEinval() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let (kernel, _) = try Self.kernel(root, faults: [.init(stage: .online, block: nil, errno: .noMemory, count: 1)])
        let error = #expect(throws: KernelFileError.self) { try kernel.write(.blockState(index: 0, command: .onlineKernel)) }
        #expect(error?.errno == .invalidArgument)
        try kernel.write(.probe(address: 0x4000_0000))
        #expect(throws: KernelFileError.self) { try kernel.write(.blockState(index: 8, command: .onlineKernel)) }
        try kernel.write(.blockState(index: 8, command: .onlineKernel))  // the one refusal was not spent above
    }

    @Test(
        "run, either probe method: every block fails at stage online with the kernel's errno, after 5 attempts for EBUSY/ENOMEM and 1 for the rest; exit 1",
        arguments: [("ENOMEM", 5), ("EBUSY", 5), ("EIO", 1), ("EINVAL", 1), ("EPERM", 1)], [ProbeMethod.twoWrite, .autoZone])
    func everyOnlineRefused(refusal: (errno: String, onlineAttempts: Int), method: ProbeMethod) throws {
        let (errno, onlineAttempts) = refusal
        let root = try Fixture.copyOfExample(Self.example)
        let plan = try Fixture.plan(root)
        let result = InProcess.run(
            [
                "run", "--simulate", "--latency-ms-per-gib", "0", "--probe-method", method.rawValue, "--fault", "online:*:\(errno):forever", "--sysroot",
                root.path,
            ],
            program: Binary.boot)
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        let blocks = try Self.blocks(root)
        #expect(blocks.count == plan.blocks.count)
        for block in blocks {
            let probes = block["action"] as? String == "probe" ? 1 : 0
            // Auto-zone: the refusal inside the probe is silent (the probe succeeds, the block stays offline);
            // verification's explicit online meets it and retries as the two-write path does. A block where the
            // zone changes also counts its auto_online_blocks write.
            let switches = (block["writes"] as? [String])?.filter { $0 == "auto_online_blocks" }.count ?? 0
            #expect(method == .autoZone || switches == 0)
            #expect(block["outcome"] as? String == "failed")
            #expect(block["stage"] as? String == "online")
            #expect(block["errno"] as? String == errno)
            #expect(block["attempts"] as? Int == switches + probes + onlineAttempts, "\(block)")
        }
        #expect(try misplaced(plan, in: root).count == plan.blocks.count, "nothing online")
        #expect(result.stderr.contains(errno), "the log names the errno")
        // Every block was probed all the same: a later run only onlines.
        let files = KernelFiles(root: .init(root.path))
        #expect(plan.blocks.allSatisfy { (try? files.readValue(Self.memory + "/memory\($0.index)/state")) == "offline" })
    }

    @Test("run: refused four times then cleared, the fifth and last attempt onlines the block; refused five times, it fails", arguments: [4, 5])
    func transientRefusal(refusals: Int) throws {
        let root = try Fixture.copyOfExample(Self.example)
        let plan = try Fixture.plan(root)
        let first = try #require(plan.blocks.first)
        let result = InProcess.run(
            ["run", "--simulate", "--latency-ms-per-gib", "0", "--probe-method", "two-write", "--fault", "online:*:EBUSY:\(refusals)", "--sysroot", root.path],
            program: Binary.boot)
        let blocks = try Self.blocks(root)
        let firstRecord = try #require(blocks.first { $0["index"] as? Int == first.index })
        #expect(firstRecord["errno"] as? String == "EBUSY")
        if refusals < 5 {
            #expect(result.status == 0, "\(result.stdout)")
            #expect(firstRecord["outcome"] as? String == "onlined")
            #expect(firstRecord["attempts"] as? Int == 1 + refusals + 1)
            #expect(try misplaced(plan, in: root).isEmpty)
        } else {
            // The refusals run out exactly when the daemon gives up: the first block fails, the second is onlined.
            #expect(result.status == 3, "\(result.stdout)")
            #expect(firstRecord["outcome"] as? String == "failed")
            #expect(firstRecord["attempts"] as? Int == 1 + 5)
            #expect(try misplaced(plan, in: root) == ["memory\(first.index): offline Normal Movable, planned \(first.zone.rawValue)"])
        }
        let others = blocks.filter { $0["index"] as? Int != first.index }
        #expect(others.allSatisfy { $0["attempts"] as? Int == 2 && $0["outcome"] as? String == "onlined" })
    }

    @Test("run: the kernel refuses chosen blocks only; exactly those fail, each with its own errno, the others are online as planned; exit 3")
    func someBlocksRefused() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let plan = try Fixture.plan(root)
        let normal = try #require(plan.blocks.filter { $0.zone == .normal }.dropFirst().first).index
        let movable = try #require(plan.blocks.filter { $0.zone == .movable }.dropFirst(2).first).index
        let last = try #require(plan.blocks.last).index
        let chosen = [normal: ("ENOMEM", 6), movable: ("EIO", 2), last: ("EBUSY", 6)]
        let faults = chosen.flatMap { ["--fault", "online:\($0.key):\($0.value.0):forever"] }
        let result = InProcess.run(
            ["run", "--simulate", "--latency-ms-per-gib", "0", "--probe-method", "two-write", "--sysroot", root.path] + faults, program: Binary.boot)
        #expect(result.status == 3, "\(result.stdout)")
        for block in try Self.blocks(root) {
            let index = try #require(block["index"] as? Int)
            if let (errno, attempts) = chosen[index] {
                #expect(block["outcome"] as? String == "failed")
                #expect(block["errno"] as? String == errno)
                #expect(block["attempts"] as? Int == attempts)
            } else {
                #expect(block["outcome"] as? String == "onlined")
                #expect(block["attempts"] as? Int == 2)
            }
        }
        #expect(Set(try misplaced(plan, in: root).map { String($0.prefix { $0 != ":" }) }) == Set(chosen.keys.map { "memory\($0)" }))
        let rerun = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path], program: Binary.boot)
        #expect(rerun.status == 0)
        #expect(try misplaced(plan, in: root).isEmpty)
    }

    @Test(
        "run, auto-zone: each transient refusal is spent silently inside a probe, which leaves its block offline; verification onlines those blocks with one state write each; exit 0"
    )
    func transientRefusalUnderAutoZone() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let plan = try Fixture.plan(root)
        let result = InProcess.run(
            ["run", "--simulate", "--latency-ms-per-gib", "0", "--probe-method", "auto-zone", "--fault", "online:*:EBUSY:3", "--sysroot", root.path],
            program: Binary.boot)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(try misplaced(plan, in: root).isEmpty)
        let repaired = try Self.blocks(root).filter { ($0["writes"] as? [String])?.contains("state") == true }.compactMap { $0["index"] as? Int }
        #expect(repaired == plan.blocks.prefix(3).map(\.index), "the first three probes met the three refusals")
    }

    @Test("rescue on a kernel that refuses every online: 5 attempts in the kernel zone and 5 plain online per block (ENOMEM is retried), then it ends; exit 3")
    func rescueOnRefusingKernel() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let plan = try Fixture.plan(root)
        let files = KernelFiles(root: .init(root.path))
        let (kernel, _) = try Self.kernel(root, faults: [.init(stage: .online, block: nil, errno: .noMemory, count: nil)])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let started = ContinuousClock.now
        let outcome = Rescue(files: files, kernel: kernel, logger: logger).run(stop: StopFlag())
        #expect(ContinuousClock.now - started < .seconds(120), "bounded: 11 writes and 300 ms of backoff per block")
        #expect(outcome.onlined == 0)
        #expect(outcome.failed.sorted() == plan.blocks.map(\.index).sorted())
        // One probe per block, then 5 online_kernel and 5 online: a fixed number of writes, whatever the kernel says.
        #expect(kernel.writeCount == plan.blocks.count * (1 + 5 + 5))
        #expect(outcome.records.allSatisfy { $0.attempts == 1 + 5 + 5 && $0.lastErrno == .noMemory }, "one record per block, every attempt in it")
        #expect(outcome.summary.hasPrefix("rescue: 0 blocks onlined in the kernel zone, \(plan.blocks.count) still offline"))

        var job = RescueJob()
        job.sysroot = root.path
        job.simulate = true
        #expect(job.run(context: Self.quietContext(faults: [.init(stage: .online, block: nil, errno: .noMemory, count: nil)])) == .partial)
    }

    /// `Key=value` lines of a unit's section, in order.
    static func directives(_ unit: String, section: String) throws -> [(String, String)] {
        let text = try String(contentsOf: Fixture.repository.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
        var current = ""
        var result: [(String, String)] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("[") {
                current = String(line)
                continue
            }
            guard current == "[\(section)]", !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            result.append((String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        return result
    }

    @Test(
        "the units cannot loop on a refusing kernel: the main unit never restarts, its only OnFailure= is the fallback, which is a oneshot with neither OnFailure= nor Restart="
    )
    func unitsCannotLoop() throws {
        let units = ["deferred-memd.service", "deferred-memd-fallback.service"]
        // Follow OnFailure= from the main unit: every unit reached must not restart, and none may be reached twice.
        var reached: [String] = []
        var next = ["deferred-memd.service"]
        while let unit = next.popLast() {
            #expect(!reached.contains(unit), "OnFailure= cycle through \(unit)")
            guard !reached.contains(unit) else { break }
            reached.append(unit)
            let service = try Self.directives(unit, section: "Service")
            let restart = service.last { $0.0 == "Restart" }?.1 ?? "no"
            #expect(restart == "no", "\(unit) has Restart=\(restart)")
            #expect(!service.contains { $0.0 == "RestartSec" || $0.0 == "RestartForceExitStatus" }, "\(unit)")
            next += try Self.directives(unit, section: "Unit").filter { $0.0 == "OnFailure" }.flatMap { $0.1.split(separator: " ").map(String.init) }
        }
        #expect(reached == units)
        #expect(try Self.directives("deferred-memd-fallback.service", section: "Service").contains { $0 == ("Type", "oneshot") })
    }
}
