import MemoryModel
import Planning
import SystemPackage

/// What happened to one planned block.
package enum BlockOutcome: Sendable, Equatable {
    /// This run onlined it in the planned zone.
    case onlined
    /// It was already online in the planned zone before this run touched it (an earlier run, or udev).
    case alreadyOnline
    /// Another agent onlined it in the planned zone while this run was at it (our write got EINVAL, or EEXIST from
    /// the checked add): another onliner, or the vendor kernel taking over.
    case raced
    /// The vendor kernel added it (`deferred_mem.mode=kernel`, or its takeover), in the planned zone, while this run
    /// stood down and wrote nothing.
    case addedByKernel
    /// Online in the other zone (a udev rule or another agent got there first): reported, not fixed by force.
    case conflict(actual: String)
    /// The write failed for good, or the kernel did something unexpected.
    case failed(stage: FailureStage, errno: Errno?, reason: String)
    /// Not probed: the block is not wholly RAM or overlaps a carve-out.
    case refused(reason: String)
    /// Not reached: the run was stopped (signal, or a fatal kernel condition) first.
    case notReached

    package var name: String {
        switch self {
        case .onlined: "onlined"
        case .alreadyOnline: "already-online"
        case .raced: "raced"
        case .addedByKernel: "added-by-kernel"
        case .conflict: "conflict"
        case .failed: "failed"
        case .refused: "refused"
        case .notReached: "not-reached"
        }
    }

    /// Online in the planned zone at the end.
    package var isSuccess: Bool {
        switch self {
        case .onlined, .alreadyOnline, .raced, .addedByKernel: true
        default: false
        }
    }
}
