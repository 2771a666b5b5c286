import CLibrary
import LinuxShims
import Synchronization

/// The non-generic part a C thread entry point can reach.
final class ThreadStart: @unchecked Sendable {
    let name: String
    let body: () -> Void
    init(name: String, body: @escaping () -> Void) {
        self.name = String(name.utf8.prefix(15)) ?? "worker"
        self.body = body
    }
}

func threadEntry(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let raw else { return nil }
    let start = Unmanaged<ThreadStart>.fromOpaque(raw).takeRetainedValue()
    _ = start.name.withCString { shim_set_thread_name($0) }
    start.body()
    return nil
}
