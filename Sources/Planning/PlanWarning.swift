/// Something about the plan or the machine a person should know, with a stable code that fleets can alert on
/// (`plan --json` and the report carry `{code, message}`; the message is for people and may change).
package struct PlanWarning: Sendable, Equatable, CustomStringConvertible {
    package var code: FindingCode
    package var message: String

    package init(_ code: FindingCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A rule's finding as the plan carries it: nil when the rule is satisfied.
    package init?(_ finding: Finding) {
        guard finding.severity != .ok else { return nil }
        self.init(finding.code, finding.message)
    }

    package var description: String { message }
}
