/// The exit codes every command shares (deferred-memd(8)); a run's report carries the one it ends with. The help
/// texts, the man page, README.md and Docs/ are written from `summary` and `table` (ExitStatusDocsTests fails when
/// one of them says otherwise).
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

    /// What the code means, in one line: the help's and the manual's words.
    package var summary: String {
        switch self {
        case .success: "success: all planned memory is online as planned (or nothing was deferred)"
        case .nothingDone: "nothing could be done (for example no probe file where blocks need probing)"
        case .badInput: "bad input: a malformed file, configuration or value; nothing was written"
        case .partial: "partial success: some blocks failed or were onlined in another zone; the rest is online"
        case .interrupted: "stopped by SIGTERM/SIGINT before the plan was finished (a re-run finishes it)"
        case .memoryShortfall: "not enough free memory for the memmap of the blocks to probe: nothing was written"
        case .checkFailed: "doctor: at least one check fails (warnings alone exit 0)"
        case .usage: "command-line usage error"
        }
    }

    /// The codes, one a line (`  0   success: …`), as `--help` and the manual list them.
    package static func table(_ codes: [ExitStatus] = allCases) -> String {
        codes.map { code in
            let number = String(code.rawValue)
            return "  " + number + String(repeating: " ", count: max(1, 4 - number.count)) + code.summary
        }.joined(separator: "\n")
    }
}
