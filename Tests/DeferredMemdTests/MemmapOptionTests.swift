import Execution
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings
import Testing

/// x86's `memmap=` edits the e820 map after the firmware gave it (arch/x86/kernel/e820.c `parse_memmap_one`);
/// `/sys/firmware/memmap` is copied before (`e820__memory_setup`), so it never shows them.
@Suite("x86 memmap= on the command line: reservations, limits and exact maps the firmware memmap does not show", .fixtures)
struct MemmapOptionTests {
    static let block: UInt64 = 128 << 20
    static let none = SplitRequest(kernelCore: nil, movableCore: nil, source: .none)

    /// Firmware RAM from 0 to 8 GiB, 8 blocks (1 GiB) online at boot.
    static func machine(_ cmdline: String) throws -> Machine {
        let present = (0..<8).map { MemoryBlock(index: $0, state: .online, validZones: ["Normal"], numaNode: 0) }
        return Machine(
            memory: MemoryBlockDirectory(blockSize: block, blocks: present, autoOnlineBlocks: "offline", hasProbe: true),
            firmwareMemmap: FirmwareMemmap(entries: [.init(range: AddressRange(start: 0, end: 8 << 30), type: "System RAM")]),
            commandLine: try KernelCommandLine(parsing: cmdline))
    }

    @Test(
        "nn$ss (reserved), nn!ss (persistent memory), nn#ss (ACPI data) and nn%ss-from+to take a range out of RAM: never probed, the skip names the word",
        arguments: [
            ("mem=1G memmap=512M$4G", 32..<36), ("mem=1G memmap=2G!6G", 48..<64), ("mem=1G memmap=0x8000000#0x80000000", 16..<17),
            ("mem=1G memmap=256M%0x140000000-1+12", 40..<42), ("mem=1G memmap=1M$0x100800000,64K!0x60000000", 32..<33),
            ("mem=1G memmap=256M%0x140000000+12", 40..<42), ("mem=1G memmap=256M%0x140000000-1", 40..<42),
            ("mem=1G memmap=256M%0x140000000", 40..<42),
        ] as [(String, Range<Int>)])
    func carveOuts(cmdline: String, blocked: Range<Int>) throws {
        let machine = try Self.machine(cmdline)
        let plan = try Planner().plan(machine: machine, split: Self.none)
        let planned = Set(plan.blocks.map(\.index))
        #expect(planned.isDisjoint(with: blocked), "\(cmdline)")
        let word = cmdline.split(separator: " ")[1]
        #expect(plan.skipped.contains { "\($0.reason)".contains("memmap=") && "\($0.reason)".contains(String(word.dropFirst("memmap=".count).prefix(4))) })
        let guardian = ProbeGuard(machine: machine)
        for index in blocked {
            let range = AddressRange(start: UInt64(index) * Self.block, size: Self.block)!
            #expect(guardian.refusal(for: range) != nil, "\(cmdline): the probe guard lets memory\(index) through")
        }
    }

    @Test(
        "nn%ss-from+to that leaves RAM alone (neither type is 1) or turns a range into RAM (+1) takes nothing away: every block is planned",
        arguments: [
            "mem=1G memmap=256M%0x140000000-12+13", "mem=1G memmap=256M%0x140000000-12", "mem=1G memmap=256M%0x140000000-4+1",
            "mem=1G memmap=256M%0x140000000+1", "mem=1G memmap=256M%0x140000000-0x1+0x1",
        ])
    func typeChangesThatKeepRAM(cmdline: String) throws {
        let plan = try Planner().plan(machine: try Self.machine(cmdline), split: Self.none)
        #expect(plan.blocks.map(\.index) == Array(8..<64), "\(cmdline)")
        #expect(ProbeGuard(machine: try Self.machine(cmdline)).refusal(for: AddressRange(start: 40 * Self.block, size: Self.block)!) == nil)
    }

    @Test("nn%ss takes its types as -from then +to: +to-from is a piece the kernel refuses (bad input, the word named)")
    func typeChangeOrder() throws {
        #expect(throws: SourceError.self) { try KernelCommandLine(parsing: "mem=1G memmap=256M%0x140000000+12-1") }
        #expect(throws: SourceError.self) { try KernelCommandLine(parsing: "mem=1G memmap=256M%0x140000000-1+12x") }
    }

    @Test("memmap=nn alone is mem=nn (the lowest of them wins); memmap=nn@ss adds RAM and limits nothing")
    func limits() throws {
        var plan = try Planner().plan(machine: try Self.machine("memmap=1G"), split: Self.none)
        #expect(plan.bootEnd == 1 << 30)
        #expect(plan.blocks.count == 56)
        plan = try Planner().plan(machine: try Self.machine("mem=3G memmap=1G"), split: Self.none)
        #expect(plan.bootEnd == 1 << 30)
        plan = try Planner().plan(machine: try Self.machine("mem=1G memmap=64M@0x200000000"), split: Self.none)
        #expect(plan.bootEnd == 1 << 30)
    }

    @Test("memmap=exactmap: the kernel's RAM is only the nn@ss ranges given; firmware RAM outside them is never probed")
    func exactMap() throws {
        let machine = try Self.machine("memmap=exactmap memmap=640K@0 memmap=1023M@1M memmap=2G@4G mem=1G")
        let plan = try Planner().plan(machine: machine, split: Self.none)
        #expect(Set(plan.blocks.map(\.index)) == Set(32..<48))
        #expect(ProbeGuard(machine: machine).refusal(for: AddressRange(start: 2 << 30, size: Self.block)!) != nil)
    }

    @Test(
        "a memmap= the kernel cannot read names /proc/cmdline and the word",
        arguments: ["memmap=junk", "memmap=1G$", "memmap=1G$4Gx", "memmap=0", "memmap=1G^4G"])
    func errors(word: String) {
        let error = #expect(throws: SourceError.self) { try KernelCommandLine(parsing: "quiet \(word)") }
        #expect(error?.path == "/proc/cmdline")
        #expect(error?.value == word)
    }
}
