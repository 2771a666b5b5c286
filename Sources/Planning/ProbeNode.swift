import MachineSources
import MemoryModel

/// The node the kernel gives a block added through `probe` (`memory_add_physaddr_to_nid()`): the daemon cannot
/// choose it, only predict it.
///
/// - x86, and devicetree machines from 6.12 (`mm/numa_memblks.c`): the node of the NUMA range that holds the
///   address, where the ranges were clipped to boot memory at NUMA init, so that deferred memory lies in none of
///   them and gets the node of the first range left (`numa_meminfo.blk[0]`). On a devicetree that is the first
///   memory node, in the tree's order, that holds boot memory: QEMU's two-node tree lists node 1 first, and with
///   `mem=2560M` 6.12 and 7.2 put every probed block on node 1. On x86 it is SRAT's first: the lowest memory's.
/// - devicetree machines before 6.12 (arm64 had no hook): node 0 ("Unknown online node for memory at …, assuming
///   node 0"), which is the lowest memory's node on the trees seen.
///
/// Not modelled: from 6.12, deferred blocks below an initrd or kernel image that arm64 added back above `mem=` lie
/// inside a clipped range (memblock then ended above them) and take that range's node.
package enum ProbeNode {
    /// The kernel release from which devicetree machines choose as x86 does.
    package static let numaMemblks = KernelRelease(major: 6, minor: 12)

    /// `bootEnd`: where boot memory ends (blocks below it held boot memory at NUMA init; blocks above it that are
    /// present now were probed by an earlier run and must not count).
    package static func node(for machine: Machine, bootEnd: UInt64?) -> Int {
        let lowest = machine.memory.blocks.first?.numaNode ?? 0
        guard let tree = machine.devicetree, let release = machine.kernelRelease, release >= numaMemblks, let bootEnd else { return lowest }
        let blockSize = machine.memory.blockSize
        let boot = machine.memory.blocks.compactMap { block -> AddressRange? in
            let start = UInt64(block.index) * blockSize
            return start < bootEnd ? AddressRange(start: start, size: blockSize) : nil
        }
        for name in tree.memoryNodeOrder {
            if let bank = tree.banks.first(where: { bank in bank.node == name && boot.contains { $0.overlaps(bank.range) } }) {
                return bank.numaNode ?? 0
            }
        }
        return lowest
    }
}
