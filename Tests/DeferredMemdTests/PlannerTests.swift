import Execution
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings
import Testing

@Suite("The plan: the kernel's zone rules applied to deferred memory", .fixtures)
struct PlannerTests {
    static let block: UInt64 = 128 << 20
    static let gib: UInt64 = 1 << 30

    /// A devicetree machine: DRAM at 0 of `dram` bytes, booted with `mem=boot`, nodes by address range.
    static func machine(
        dram: UInt64 = 12 << 30, boot: UInt64 = 2 << 30, nodes: [(UInt64, Int)] = [], reserved: [(String, AddressRange)] = [],
        autoOnline: String = "offline", probe: Bool = true, memFree: UInt64? = nil
    ) -> Machine {
        let banks: [DevicetreeMemory.Bank]
        if nodes.isEmpty {
            banks = [.init(range: AddressRange(start: 0, end: dram), node: "/memory@0", numaNode: nil)]
        } else {
            var start: UInt64 = 0
            banks = nodes.map { size, node in
                defer { start += size }
                return .init(range: AddressRange(start: start, end: start + size), node: "/memory@\(start)", numaNode: node)
            }
        }
        let present = (0..<Int(boot / block)).map { MemoryBlock(index: $0, state: .online, validZones: ["DMA"], numaNode: 0) }
        var cmdline = KernelCommandLine()
        cmdline.memLimit = boot
        // A command line that sizes the boot-time hash tables itself: their warning has tests of its own.
        cmdline.hashEntries = Set(HashTable.all.map(\.parameter))
        return Machine(
            memory: MemoryBlockDirectory(blockSize: block, blocks: present, autoOnlineBlocks: autoOnline, hasProbe: probe),
            devicetree: DevicetreeMemory(source: "dt", banks: banks, reserved: reserved.map { .init(name: $0.0, range: $0.1) }, warnings: []),
            commandLine: cmdline,
            meminfo: memFree.map { Meminfo(memFree: $0) },
            // A kernel whose debugfs shows a bounce buffer: the one without has tests of its own (BounceBufferTests).
            bounceBuffer: BounceBuffer(hasSlabs: true))
    }

    /// Present offline blocks on NUMA nodes (DIMMs, virtio-mem): the kernel put each on its node, so the plan
    /// splits per node. 16 boot blocks online on node 0 first.
    static func dimmMachine(_ groups: [(blocks: Int, node: Int)]) -> Machine {
        var blocks = (0..<16).map { MemoryBlock(index: $0, state: .online, validZones: ["Normal"], numaNode: 0) }
        for (count, node) in groups {
            let first = blocks.count
            blocks += (first..<first + count).map { MemoryBlock(index: $0, state: .offline, validZones: ["Normal", "Movable"], numaNode: node) }
        }
        return Machine(memory: MemoryBlockDirectory(blockSize: block, blocks: blocks, autoOnlineBlocks: "offline", hasProbe: true))
    }

    static func split(_ kernel: SizeRequest?, _ movable: SizeRequest?, source: SplitRequest.Source = .flags) -> SplitRequest {
        SplitRequest(kernelCore: kernel, movableCore: movable, source: source)
    }

    static func counts(_ plan: Plan) -> (normal: Int, movable: Int) {
        (plan.blocks.filter { $0.zone == .normal }.count, plan.blocks.filter { $0.zone == .movable }.count)
    }

    @Test(
        "kernelcore/movablecore: only one → the rest to the other zone; both → kernelcore wins; none → all Normal",
        arguments: [
            (nil, nil, 80, 0),
            (SizeRequest.bytes(5 << 30), nil, 40, 40),
            (nil, SizeRequest.bytes(3 << 30), 56, 24),
            (SizeRequest.percent(25), nil, 20, 60),
            (nil, SizeRequest.percent(50), 40, 40),
            (SizeRequest.bytes(6 << 30), SizeRequest.bytes(6 << 30), 48, 32),
            (SizeRequest.bytes(1 << 30), SizeRequest.bytes(1 << 30), 72, 8),
            (SizeRequest.percent(0), nil, 0, 80),
            (nil, SizeRequest.percent(100), 0, 80),
        ] as [(SizeRequest?, SizeRequest?, Int, Int)])
    func kernelRules(kernel: SizeRequest?, movable: SizeRequest?, normal: Int, movableCount: Int) throws {
        let plan = try Planner().plan(machine: Self.machine(), split: Self.split(kernel, movable))
        #expect(plan.blocks.count == 80)
        #expect(Self.counts(plan) == (normal, movableCount))
    }

    @Test("amounts round to whole blocks, the kernel zone up")
    func roundsKernelZoneUp() throws {
        let plan = try Planner().plan(machine: Self.machine(), split: Self.split(.bytes(Self.block + 1), nil))
        #expect(Self.counts(plan).normal == 2)
        let movable = try Planner().plan(machine: Self.machine(), split: Self.split(nil, .bytes(Self.block + 1)))
        #expect(Self.counts(movable) == (79, 1), "movablecore 128M+1 leaves 10G-128M-1 for the kernel zone: rounded up to 79 blocks")
    }

    @Test("asking a person's amount larger than the deferred memory is an input error naming its origin")
    func tooMuchFromAPerson() {
        let error = #expect(throws: SourceError.self) {
            try Planner().plan(machine: Self.machine(), split: Self.split(.bytes(11 << 30), nil))
        }
        #expect(error?.path == "--kernelcore")
        #expect(error?.expected.contains("10.0 GiB") == true)
        let config = #expect(throws: SourceError.self) {
            try Planner().plan(machine: Self.machine(), split: Self.split(nil, .bytes(20 << 30), source: .configuration(["/etc/deferred-memd.conf"])))
        }
        #expect(config?.path == "/etc/deferred-memd.conf")
    }

    @Test("the kernel's own deferred_mem_init amounts are clamped with a warning, as the kernel clamps")
    func tooMuchFromTheKernel() throws {
        let plan = try Planner().plan(machine: Self.machine(), split: Self.split(nil, .bytes(11 << 30), source: .deferredMemInit))
        #expect(Self.counts(plan) == (0, 80))
        #expect(plan.warnings.contains { $0.code == .splitClamped && $0.message.contains("clamped") })
    }

    @Test("per NUMA node, Normal takes the lower addresses and Movable the upper ones; shares follow each node's size")
    func numaSpread() throws {
        let plan = try Planner().plan(machine: Self.dimmMachine([(16, 0), (96, 1)]), split: Self.split(.percent(50), nil))
        // Deferred: node 0 has 2 GiB (16 blocks), node 1 12 GiB (96 blocks); 56 Normal blocks split 8 / 48.
        let byNode = Dictionary(grouping: plan.blocks, by: \.node)
        #expect(byNode[0]?.filter { $0.zone == .normal }.count == 8)
        #expect(byNode[1]?.filter { $0.zone == .normal }.count == 48)
        for (_, blocks) in byNode {
            let lastNormal = blocks.filter { $0.zone == .normal }.map(\.index).max() ?? -1
            let firstMovable = blocks.filter { $0.zone == .movable }.map(\.index).min() ?? .max
            #expect(lastNormal < firstMovable, "zones interleave")
        }
    }

    @Test("probe cannot choose a node: blocks the devicetree puts on node 1 are planned on node 0, where the kernel adds them, with a warning")
    func probeNode() throws {
        let machine = Self.machine(dram: 16 << 30, nodes: [(4 << 30, 0), (12 << 30, 1)])
        let plan = try Planner().plan(machine: machine, split: Self.split(.percent(50), nil))
        #expect(Set(plan.blocks.map(\.node)) == [0])
        #expect(Self.counts(plan) == (56, 56))
        let warning = try #require(plan.warnings.first { $0.code == .numaNodeViaProbe })
        #expect(warning.message.contains("12.0 GiB") && warning.message.contains("node 1"))
    }

    @Test(
        "from 6.12 (numa_memblks) a devicetree machine's probed blocks go to the first memory node, in the tree's order, that holds boot memory; before, to node 0",
        arguments: [
            (KernelRelease(major: 6, minor: 12), UInt64(3584) << 20, 1), (KernelRelease(major: 7, minor: 2), 3584 << 20, 1),
            (KernelRelease(major: 6, minor: 1), 3584 << 20, 0), (nil, 3584 << 20, 0),
            // node 1 wholly deferred: its range was dropped at NUMA init, the first left is node 0's
            (KernelRelease(major: 6, minor: 12), 1 << 30, 0),
        ] as [(KernelRelease?, UInt64, Int)])
    func probeNodeByRelease(release: KernelRelease?, boot: UInt64, node: Int) throws {
        // QEMU's two-node virt tree lists node 1's memory node first.
        var machine = Self.machine(dram: 5 << 30, boot: boot, nodes: [(3 << 30, 0), (2 << 30, 1)])
        machine.devicetree?.memoryNodeOrder = ["/memory@3221225472", "/memory@0"]
        machine.kernelRelease = release
        let plan = try Planner().plan(machine: machine, split: Self.split(nil, .percent(100)))
        #expect(!plan.blocks.isEmpty && plan.blocks.allSatisfy { $0.node == node }, "\(Set(plan.blocks.map(\.node)))")
    }

    @Test("the kernel release is X.Y at the start of uname -r; anything else is unknown, not bad input")
    func kernelRelease() {
        #expect(KernelRelease(parsing: "6.12.117+deb13-arm64") == KernelRelease(major: 6, minor: 12))
        #expect(KernelRelease(parsing: "6.1.75-android14-11-gabcdef") == KernelRelease(major: 6, minor: 1))
        #expect(KernelRelease(parsing: "7.2") == KernelRelease(major: 7, minor: 2))
        #expect(KernelRelease(parsing: "6.12-rc1") == KernelRelease(major: 6, minor: 12))
        #expect(KernelRelease(parsing: "linux") == nil)
        #expect(KernelRelease(major: 6, minor: 9) < KernelRelease(major: 6, minor: 12))
    }

    @Test("mem= ending inside a block: that block is boot memory, and the RAM of it above the boot end is reported lost")
    func partialBootBlock() throws {
        // mem=1000M on a devicetree machine: memory7 [896M, 1024M) is present, holding RAM up to 1000M.
        var machine = Self.machine(dram: 4 << 30, boot: 1000 << 20)
        machine.memory.blocks.append(MemoryBlock(index: 7, state: .online, validZones: ["DMA"], numaNode: 0))
        let plan = try Planner().plan(machine: machine, split: Self.split(nil, nil))
        #expect(plan.blocks.first?.index == 8)
        let lost = try #require(plan.skipped.first { $0.reason == .partialBootBlock })
        #expect(lost.bytes == 24 << 20)
        #expect(lost.range == AddressRange(start: 1000 << 20, end: 1 << 30))
    }

    @Test("a block the kernel re-added above the limit at boot (arm64's initrd) is boot memory: not planned, never a conflict, its missing RAM reported")
    func presentAtBoot() throws {
        // mem=1G; the initrd sits at 0xe0000000-0xe0400000 and the kernel added only that (memory28 online, DMA).
        var machine = Self.machine(dram: 4 << 30, boot: 1 << 30)
        machine.memory.blocks.append(MemoryBlock(index: 28, state: .online, validZones: ["DMA"], numaNode: 0))
        machine.systemRAM = SystemRAMResources(ram: RangeSet([AddressRange(start: 0, end: 1 << 30), AddressRange(start: 0xE000_0000, end: 0xE040_0000)]))
        let plan = try Planner().plan(machine: machine, split: Self.split(nil, .percent(50)))
        #expect(!plan.blocks.contains { $0.index == 28 })
        #expect(plan.blocks.count == 23)
        let lost = try #require(plan.skipped.first { $0.reason == .presentAtBoot })
        #expect(lost.range == AddressRange(start: 0xE000_0000, end: 0xE800_0000))
        #expect(lost.bytes == (128 << 20) - (4 << 20))
        // Without /proc/iomem nothing says the block is partial: it stays in the plan as an earlier run's block.
        machine.systemRAM = nil
        #expect(try Planner().plan(machine: machine, split: Self.split(nil, .percent(50))).blocks.contains { $0.index == 28 && $0.alreadyOnline })
    }

    @Test("the kernel zone is named as the kernel will show it: DMA where ZONE_DMA spans the block (arm64, initrd high), else Normal")
    func kernelZoneNames() throws {
        var machine = Self.machine(dram: 8 << 30, boot: 1 << 30)
        // ZONE_DMA spans [1 GiB, 4 GiB) in page frames of 4 KiB: up to the re-added initrd below 4 GiB.
        machine.zoneSpans = try ZoneSpans.parse(
            "Node 0, zone      DMA\n        spanned  786432\n        present  262144\n  start_pfn:           262144\nNode 0, zone   Normal\n        spanned  0\n"
        )
        let plan = try Planner().plan(machine: machine, split: Self.split(.percent(50), nil))
        let normal = plan.blocks.filter { $0.zone == .normal }
        #expect(normal.filter { $0.start < 4 << 30 }.allSatisfy { $0.kernelZone == "DMA" })
        #expect(normal.filter { $0.start >= 4 << 30 }.allSatisfy { $0.kernelZone == "Normal" })
        #expect(plan.blocks.filter { $0.zone == .movable }.allSatisfy { $0.kernelZone == "Movable" })
        #expect(PlanReport.text(plan).contains("DMA"))
    }

    @Test("with 16 KiB pages (Android's 16 KB kernels) zoneinfo's page frames are 16 KiB: DMA up to 4 GiB is still named DMA")
    func kernelZoneNamesWith16KiBPages() throws {
        var machine = Self.machine(dram: 8 << 30, boot: 1 << 30)
        // The same ZONE_DMA, [1 GiB, 4 GiB), in 16 KiB frames; no hugetlbfs, so no Hugepagesize line to go by.
        machine.zoneSpans = try ZoneSpans.parse(
            "Node 0, zone      DMA\n  pages free     60000\n        spanned  196608\n        present  65536\n        managed  62000\n"
                + "  start_pfn:           65536\nNode 0, zone   Normal\n        spanned  0\n")
        machine.meminfo = Meminfo(memFree: 60000 * 16384, memTotal: 62000 * 16384)
        #expect(machine.pageSize == 16384)
        let plan = try Planner().plan(machine: machine, split: Self.split(.percent(50), nil))
        let normal = plan.blocks.filter { $0.zone == .normal }
        #expect(normal.contains { $0.start < 4 << 30 })
        #expect(normal.filter { $0.start < 4 << 30 }.allSatisfy { $0.kernelZone == "DMA" })
        #expect(normal.filter { $0.start >= 4 << 30 }.allSatisfy { $0.kernelZone == "Normal" })
        // A 128 MiB block's memmap: 8192 struct pages of 64 bytes.
        #expect(plan.memmapBudget?.memmap == UInt64(plan.blocks.count) * (512 << 10))
    }

    @Test("mem= on a 16 KiB page kernel keeps whole 16 KiB pages (arm64 early_mem's & PAGE_MASK): mem=1048580K boots exactly 1 GiB")
    func memLimitInKernelPages() throws {
        var machine = Self.machine(dram: 4 << 30, boot: 1 << 30)
        machine.commandLine = try KernelCommandLine(parsing: "mem=1048580K")
        #expect(machine.commandLine.memLimit == (1 << 30) + 4096)
        machine.zoneSpans = try ZoneSpans.parse("Node 0, zone      DMA\n        spanned  65536\n        managed  60000\n  start_pfn:  0\n")
        machine.meminfo = Meminfo(memFree: 1 << 29, memTotal: 60000 * 16384)
        let plan = try Planner().plan(machine: machine, split: Self.split(nil, nil))
        #expect(plan.bootEnd == 1 << 30)
        #expect(plan.blocks.first?.index == 8)
        #expect(plan.skipped.isEmpty)
        // The same word on a 4 KiB kernel: the boot ended 4 KiB into memory8, whose RAM above that is lost.
        machine.meminfo = Meminfo(memFree: 1 << 29, memTotal: 60000 * 4096)
        #expect(try Planner().plan(machine: machine, split: Self.split(nil, nil)).bootEnd == (1 << 30) + 4096)
    }

    @Test("/proc/iomem: top-level System RAM only, end inclusive; an unprivileged read (all zeros) says nothing")
    func iomem() throws {
        let text = "00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n  01000000-01ffffff : Kernel code\n40000000-7fffffff : System RAM\n"
        #expect(
            try SystemRAMResources.parse(text).ram == RangeSet([AddressRange(start: 0x1000, end: 0x9FC00), AddressRange(start: 0x4000_0000, end: 0x8000_0000)]))
        #expect(try SystemRAMResources.parse("00000000-00000000 : System RAM\n00000000-00000000 : System RAM\n").ram.isEmpty)
        #expect(throws: SourceError.self) { try SystemRAMResources.parse("4000000g-7fffffff : System RAM\n") }
    }

    @Test("shares over nodes always add up to the requested Normal blocks", arguments: [0, 1, 7, 33, 50, 99, 100])
    func sharesAddUp(percent: UInt64) throws {
        let machine = Self.dimmMachine([(16, 0), (39, 1), (17, 2)])
        let plan = try Planner().plan(machine: machine, split: Self.split(.percent(percent), nil))
        #expect(Set(plan.blocks.map(\.node)) == [0, 1, 2])
        let total = plan.blocks.count
        let expected = Int((UInt64(total) * Self.block * percent / 100 + Self.block - 1) / Self.block)
        #expect(Self.counts(plan).normal == expected)
    }

    @Test("a block overlapping a carve-out is never probed, and the skip names the carve-out")
    func reservedCarveOut() throws {
        let modem = AddressRange(start: 0x1_0400_0000, end: 0x1_0400_0000 + 24 << 20)
        let plan = try Planner().plan(machine: Self.machine(reserved: [("/reserved-memory/modem@104000000", modem)]), split: Self.split(nil, nil))
        #expect(!plan.blocks.contains { AddressRange(start: $0.start, end: $0.start + Self.block).overlaps(modem) })
        #expect(plan.skipped.map(\.range) == [AddressRange(start: 0x1_0000_0000, end: 0x1_0000_0000 + Self.block)])
        #expect(plan.skipped.map(\.reason) == [.reserved("/reserved-memory/modem@104000000")])
        #expect(plan.lostBytes == Self.block)
        #expect(plan.blocks.count == 79)
    }

    @Test("partial blocks at a range's edges are dropped with the bytes lost")
    func partialBlocks() throws {
        let plan = try Planner().plan(machine: Self.machine(dram: 4 << 30 + 100 << 20), split: Self.split(nil, nil))
        #expect(plan.blocks.count == 16)
        #expect(plan.lostBytes == 100 << 20)
    }

    @Test("blocks above the boot end that are already online stay in the plan, so a re-run keeps the same split")
    func rerunKeepsSplit() throws {
        var machine = Self.machine()
        let first = try Planner().plan(machine: machine, split: Self.split(.percent(50), nil))
        for index in 16..<40 { machine.memory.blocks.append(MemoryBlock(index: index, state: .online, validZones: ["Normal"], numaNode: 0)) }
        let second = try Planner().plan(machine: machine, split: Self.split(.percent(50), nil))
        #expect(second.blocks.map(\.zone) == first.blocks.map(\.zone))
        #expect(second.blocks.filter(\.alreadyOnline).count == 24)
    }

    @Test("warnings: MOVABLE:KERNEL above 3:1, auto_online_blocks not offline, no probe file, tight memmap headroom")
    func warnings() throws {
        let plan = try Planner().plan(
            machine: Self.machine(dram: 16 << 30, boot: 1 << 30, autoOnline: "online", probe: false, memFree: 300 << 20),
            split: Self.split(nil, .percent(100)))
        #expect(plan.warnings.contains { $0.code == .movableRatio && $0.message.contains("MOVABLE:KERNEL ratio 15.0:1") })
        #expect(plan.warnings.contains { $0.code == .autoOnlineBlocks && $0.message.contains("auto_online_blocks is 'online'") })
        #expect(plan.warnings.contains { $0.code == .noProbeFile && $0.message.contains("no /sys/devices/system/memory/probe") })
        #expect(plan.warnings.contains { $0.code == .memmapHeadroom && $0.message.contains("memmap") })
        #expect(plan.normalFirst)
        let quiet = try Planner().plan(machine: Self.machine(memFree: 4 << 30), split: Self.split(.percent(50), nil))
        #expect(quiet.warnings.isEmpty)
        #expect(!quiet.normalFirst)
    }

    @Test("warnings from the command line: movable_node and memhp_default_state other than offline, each with its code")
    func commandLineWarnings() throws {
        var machine = Self.machine(memFree: 4 << 30)
        let sized = HashTable.all.map { "\($0.parameter)=1048576" }.joined(separator: " ")
        machine.commandLine = try KernelCommandLine(parsing: "mem=2G movable_node memhp_default_state=online_movable \(sized)")
        let plan = try Planner().plan(machine: machine, split: Self.split(.percent(50), nil))
        #expect(plan.warnings.map(\.code) == [.movableNode, .memhpDefaultState])
        #expect(plan.warnings.last?.message.contains("memhp_default_state=online_movable") == true)
        machine.commandLine = try KernelCommandLine(parsing: "mem=2G memhp_default_state=offline \(sized)")
        #expect(try Planner().plan(machine: machine, split: Self.split(.percent(50), nil)).warnings.isEmpty)
    }

    /// Debian's 6.12.117 and 7.2.13 kernels are built with CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO=y (6.1 left
    /// added memory offline): booted without memhp_default_state=offline, the DIMMs present at boot are online in
    /// ZONE_NORMAL before the daemon starts, so a plan finds nothing deferred. That must not pass in silence.
    @Test("no memhp_default_state= and auto_online_blocks online: the kernel onlined the DIMMs itself; the plan warns even with nothing to do")
    func buildDefaultOnline() throws {
        var machine = Self.machine(dram: 4 << 30, autoOnline: "online")
        machine.commandLine.memLimit = nil
        machine.memory.blocks += (16..<32).map { MemoryBlock(index: $0, state: .online, validZones: ["Normal"], numaNode: 0) }
        let plan = try Planner().plan(machine: machine, split: Self.split(nil, .percent(50)))
        #expect(plan.blocks.isEmpty)
        let warning = try #require(plan.warnings.first { $0.code == .memhpDefaultState })
        #expect(warning.message.contains("auto_online_blocks is 'online'"))
        machine.memory.autoOnlineBlocks = "offline"
        #expect(try Planner().plan(machine: machine, split: Self.split(nil, .percent(50))).warnings.allSatisfy { $0.code != .memhpDefaultState })
    }

    @Test("without mem= nothing is probed; offline present blocks are onlined wherever they are")
    func offlineBlocksOnly() throws {
        var machine = Self.machine()
        machine.commandLine.memLimit = nil
        machine.memory.blocks.append(MemoryBlock(index: 40, state: .offline, validZones: ["Normal", "Movable"], numaNode: 0))
        let plan = try Planner().plan(machine: machine, split: Self.split(nil, nil))
        #expect(plan.source == .offlineBlocks)
        #expect(plan.blocks.map(\.index) == [40])
        #expect(plan.blocks.first?.action == .online)
        #expect(plan.warnings.contains { $0.code == .absentWithoutLimit && $0.message.contains("not present") })
    }

    @Test("x86 mem= is an address limit; devicetree mem= is an amount of memory from the lowest bank")
    func memLimitSemantics() throws {
        // Devicetree, banks at 2 GiB (1 GiB) and 8 GiB (4 GiB), mem=2G → boot ends 1 GiB into the second bank.
        var dt = Self.machine()
        dt.devicetree?.banks = [
            .init(range: AddressRange(start: 2 << 30, size: 1 << 30)!, node: "/a", numaNode: nil),
            .init(range: AddressRange(start: 8 << 30, size: 4 << 30)!, node: "/b", numaNode: nil),
        ]
        dt.memory.blocks =
            (16..<24).map { MemoryBlock(index: $0, state: .online, validZones: ["DMA"], numaNode: 0) }
            + (64..<72).map { MemoryBlock(index: $0, state: .online, validZones: ["Normal"], numaNode: 0) }
        let dtPlan = try Planner().plan(machine: dt, split: Self.split(nil, nil))
        #expect(dtPlan.bootEnd == 9 << 30)
        #expect(dtPlan.blocks.first?.index == 72)
        // Firmware memmap with the same RAM: mem=2G cuts at the address 2 GiB, so everything from 2 GiB is deferred.
        var x86 = dt
        x86.devicetree = nil
        x86.firmwareMemmap = FirmwareMemmap(entries: dt.devicetree!.banks.map { .init(range: $0.range, type: "System RAM") })
        x86.memory.blocks = []
        let x86Plan = try Planner().plan(machine: x86, split: Self.split(nil, nil))
        #expect(x86Plan.bootEnd == 2 << 30)
        #expect(x86Plan.blocks.count == 40)
    }
}
