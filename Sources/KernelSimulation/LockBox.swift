import Execution
import KernelFiles
import MachineSources
import MemoryModel
import Synchronization
import SystemPackage

/// A mutex that can sit in an array (Mutex itself is non-copyable).
final class LockBox: Sendable {
    let mutex = Mutex(())
}
