import KernelFiles
import Logging
import MemoryModel
import Planning
import Synchronization

/// Progress after each block, for the terminal line, sd_notify STATUS= and the watchdog.
package struct Progress: Sendable, Equatable {
    package var done: [Zone: Int] = [:]
    package var planned: [Zone: Int] = [:]
    package var bytesDone: UInt64 = 0
    package var bytesPlanned: UInt64 = 0
    package var elapsedNanoseconds: UInt64 = 0

    package init(done: [Zone: Int] = [:], planned: [Zone: Int] = [:], bytesDone: UInt64 = 0, bytesPlanned: UInt64 = 0, elapsedNanoseconds: UInt64 = 0) {
        self.done = done
        self.planned = planned
        self.bytesDone = bytesDone
        self.bytesPlanned = bytesPlanned
        self.elapsedNanoseconds = elapsedNanoseconds
    }

    package var blocksDone: Int { done.values.reduce(0, +) }
    package var blocksPlanned: Int { planned.values.reduce(0, +) }
}
