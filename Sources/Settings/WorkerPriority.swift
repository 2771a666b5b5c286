/// How a zone worker thread is scheduled: a nice value, or `SCHED_IDLE` for a background mode that runs only
/// when a CPU has nothing else to do (onlining then never competes with the boot it is meant to speed up).
package enum WorkerPriority: Sendable, Equatable, CustomStringConvertible {
    case nice(Int)
    case idle

    /// `-20`…`19` or `idle`.
    package init?(parsing text: Substring) {
        if text == "idle" {
            self = .idle
            return
        }
        guard let number = Int(text), (-20...19).contains(number) else { return nil }
        self = .nice(number)
    }

    package static let expected = "a nice value from -20 to 19, or idle (SCHED_IDLE)"

    package var description: String {
        switch self {
        case .nice(let value): "\(value)"
        case .idle: "idle"
        }
    }
}
