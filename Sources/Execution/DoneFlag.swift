#if canImport(Glibc)
import Glibc
#endif
import LinuxShims
import Synchronization

final class DoneFlag: Sendable {
    let value = Atomic<Bool>(false)
}
