import Planning

/// What became of one resizing step.
package struct SizingOutcome: Sendable, Equatable, CustomStringConvertible {
    package enum Status: String, Sendable {
        /// Written, and the kernel shows the new value.
        case changed
        /// The write failed, or the kernel shows another value than the one written.
        case failed
        /// Someone else's value, or no change needed.
        case left
        /// A dry run's: the write a run would make.
        case planned
    }

    package let step: SizingStep
    package let status: Status
    /// The value read back after the write; for a failure, the error.
    package let detail: String?

    package init(step: SizingStep, status: Status, detail: String? = nil) {
        self.step = step
        self.status = status
        self.detail = detail
    }

    package var description: String {
        switch status {
        case .changed, .planned: "\(step.setting): \(step.before) → \(step.after ?? "?")"
        case .failed: "\(step.setting): \(step.before), not changed: \(detail ?? "?")"
        case .left: "\(step.setting): \(step.before), left: \(step.reason)"
        }
    }
}
