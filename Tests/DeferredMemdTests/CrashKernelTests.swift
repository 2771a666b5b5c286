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
import Testing

/// A kdump kernel must never probe or online: the RAM it does not use belongs to the crashed kernel being dumped.
@Suite("A crash-dump kernel: nothing is probed or onlined, and the plan says why", .fixtures)
struct CrashKernelTests {
    enum Marker: String, CaseIterable {
        case commandLine, vmcore, devicetree
    }

    /// The arm64 QEMU machine (mem=1G, 24 blocks deferred), marked as a kdump kernel one way or another.
    static func crashTree(_ marker: Marker) throws -> URL {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        switch marker {
        case .commandLine:
            let cmdline = try String(contentsOf: root.appendingPathComponent("proc/cmdline"), encoding: .utf8)
            try Fixture.write(cmdline.trimmingCharacters(in: .newlines) + " elfcorehdr=0x7f000000\n", to: "/proc/cmdline", in: root)
        case .vmcore:
            try Fixture.write("", to: "/proc/vmcore", in: root)
        case .devicetree:
            try Data([0, 0, 0, 0, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0]).write(to: root.appendingPathComponent("proc/device-tree/chosen/linux,elfcorehdr"))
        }
        return root
    }

    @Test("plan: no block, the reason named, warning crash-kernel", arguments: Marker.allCases)
    func planNothing(_ marker: Marker) throws {
        let root = try Self.crashTree(marker)
        let plan = try Fixture.plan(root)
        #expect(plan.blocks.isEmpty)
        #expect(plan.crashKernel != nil)
        #expect(plan.warnings.map(\.code) == [.crashKernel])
        let text = InProcess.run(["plan", "--sysroot", root.path])
        #expect(text.stdout.contains("nothing to do: this is a crash-dump kernel"), "\(text.stdout)")
    }

    @Test("run: writes nothing (not even auto_online_blocks) and exits 1, nothing could be done", arguments: Marker.allCases)
    func runNothing(_ marker: Marker) throws {
        let root = try Self.crashTree(marker)
        try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        let dry = InProcess.run(["run", "--dry-run", "--json", "--sysroot", root.path])
        #expect(dry.status == ExitStatus.nothingDone.rawValue)
        #expect(dry.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let run = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path], program: Binary.boot)
        #expect(run.status == ExitStatus.nothingDone.rawValue, "\(run.stdout)")
        #expect(run.stdout.contains("crash-dump kernel"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("sys/devices/system/memory/memory16").path))
    }

    /// memory16, the first deferred block, present and offline: what a rescue onlines on any other kernel.
    static func addOfflineBlock(_ root: URL) throws {
        let memory = root.appendingPathComponent("sys/devices/system/memory")
        try FileManager.default.copyItem(at: memory.appendingPathComponent("memory15"), to: memory.appendingPathComponent("memory16"))
        for (name, value) in [("state", "offline"), ("online", "0"), ("valid_zones", "Normal Movable"), ("phys_index", "00000010")] {
            try Fixture.write(value + "\n", to: "/sys/devices/system/memory/memory16/\(name)", in: root)
        }
    }

    /// A word `Machine.read` refuses: the tree's sources no longer parse.
    static func breakSources(_ root: URL) throws {
        let cmdline = try String(contentsOf: root.appendingPathComponent("proc/cmdline"), encoding: .utf8)
        try Fixture.write(cmdline.trimmingCharacters(in: .newlines) + " deferred_mem.kernelcore=12Q\n", to: "/proc/cmdline", in: root)
    }

    static func rescue(_ root: URL) throws -> (Rescue.Outcome, [KernelWrite]) {
        let files = KernelFiles(root: .init(root.path))
        let kernel = RecordingKernel(files: files, blockSize: try MemoryBlockDirectory.readBlockSize(from: files))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return (Rescue(files: files, kernel: kernel, logger: logger).run(stop: StopFlag()), kernel.writes)
    }

    @Test(
        "rescue, whether the sources parse or not: writes nothing (an offline block stays offline), and names the marker the plan names",
        arguments: Marker.allCases, [true, false])
    func rescueNothing(_ marker: Marker, sourcesParse: Bool) throws {
        let root = try Self.crashTree(marker)
        try Self.addOfflineBlock(root)
        let files = KernelFiles(root: .init(root.path))
        let named = try #require(try Fixture.plan(root).crashKernel)
        if !sourcesParse {
            try Self.breakSources(root)
            #expect(throws: SourceError.self) { try Machine.read(from: files) }
        }
        #expect(Machine.crashKernelMarker(in: files) == named, "one rule, read from the files alone")
        let before = try treeSnapshot(root)
        let (outcome, writes) = try Self.rescue(root)
        #expect(writes.isEmpty)
        #expect(outcome.onlined == 0 && outcome.failed.isEmpty)
        #expect(outcome.note == "crash-dump kernel (\(named)): nothing onlined")
        #expect(try treeSnapshot(root) == before)
    }

    @Test("rescue with sources that do not parse and no marker onlines that offline block: the kernel above is all that stops it")
    func rescueWithoutMarker() throws {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        try Self.addOfflineBlock(root)
        try Self.breakSources(root)
        #expect(Machine.crashKernelMarker(in: KernelFiles(root: .init(root.path))) == nil)
        let (outcome, writes) = try Self.rescue(root)
        #expect(writes == [.blockState(index: 16, command: .onlineKernel)])
        #expect(outcome.onlined == 1)
    }

    @Test(
        "elfcorehdr= is read as the kernel reads its words, parsed or not: after -- it is init's, in quotes it is one word",
        arguments: [("a elfcorehdr=0x7f000000", true), ("a -- elfcorehdr=0x7f000000", false), ("\"x=a b\" elfcorehdr=1M", true), ("elfcorehdr", false)])
    func elfCoreHeaderWords(line: String, marked: Bool) throws {
        #expect(KernelCommandLine.namesElfCoreHeader(line) == marked)
        #expect(try KernelCommandLine(parsing: line).elfCoreHeader == marked)
    }

    @Test("/chosen/linux,usable-memory-range limits usable RAM like linux,usable-memory")
    func usableMemoryRange() throws {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        // #address-cells 2, #size-cells 2: 0x40000000 + 2 GiB usable (of 4 GiB in the memory node).
        try Data([0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0]).write(
            to: root.appendingPathComponent("proc/device-tree/chosen/linux,usable-memory-range"))
        let machine = try Machine.read(from: KernelFiles(root: .init(root.path)))
        #expect(machine.devicetree?.ram == RangeSet([AddressRange(start: 0x4000_0000, end: 0xC000_0000)]))
        let plan = try Fixture.plan(root)
        #expect(plan.blocks.allSatisfy { $0.start + plan.blockSize <= 0xC000_0000 })
        #expect(plan.blocks.count == 8)
    }
}
