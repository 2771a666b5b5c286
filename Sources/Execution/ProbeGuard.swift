import MachineSources
import MemoryModel

/// The last check before a probe write: the block must lie wholly inside RAM the firmware describes and
/// overlap no devicetree carve-out.
///
/// The kernel accepts any aligned address and panics when a block with no RAM behind it is onlined, so the
/// engine re-checks every probe against the sources themselves, whatever the plan says (defence in depth).
public struct ProbeGuard: Sendable {
    public let ram: RangeSet
    public let reserved: [DevicetreeMemory.ReservedRegion]

    public init(ram: RangeSet, reserved: [DevicetreeMemory.ReservedRegion]) {
        self.ram = ram
        self.reserved = reserved
    }

    /// Built from the machine's own sources, not from the plan.
    public init(machine: Machine) {
        var map: RangeSet
        if let dt = machine.devicetree, !dt.banks.isEmpty {
            map = dt.ram
        } else if let memmap = machine.firmwareMemmap, !memmap.ram.isEmpty {
            map = memmap.ram
        } else if let deferred = machine.deferredMemInit {
            // Bounds alone (the plan warns that the range is taken as contiguous).
            map = RangeSet([AddressRange(start: deferred.bootEnd, end: deferred.dramEnd)])
        } else {
            map = RangeSet()
        }
        if let deferred = machine.deferredMemInit {
            map = map.intersection(AddressRange(start: 0, end: deferred.dramEnd))
        }
        self.init(ram: map, reserved: machine.devicetree?.reserved ?? [])
    }

    /// `nil` when the block may be probed; otherwise why not.
    public func refusal(for block: AddressRange) -> String? {
        guard ram.contains(block) else { return "\(block) is not entirely inside RAM of the firmware map" }
        if let carveOut = reserved.first(where: { $0.range.overlaps(block) }) {
            return "\(block) overlaps the carve-out \(carveOut.name) \(carveOut.range)"
        }
        return nil
    }
}
