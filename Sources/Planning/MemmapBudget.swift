/// Free memory against the memmap of the blocks to probe, and what the plan needs at start.
///
/// A probe allocates its block's memmap (64 bytes per 4 KiB page: 2 MiB per 128 MiB block) from memory that is
/// already online in a kernel zone (mm/sparse-vmemmap.c, GFP_KERNEL: never from ZONE_MOVABLE), and onlining
/// the block does not give it back. A block onlined in a kernel zone adds its memory to what later probes can
/// use; a Movable one adds nothing they can use. kata-containers #4847: hot-adding many GiB to a small boot
/// memory ends in the OOM killer.
package struct MemmapBudget: Sendable, Equatable {
    /// `MemFree` when the plan was made, less the free pages of ZONE_MOVABLE (`/proc/zoneinfo`).
    package var free: UInt64
    /// The memmap of every block to probe.
    package var memmap: UInt64
    /// The least free memory at start with which the plan fits, in the order the engine takes it when free memory
    /// is tight (Normal blocks first, each probe followed by its online): the most memmap (and `probeOverhead`)
    /// the run holds before Normal blocks give it back, plus `Planner.memmapMargin` for the daemon and the kernel.
    package var need: UInt64
    /// Free memory is short of twice the memmap (or of the memmap plus the margin): Normal blocks go first, and
    /// the engine watches free memory after every probe.
    package var tight: Bool

    package init(free: UInt64, memmap: UInt64, need: UInt64, tight: Bool) {
        self.free = free
        self.memmap = memmap
        self.need = need
        self.tight = tight
    }

    /// The plan cannot fit: a run would leave the machine half-probed or call the OOM killer, so it probes nothing.
    package var fits: Bool { free >= need }
}
