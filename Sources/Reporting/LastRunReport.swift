import TinyJSON

/// What doctor takes from the last run's `/run/deferred-memd/report.json`: its result and the blocks that did
/// not end online as planned.
package struct LastRunReport: Sendable, Equatable {
    package var summary: String
    package var exitCode: Int
    /// `memory12 (failed at online: EBUSY)`, in the report's order.
    package var problems: [String]

    package init(summary: String, exitCode: Int, problems: [String] = []) {
        self.summary = summary
        self.exitCode = exitCode
        self.problems = problems
    }

    /// Nil when the text is not a report this daemon writes.
    package init?(json text: String) {
        guard let report = try? JSONValue(parsing: text), let summary = report["summary"]?.stringValue,
            let exitCode = report["exitCode"]?.int64Value
        else { return nil }
        self.summary = summary
        self.exitCode = Int(exitCode)
        problems = (report["blocks"]?.arrayValue ?? []).compactMap { block in
            guard let index = block["index"]?.int64Value, let outcome = block["outcome"]?.stringValue,
                !["onlined", "already-online", "raced"].contains(outcome)
            else { return nil }
            var detail = outcome
            if let stage = block["stage"]?.stringValue { detail += " at \(stage)" }
            if let errno = block["errno"]?.stringValue { detail += ": \(errno)" }
            if let zone = block["actualZone"]?.stringValue { detail += ": online in \(zone)" }
            return "memory\(index) (\(detail))"
        }
    }
}
