import MachineSources
import MemoryModel

/// Where the firmware says RAM is: the one reading of the machine's maps, used by the planner to find the
/// deferred blocks and by the probe guard to re-check every probe.
///
/// The devicetree's memory nodes, else the firmware memmap's System RAM, else (with the vendor interface) the
/// bounds `[memblock_end_of_dram, bootmem_end_of_dram)` alone; with the vendor interface, cut at its DRAM end.
package struct RAMMap: Sendable, Equatable {
    /// The RAM map, or the vendor bounds when no map describes RAM.
    package var ram: RangeSet
    /// Which map `ram` comes from; nil when there is none (bounds alone, or no source at all).
    package var source: Plan.Source?
    /// The map before the vendor interface's DRAM end cut it (to warn when the two disagree).
    package var uncut: RangeSet
    /// Static carve-outs that no probed block may overlap.
    package var reserved: [FirmwareCarveOut]
    /// The `mem=` limit the kernel applied, which depends on the map: an address on x86 (the firmware memmap),
    /// where each `parse_memopt` cuts e820 further so the lowest wins (`memmap=nn` with them); an amount on
    /// devicetree machines, where arm64's `early_mem` overwrites it so the last wins.
    package var memLimit: UInt64?

    package init(machine: Machine) {
        let map: (RangeSet, Plan.Source)? = {
            if let dt = machine.devicetree, !dt.banks.isEmpty { return (dt.ram, .devicetree) }
            if let memmap = machine.firmwareMemmap, !memmap.ram.isEmpty { return (Self.edited(memmap.ram, by: machine.commandLine.memmap), .firmwareMemmap) }
            return nil
        }()
        reserved = machine.devicetree?.reserved ?? []
        if map?.1 == .firmwareMemmap {
            // x86's memmap= reservations are carve-outs the firmware memmap does not show (it predates them).
            for case .carveOut(let range, let word) in machine.commandLine.memmap {
                reserved.append(FirmwareCarveOut(name: word, range: range))
            }
        }
        source = map?.1
        // arm64's early_mem keeps whole pages of the kernel's own size (`& PAGE_MASK`): a 16 or 64 KiB page kernel
        // rounds further down than the command line's 4 KiB reading, and a limit under one page asks for nothing.
        let pageMask = ~(machine.pageSize - 1)
        memLimit =
            source == .firmwareMemmap
            ? machine.commandLine.addressLimit : machine.commandLine.memLimit.map { $0 & pageMask }.flatMap { $0 > 0 ? $0 : nil }
        uncut = map?.0 ?? RangeSet()
        switch (map, machine.deferredMemInit) {
        case (let (described, _)?, let deferred?):
            ram = described.intersection(AddressRange(start: 0, end: deferred.dramEnd))
        case (let (described, _)?, nil):
            ram = described
        case (nil, let deferred?):
            ram = RangeSet([AddressRange(start: deferred.bootEnd, end: deferred.dramEnd)])
        case (nil, nil):
            ram = RangeSet()
        }
    }

    /// The firmware's RAM as the kernel's e820 map has it after `memmap=exactmap`: only the `memmap=nn@ss`
    /// ranges (parse_memmap_one empties the table, then adds them). Other pieces are limits and carve-outs.
    static func edited(_ firmwareRAM: RangeSet, by memmap: [MemmapOption]) -> RangeSet {
        guard memmap.contains(.exactMap) else { return firmwareRAM }
        return firmwareRAM.intersection(RangeSet(memmap.compactMap { if case .ram(let range) = $0 { range } else { nil } }))
    }
}
