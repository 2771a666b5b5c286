/// How a doctor check came out: `fail` makes `doctor` exit 6 (`ExitStatus.checkFailed`); `warn` does not.
package enum DoctorVerdict: String, Sendable, Comparable, CaseIterable {
    case ok
    case warn
    case fail

    package static func < (lhs: DoctorVerdict, rhs: DoctorVerdict) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
