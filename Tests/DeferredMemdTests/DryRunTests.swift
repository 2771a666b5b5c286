import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import Reporting
import Synchronization
import Testing

/// Watches the writes a kernel receives, in order, and passes them on.
final class WriteSpy: HotplugKernel {
    let inner: any HotplugKernel
    private let log = Mutex<[KernelWrite]>([])

    init(_ inner: any HotplugKernel) { self.inner = inner }

    var writes: [KernelWrite] { log.withLock { $0 } }
    var fatalCondition: String? { inner.fatalCondition }

    func read(_ machinePath: String) throws(KernelFileError) -> String { try inner.read(machinePath) }

    func write(_ operation: KernelWrite) throws(KernelFileError) {
        log.withLock { $0.append(operation) }
        try inner.write(operation)
    }
}

/// The spy a context made, for the test to read after the job.
final class SpyBox: Sendable {
    let spy = Mutex<WriteSpy?>(nil)
    var writes: [KernelWrite] { spy.withLock { $0?.writes } ?? [] }
}

@Suite("run --dry-run is the engine against a recording kernel: its writes are the real run's writes", .fixtures)
struct DryRunTests {
    static func quietContext(spy: SpyBox? = nil) -> JobContext {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return JobContext(logger: logger) { choice, files in
            let kernel = choice.make(files: files)
            guard let spy else { return kernel }
            let watched = WriteSpy(kernel)
            spy.spy.withLock { $0 = watched }
            return watched
        }
    }

    static func job(_ root: URL, simulate: Bool, dryRun: Bool = false) -> RunJob {
        var job = RunJob()
        job.machine = MachineSelection(sysroot: root.path)
        job.simulate = simulate
        job.dryRun = dryRun
        job.latencyMsPerGib = 0
        return job
    }

    /// Every file under the tree with its contents (links as their targets): to show a dry run changed nothing.
    static func snapshot(_ root: URL) -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let relative = enumerator?.nextObject() as? String {
            let path = root.appendingPathComponent(relative).path
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                result[relative] = "-> " + target
            } else if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                result[relative] = text
            } else {
                result[relative] = "(directory)"
            }
        }
        return result
    }

    /// The dry run on one copy, the simulated run on another: same writes in the same order, same exit status,
    /// and the dry run's tree is unchanged.
    static func compare(_ prepare: (URL) throws -> Void, example: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (
        DryRun, [KernelWrite]
    ) {
        let dryRoot = try Fixture.copyOfExample(example)
        let realRoot = try Fixture.copyOfExample(example)
        try prepare(dryRoot)
        try prepare(realRoot)
        let before = snapshot(dryRoot)
        let dry = try job(dryRoot, simulate: false, dryRun: true).dry(context: quietContext())
        #expect(snapshot(dryRoot) == before, "the dry run changed the tree", sourceLocation: sourceLocation)

        let spy = SpyBox()
        let status = job(realRoot, simulate: true).run(context: quietContext(spy: spy))
        let real = spy.writes
        let counts = "\(example): dry run \(dry.writes.count) writes, simulated run \(real.count)"
        #expect(dry.writes == real, Comment(rawValue: counts), sourceLocation: sourceLocation)
        #expect(dry.report.status == status, sourceLocation: sourceLocation)
        return (dry, real)
    }

    @Test("on every example machine the dry run's writes equal the simulated run's, in order", arguments: Fixture.exampleNames)
    func everyExample(_ example: String) throws {
        let (dry, _) = try Self.compare({ _ in }, example: example)
        #expect(!dry.writes.isEmpty)
    }

    @Test("no probe file: the dry run probes nothing and fails as the run does")
    func noProbeFile() throws {
        let (dry, real) = try Self.compare(
            { try FileManager.default.removeItem(at: $0.appendingPathComponent("sys/devices/system/memory/probe")) }, example: "x86-vm-mem-limit")
        #expect(!real.contains { $0.isProbe })
        #expect(dry.report.status == .nothingDone)
        #expect(!dry.text.contains("> /sys/devices/system/memory/probe"))
    }

    @Test("AutoOnline=refuse with auto_online_blocks on: nothing is probed, in the dry run as in the run")
    func autoOnlineRefused() throws {
        let (dry, _) = try Self.compare(
            { root in
                try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
                try Fixture.write("[Run]\nAutoOnline=refuse\n", to: "/etc/deferred-memd.conf", in: root)
            }, example: "x86-vm-mem-limit")
        #expect(!dry.writes.contains { $0.isProbe || $0.isAutoOnlineBlocks })
    }

    @Test("auto_online_blocks switched off for the run (two writes, the default) and restored after it: both writes are in the dry run")
    func autoOnlineSwitched() throws {
        let (dry, _) = try Self.compare(
            { root in
                try Fixture.write("online_movable\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
            }, example: "x86-vm-mem-limit")
        let knob = dry.writes.filter { $0.isAutoOnlineBlocks }.map(\.value)
        #expect(knob == ["offline", "online_movable"])
        #expect(dry.writes.first?.isAutoOnlineBlocks == true)
    }

    @Test("auto-zone over auto_online_blocks=online_movable: set per zone, the original left in place at the end")
    func autoOnlineAutoZone() throws {
        let (dry, _) = try Self.compare(
            { root in
                try Fixture.write("online_movable\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
                try Fixture.write("[Run]\nProbeMethod=auto-zone\n", to: "/etc/deferred-memd.conf", in: root)
            }, example: "x86-vm-mem-limit")
        let knob = dry.writes.filter { $0.isAutoOnlineBlocks }.map(\.value)
        #expect(knob == ["online_kernel", "online_movable"], "the Movable run ends with the original value: nothing to restore")
    }

    @Test("a crashed run's journal is resumed by the dry run as by the run")
    func resumedPlan() throws {
        // A first run that fails half of its onlines leaves a journal and some blocks online.
        let (dry, _) = try Self.compare(
            { root in
                var first = Self.job(root, simulate: true)
                first.faults = (8..<20).map { SimulatedKernel.Fault(stage: .online, block: $0, errno: .noMemory, count: nil) }
                _ = first.run(context: Self.quietContext())
            }, example: "x86-vm-mem-limit")
        #expect(dry.report.notes.contains { $0.contains("resumed") })
        #expect(dry.writes.allSatisfy { !$0.isProbe })
    }

    @Test("blocks already online (a udev rule got there) are not written, and one in the other zone is a conflict")
    func alreadyOnline() throws {
        let (dry, _) = try Self.compare(
            { root in
                for index in [40, 41] {
                    try Fixture.write("online\n", to: "/sys/devices/system/memory/memory\(index)/state", in: root)
                    try Fixture.write("Movable\n", to: "/sys/devices/system/memory/memory\(index)/valid_zones", in: root)
                }
            }, example: "x86-vm-numa-dimms")
        #expect(!dry.writes.contains { $0.path.contains("/memory40/") || $0.path.contains("/memory41/") })
    }

    @Test("tight free memory: Normal blocks first, in the dry run as in the run")
    func normalFirst() throws {
        let (dry, _) = try Self.compare(
            { root in
                try Fixture.write("MemTotal:        2000000 kB\nMemFree:          100000 kB\n", to: "/proc/meminfo", in: root)
            }, example: "phone-12g")
        #expect(dry.plan.normalFirst)
        let zones = dry.writes.compactMap { write -> String? in write.blockState?.command.rawValue }
        #expect(zones == zones.sorted { $0 == "online_kernel" && $1 != "online_kernel" })
    }

    @Test("the command prints a shell script of the writes and, with --json, the list of {path, value, block, zone}; the boot binary prints the same")
    func commandOutput() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let text = InProcess.run(["run", "--dry-run", "--sysroot", root.path])
        let json = InProcess.run(["run", "--dry-run", "--json", "--sysroot", root.path])
        // The boot binary as a process: what it prints is what the tool's code prints.
        let boot = try Binary.run(["run", "--dry-run", "--sysroot", root.path], program: Binary.boot)
        #expect(text.status == 0 && json.status == 0 && boot.status == 0, "\(text.stderr) \(json.stderr)")
        #expect(boot.stdout == text.stdout)
        let echoes = text.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(echoes.allSatisfy { $0.hasPrefix("echo ") && $0.contains(" > /sys/devices/system/memory/") })
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == echoes.count)
        for (entry, line) in zip(list, echoes) {
            #expect(line == "echo \(entry["value"] as? String ?? "?") > \(entry["path"] as? String ?? "?")")
            // auto_online_blocks (auto-zone's switches and the restore) is about no block; every probe and state write is.
            guard entry["path"] as? String != "/sys/devices/system/memory/auto_online_blocks" else {
                #expect(entry["block"] is NSNull && ["online_kernel", "online_movable", "offline"].contains(entry["value"] as? String ?? ""))
                continue
            }
            #expect(entry["block"] is Int)
            #expect(["Normal", "Movable"].contains(entry["zone"] as? String ?? ""))
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("run/deferred-memd").path))
    }
}
