import MachineSources
import MemoryModel
import Planning

/// The last check before a probe write: the block must lie wholly inside RAM the firmware describes and
/// overlap no firmware carve-out (devicetree `/reserved-memory`, x86 `memmap=`).
///
/// The kernel accepts any aligned address and panics when a block with no RAM behind it is onlined, so the
/// engine re-checks every probe against the sources themselves, whatever the plan says (defence in depth).
package struct ProbeGuard: Sendable {
    package let ram: RangeSet
    package let reserved: [FirmwareCarveOut]
    /// The kernel's candidates, where it lists them: nothing outside them is probed.
    package let candidates: [AddressRange]?

    package init(ram: RangeSet, reserved: [FirmwareCarveOut], candidates: [AddressRange]? = nil) {
        self.ram = ram
        self.reserved = reserved
        self.candidates = candidates
    }

    /// Built from the machine's own sources (the same reading of the RAM map the planner makes), not from the
    /// plan: a plan resumed from a journal, or a planner bug, cannot get a block past it.
    package init(machine: Machine) {
        let map = RAMMap(machine: machine)
        self.init(ram: map.ram, reserved: map.reserved, candidates: machine.deferredMemInit?.candidates?.map(\.range))
    }

    /// `nil` when the block may be probed; otherwise why not.
    package func refusal(for block: AddressRange) -> String? {
        guard ram.contains(block) else { return "\(block) is not entirely inside RAM of the firmware map" }
        if let carveOut = reserved.first(where: { $0.range.overlaps(block) }) {
            return "\(block) overlaps the carve-out \(carveOut.name) \(carveOut.range)"
        }
        if let candidates, !candidates.contains(where: { $0.contains(block) }) {
            return "\(block) is not among the kernel's candidates (/sys/kernel/deferred_mem_init/candidates)"
        }
        return nil
    }
}
