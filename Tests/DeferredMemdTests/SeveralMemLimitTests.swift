import Execution
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings
import Testing

@Suite("Several mem= on one command line, as each architecture applies them", .fixtures)
struct SeveralMemLimitTests {
    static let block: UInt64 = 128 << 20

    /// RAM from 0 to 8 GiB, 8 blocks (1 GiB) online at boot, the given command line.
    static func machine(_ cmdline: String, x86: Bool) throws -> Machine {
        let ram = AddressRange(start: 0, end: 8 << 30)
        let present = (0..<8).map { MemoryBlock(index: $0, state: .online, validZones: ["Normal"], numaNode: 0) }
        return Machine(
            memory: MemoryBlockDirectory(blockSize: block, blocks: present, autoOnlineBlocks: "offline", hasProbe: true),
            devicetree: x86 ? nil : DevicetreeMemory(source: "dt", banks: [.init(range: ram, node: "/memory@0", numaNode: nil)], reserved: [], warnings: []),
            firmwareMemmap: x86 ? FirmwareMemmap(entries: [.init(range: ram, type: "System RAM")]) : nil,
            commandLine: try KernelCommandLine(parsing: cmdline))
    }

    @Test("x86: each mem= removes e820 RAM above it (arch/x86/kernel/e820.c parse_memopt), so the lowest wins")
    func x86LowestWins() throws {
        for cmdline in ["mem=1G mem=3G", "mem=3G mem=1G"] {
            let plan = try Planner().plan(machine: try Self.machine(cmdline, x86: true), split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none))
            #expect(plan.bootEnd == 1 << 30, "\(cmdline)")
            #expect(plan.blocks.first?.index == 8, "\(cmdline): the RAM from 1 GiB is absent and must be probed")
            #expect(plan.blocks.count == 56, "\(cmdline)")
        }
    }

    @Test("devicetree (arm64): early_mem overwrites memory_limit (arch/arm64/mm/init.c), so the last wins")
    func devicetreeLastWins() throws {
        var machine = try Self.machine("mem=3G mem=1G", x86: false)
        var plan = try Planner().plan(machine: machine, split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none))
        #expect(plan.bootEnd == 1 << 30)
        machine = try Self.machine("mem=1G mem=3G", x86: false)
        machine.memory.blocks = (0..<24).map { MemoryBlock(index: $0, state: .online, validZones: ["Normal"], numaNode: 0) }
        plan = try Planner().plan(machine: machine, split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none))
        #expect(plan.bootEnd == 3 << 30)
        #expect(plan.blocks.count == 40)
    }
}
