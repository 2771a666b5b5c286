/// Why a run stopped before its last block.
package enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// SIGTERM or SIGINT: the write in flight finished, a re-run finishes the rest.
    case signal(Int32)
    /// The kernel can no longer be trusted (the simulated kernel "panicked"): nothing more is written.
    case kernelFailure(String)

    package var description: String {
        switch self {
        case .signal(let number): Self.signalName(number)
        case .kernelFailure(let text): text
        }
    }

    static func signalName(_ number: Int32) -> String {
        switch number {
        case 15: "SIGTERM"
        case 2: "SIGINT"
        default: "signal \(number)"
        }
    }
}
