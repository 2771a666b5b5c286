import LinuxShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

final class DoneFlag: Sendable {
    let value = Atomic<Bool>(false)
}
