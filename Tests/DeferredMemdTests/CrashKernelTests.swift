import Foundation
import Jobs
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Reporting
import Testing

/// A kdump kernel must never probe or online: the RAM it does not use belongs to the crashed kernel being dumped.
@Suite("A crash-dump kernel: nothing is probed or onlined, and the plan says why")
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
        defer { Fixture.remove(root) }
        let plan = try Fixture.plan(root)
        #expect(plan.blocks.isEmpty)
        #expect(plan.crashKernel != nil)
        #expect(plan.warnings.map(\.code) == [.crashKernel])
        let text = try Binary.run(["plan", "--sysroot", root.path])
        #expect(text.stdout.contains("nothing to do: this is a crash-dump kernel"), "\(text.stdout)")
    }

    @Test("run: writes nothing (not even auto_online_blocks) and exits 1, nothing could be done", arguments: Marker.allCases)
    func runNothing(_ marker: Marker) throws {
        let root = try Self.crashTree(marker)
        defer { Fixture.remove(root) }
        try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        let dry = try Binary.run(["run", "--dry-run", "--json", "--sysroot", root.path])
        #expect(dry.status == ExitStatus.nothingDone.rawValue)
        #expect(dry.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let run = try Binary.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path], program: Binary.boot)
        #expect(run.status == ExitStatus.nothingDone.rawValue, "\(run.stdout)")
        #expect(run.stdout.contains("crash-dump kernel"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("sys/devices/system/memory/memory16").path))
        // The safety net too.
        let rescue = try Binary.run(["rescue", "--simulate", "--sysroot", root.path], program: Binary.boot)
        #expect(rescue.status == 0)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("sys/devices/system/memory/memory16").path))
    }

    @Test("/chosen/linux,usable-memory-range limits usable RAM like linux,usable-memory")
    func usableMemoryRange() throws {
        let root = try Fixture.copyOfExample("arm64-qemu-virt")
        defer { Fixture.remove(root) }
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
