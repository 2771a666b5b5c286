import MachineSources

/// A value Linux sizes once, from the memory it has at that moment, and never again when memory is added.
package enum SizedSetting: Sendable, Hashable, CustomStringConvertible {
    /// `kernel.threads-max` (`fork_init` → `set_max_threads`).
    case threadsMax
    /// One of PID 1's limits, which every process inherits.
    case initLimit(InitLimit)
    /// A tmpfs mount's size.
    case tmpfs(String)

    package var description: String {
        switch self {
        case .threadsMax: "kernel.threads-max"
        case .initLimit(let limit): "PID 1 \(limit.rawValue)"
        case .tmpfs(let mountPoint): "tmpfs \(mountPoint)"
        }
    }
}
