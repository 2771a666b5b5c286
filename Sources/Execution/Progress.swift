import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Synchronization

/// Progress after each block, for the terminal line, sd_notify STATUS= and the watchdog.
public struct Progress: Sendable, Equatable {
    public var done: [Zone: Int] = [:]
    public var planned: [Zone: Int] = [:]
    public var bytesDone: UInt64 = 0
    public var bytesPlanned: UInt64 = 0
    public var elapsedNanoseconds: UInt64 = 0

    public init(done: [Zone: Int] = [:], planned: [Zone: Int] = [:], bytesDone: UInt64 = 0, bytesPlanned: UInt64 = 0, elapsedNanoseconds: UInt64 = 0) {
        self.done = done
        self.planned = planned
        self.bytesDone = bytesDone
        self.bytesPlanned = bytesPlanned
        self.elapsedNanoseconds = elapsedNanoseconds
    }

    public var blocksDone: Int { done.values.reduce(0, +) }
    public var blocksPlanned: Int { planned.values.reduce(0, +) }
}
