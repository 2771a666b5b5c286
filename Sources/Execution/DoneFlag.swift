import CLibrary
import LinuxShims
import Synchronization

final class DoneFlag: Sendable {
    let value = Atomic<Bool>(false)
}
