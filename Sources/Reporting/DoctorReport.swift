import Planning
import TinyJSON

/// `deferred-memd doctor`'s output: one line per check (`ok`, `warn`, `fail`, the code, what was found), the
/// remedy indented under each one that is not ok; or the same as JSON.
package enum DoctorReport {
    /// `checkFailed` when any check fails; warnings alone do not change the exit status.
    package static func exitStatus(_ findings: [Finding]) -> ExitStatus {
        findings.contains { $0.severity == .fail } ? .checkFailed : .success
    }

    package static func text(_ findings: [Finding]) -> String {
        let width = findings.map(\.code.rawValue.count).max() ?? 0
        var out = ""
        for finding in findings {
            let verdict = finding.severity.rawValue.padding(4)
            out += "\(verdict)  \(finding.code.rawValue.padding(width))  \(finding.message)\n"
            if let remedy = finding.remedy, finding.severity != .ok { out += "      \(String(repeating: " ", count: width))  fix: \(remedy)\n" }
        }
        let counts = Finding.Severity.allCases.map { verdict in "\(findings.filter { $0.severity == verdict }.count) \(verdict.rawValue)" }
        out += "\n" + counts.joined(separator: ", ") + "\n"
        return out
    }

    package static func json(_ findings: [Finding]) -> JSONValue {
        .object([
            (
                "findings",
                .array(
                    findings.map { finding in
                        .object([
                            ("verdict", .string(finding.severity.rawValue)), ("code", .string(finding.code.rawValue)), ("message", .string(finding.message)),
                            ("remedy", finding.remedy.map { .string($0) } ?? .null),
                        ])
                    })
            ),
            ("counts", .object(Finding.Severity.allCases.map { verdict in (verdict.rawValue, .int(Int64(findings.filter { $0.severity == verdict }.count))) })),
            ("exitCode", .int(Int64(exitStatus(findings).rawValue))),
        ])
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
