import ArgumentParser
import Jobs
import KernelFiles
import MachineSources
import Reporting
import TinyJSON
import Execution

/// The summary line of the last run's report, if there is one.
enum LastRunSummary {
    static func read(from files: KernelFiles) -> String? {
        guard let text = try? files.readText("/run/deferred-memd/report.json"),
              let report = try? JSONValue(parsing: text) else { return nil }
        return report["summary"]?.stringValue
    }
}
