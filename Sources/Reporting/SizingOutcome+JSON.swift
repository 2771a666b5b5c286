import Execution
import TinyJSON

extension SizingOutcome {
    /// `{setting, status, before, after, reason, detail}`: `after` is the value the change gives (null when left).
    package var json: JSONValue {
        .object([
            ("setting", .string(step.setting.description)), ("status", .string(status.rawValue)), ("before", .string(step.before)),
            ("after", step.after.map { .string($0) } ?? .null), ("command", step.change.map { .string($0.command) } ?? .null),
            ("reason", .string(step.reason)), ("detail", detail.map { .string($0) } ?? .null),
        ])
    }
}
