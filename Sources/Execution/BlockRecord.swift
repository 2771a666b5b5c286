import MemoryModel
import Planning
import SystemPackage

/// One block's record in the report: outcome, attempts, the last errno, and when.
package struct BlockRecord: Sendable, Equatable {
    // Swift lays stored properties out in declaration order: the small ones sit together after `outcome` (33
    // bytes), so a record is 160 bytes, not 168 (8192 of them are held until the report is written).
    package var block: Plan.Block
    package var outcome: BlockOutcome
    package var lastErrno: Errno?
    /// The kinds of write this block took; `.probe` alone: auto-zone onlined it inside the probe write.
    package var writes: BlockWrites
    /// Auto-online left it offline after a successful probe (the kernel does not report that failure), and the
    /// verification onlined it with a `state` write.
    package var onlinedAfterProbe: Bool
    /// Rescue's plain `online` onlined it (`Engine.kernelChoiceFallback`): the zone is the kernel's choice, and any
    /// zone it shows counts as onlined.
    package var zoneChosenByKernel: Bool
    package var attempts: Int
    package var worker: String
    /// The zone as the kernel showed it when the block was last read online (`valid_zones`: DMA, Normal, Movable).
    package var kernelZone: String?
    /// Monotonic nanoseconds since the run started.
    package var startedAt: UInt64
    package var finishedAt: UInt64
    /// Time spent inside kernel writes (what the kernel itself took, gate waits excluded).
    package var writeNanoseconds: UInt64

    package init(block: Plan.Block, worker: String) {
        self.block = block
        self.outcome = .notReached
        self.attempts = 0
        self.lastErrno = nil
        self.worker = worker
        self.kernelZone = nil
        self.startedAt = 0
        self.finishedAt = 0
        self.writeNanoseconds = 0
        self.writes = []
        self.onlinedAfterProbe = false
        self.zoneChosenByKernel = false
    }
}
