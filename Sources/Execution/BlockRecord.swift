import MemoryModel
import Planning

/// What happened to one planned block.
public enum BlockOutcome: Sendable, Equatable {
    /// This run onlined it in the planned zone.
    case onlined
    /// It was already online in the planned zone before this run touched it (an earlier run, or udev).
    case alreadyOnline
    /// Another agent onlined it in the planned zone while this run was at it (our write got EINVAL).
    case raced
    /// Online in the other zone (a udev rule or another agent got there first): reported, not fixed by force.
    case conflict(actual: String)
    /// The write failed for good, or the kernel did something unexpected.
    case failed(stage: String, errno: String?, reason: String)
    /// Not probed: the block is not wholly RAM or overlaps a carve-out.
    case refused(reason: String)
    /// Not reached: the run was stopped (signal, or a fatal kernel condition) first.
    case notReached

    public var name: String {
        switch self {
        case .onlined: "onlined"
        case .alreadyOnline: "already-online"
        case .raced: "raced"
        case .conflict: "conflict"
        case .failed: "failed"
        case .refused: "refused"
        case .notReached: "not-reached"
        }
    }

    /// Online in the planned zone at the end.
    public var isSuccess: Bool {
        switch self {
        case .onlined, .alreadyOnline, .raced: true
        default: false
        }
    }
}

/// One block's record in the report: outcome, attempts, the last errno, and when.
public struct BlockRecord: Sendable, Equatable {
    public var block: Plan.Block
    public var outcome: BlockOutcome
    public var attempts: Int
    public var lastErrno: String?
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
