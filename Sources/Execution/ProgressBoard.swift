import KernelFiles
import Logging
import MemoryModel
import Planning
import Synchronization

/// The progress all workers update, behind one lock.
final class ProgressBoard: Sendable {
    let state: Mutex<Progress>
    init(_ initial: Progress) { state = Mutex(initial) }
}
