/// A rule's word on the machine or the plan: how it came out, a stable code to alert on (the message is for
/// people and may change), what was found and, for anything not ok, what to do. The plan's warnings and
/// `doctor`'s checks are both views of these: a plan carries the findings that warn, `doctor` prints them all.
package struct Finding: Sendable, Equatable {
    /// `fail` makes `doctor` exit 6 (`ExitStatus.checkFailed`); `warn` does not.
    package enum Severity: String, Sendable, Comparable, CaseIterable {
        case ok
        case warn
        case fail

        package static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    package var severity: Severity
    package var code: FindingCode
    package var message: String
    /// What to do; nil only for `ok`.
    package var remedy: String?

    /// `remedy` defaults to the code's own for anything not ok.
    package init(_ severity: Severity, _ code: FindingCode, _ message: String, remedy: String? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.remedy = remedy ?? (severity == .ok ? nil : code.remedy)
    }
}
