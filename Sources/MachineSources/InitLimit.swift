/// The limits of PID 1 that `fork_init` sizes from the memory at boot (`max_threads / 2`): every process inherits
/// them, and `RLIMIT_NPROC` binds every process not run by root.
package enum InitLimit: String, Sendable, CaseIterable {
    case processes = "RLIMIT_NPROC"
    case pendingSignals = "RLIMIT_SIGPENDING"

    /// The line's label in `/proc/PID/limits`.
    package var label: String {
        switch self {
        case .processes: "Max processes"
        case .pendingSignals: "Max pending signals"
        }
    }

    /// prlimit(1)'s option.
    package var prlimitOption: String {
        switch self {
        case .processes: "--nproc"
        case .pendingSignals: "--sigpending"
        }
    }
}
