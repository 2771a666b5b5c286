import MachineSources
import MemoryModel

/// Where the deferred RAM lies: the RAM map, the boot end, and the ranges to look for blocks to probe.
struct DeferredLayout {
    var source: Plan.Source
    var bootEnd: UInt64?
    var ram: RangeSet
    var probeCandidates: RangeSet
    /// Carve-outs no probed block may overlap: the devicetree's, or x86's memmap= reservations.
    var reserved: [FirmwareCarveOut]

    init(machine: Machine, warnings: inout [PlanWarning]) {
        let blockSize = machine.memory.blockSize
        let presentRAM = RangeSet(machine.memory.blocks.map { $0.range(blockSize: blockSize) })
        let described = RAMMap(machine: machine)
        reserved = described.reserved
        let map: (RangeSet, Plan.Source)? = described.source.map { (described.uncut, $0) }

        if let deferred = machine.deferredMemInit {
            source = .deferredMemInit
            bootEnd = deferred.bootEnd
            let bounds = AddressRange(start: deferred.bootEnd, end: deferred.dramEnd)
            if let (mapRAM, mapSource) = map {
                ram = described.ram
                probeCandidates = mapRAM.intersection(bounds)
                if let mapEnd = mapRAM.upperBound, mapEnd > deferred.dramEnd {
                    warnings.append(
                        PlanWarning(
                            .mapBeyondDRAMEnd,
                            "the \(mapSource.rawValue) RAM map goes up to \(Hex.prefixed(mapEnd)), beyond bootmem_end_of_dram \(Hex.prefixed(deferred.dramEnd)); only memory below the latter is planned"
                        ))
                }
            } else {
                let low = presentRAM.lowerBound ?? 0
                ram = RangeSet([AddressRange(start: min(low, deferred.bootEnd), end: deferred.dramEnd)])
                probeCandidates = RangeSet([bounds])
                if !bounds.isEmpty {
                    warnings.append(
                        PlanWarning(
                            .boundsOnly,
                            "no RAM map (devicetree or firmware memmap): \(bounds) is taken as contiguous RAM from deferred_mem_init's bounds alone"))
                }
            }
            return
        }

        guard let (mapRAM, mapSource) = map else {
            source = .offlineBlocks
            bootEnd = nil
            ram = presentRAM
            probeCandidates = RangeSet()
            if machine.commandLine.memLimit != nil {
                warnings.append(
                    PlanWarning(.noRAMMap, "mem= limits boot memory, but no RAM map (devicetree or firmware memmap) says where the rest is: nothing is probed"))
            }
            return
        }
        source = mapSource
        ram = mapRAM
        guard let limit = described.memLimit else {
            // Booted without a limit: the map adds nothing to probe; the deferred memory is the offline blocks.
            source = .offlineBlocks
            bootEnd = nil
            probeCandidates = RangeSet()
            let absent = mapRAM.subtracting(presentRAM).totalSize
            if absent >= blockSize {
                warnings.append(
                    PlanWarning(
                        .absentWithoutLimit,
                        "\(ByteCount.describe(absent)) of RAM in the \(mapSource.rawValue) map is not present, but the kernel booted without mem=: not probed"))
            }
            return
        }
        // mem= is an address limit on x86 (e820 ranges above it removed) and an amount of memory on devicetree
        // machines (memblock_enforce_memory_limit keeps the lowest `limit` bytes).
        let end: UInt64
        switch mapSource {
        case .firmwareMemmap:
            end = limit
        default:
            var remaining = limit
            var found = mapRAM.upperBound ?? 0
            for range in mapRAM.ranges {
                if remaining <= range.size {
                    found = range.start + remaining
                    break
                }
                remaining -= range.size
            }
            end = found
        }
        bootEnd = end
        probeCandidates = mapRAM.intersection(AddressRange(start: end, end: max(end, mapRAM.upperBound ?? end)))
    }
}
