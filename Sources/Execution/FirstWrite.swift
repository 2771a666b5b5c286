import KernelFiles
import MemoryModel
import Planning
import Synchronization
import SystemPackage

/// The first write's CLOCK_MONOTONIC, set once by whichever worker writes first.
final class FirstWrite: Sendable {
    private let moment = Atomic<UInt64>(0)

    func note(_ now: UInt64) {
        guard moment.load(ordering: .relaxed) == 0 else { return }
        _ = moment.compareExchange(expected: 0, desired: now, ordering: .relaxed)
    }

    var value: UInt64 { moment.load(ordering: .relaxed) }
}
