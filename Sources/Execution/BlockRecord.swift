import MemoryModel
import Planning
import SystemPackage

/// One block's record in the report: outcome, attempts, the last errno, and when.
public struct BlockRecord: Sendable, Equatable {
    public var block: Plan.Block
    public var outcome: BlockOutcome
    public var attempts: Int
    public var lastErrno: Errno?
    public var worker: String
    /// Monotonic nanoseconds since the run started.
    public var startedAt: UInt64
    public var finishedAt: UInt64
    /// Time spent inside kernel writes (what the kernel itself took, gate waits excluded).
    public var writeNanoseconds: UInt64

    public init(block: Plan.Block, worker: String) {
        self.block = block
        self.outcome = .notReached
        self.attempts = 0
        self.lastErrno = nil
        self.worker = worker
        self.startedAt = 0
        self.finishedAt = 0
        self.writeNanoseconds = 0
    }
}
