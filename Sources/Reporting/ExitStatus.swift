/// The exit codes every command shares (deferred-memd(8)); a run's report carries the one it ends with.
package enum ExitStatus: Int32, Sendable, CaseIterable {
    /// All planned memory is online as planned (or nothing was deferred).
    case success = 0
    /// Nothing could be done: no planned block is online as planned, or the kernel failed.
    case nothingDone = 1
    /// A malformed file, configuration or value: nothing was written.
    case badInput = 2
    /// Some blocks failed or are online in another zone; the rest is online.
    case partial = 3
    /// Stopped by SIGTERM/SIGINT before the plan was finished (a re-run finishes it).
    case interrupted = 4
    /// Free memory cannot hold the memmap of the blocks to probe, even with Normal blocks first: nothing was
    /// written (the `memmap-cannot-fit` warning gives the figures).
    case memoryShortfall = 5
    /// `doctor`: at least one check fails (warnings alone exit 0).
    case checkFailed = 6
    /// A command-line usage error.
    case usage = 64
}
