import Execution
import KernelSimulation
import Planning
import Reporting
import TinyJSON

/// What `run --dry-run` found: the writes the engine made against the recording kernel, in order, and the
/// report the run would end with.
package struct DryRun: Sendable {
    package let plan: Plan
    package let writes: [KernelWrite]
    package let report: RunReport

    /// The memory block a write is about (a probe's or a checked add's address, or `memoryN/state`), nil for the
    /// machine-wide files.
    package func block(of write: KernelWrite) -> Int? {
        switch write {
        case .probe(let address), .checkedAdd(let address, _): Int(address / plan.blockSize)
        case .blockState(let index, _): index
        case .autoOnlineBlocks, .handover: nil
        }
    }

    /// A shell script a person can review and replay: one `echo VALUE > PATH` per write, the rest as comments.
    package var text: String {
        var out = "# deferred-memd run --dry-run: the writes the run makes, in order (nothing was written)\n"
        for line in PlanReport.text(plan).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            out += line.isEmpty ? "#\n" : "# \(line)\n"
        }
        for write in writes { out += "echo \(write.value) > \(write.path)\n" }
        for outcome in report.after {
            if let change = outcome.step.change, outcome.status == .planned {
                out += "# \(outcome.step.setting): \(outcome.step.before) → \(outcome.step.after ?? "?") (\(outcome.step.reason))\n\(change.command)\n"
            } else {
                out += "# \(outcome)\n"
            }
        }
        for record in report.result.records where !record.outcome.isSuccess || record.outcome == .alreadyOnline {
            out += "# memory\(record.block.index): \(record.outcome.name)\(Self.detail(record.outcome))\n"
        }
        let online = report.count(\.isSuccess)
        out += "# result: \(online)/\(report.result.records.count) planned blocks online as planned; exit status \(report.status.rawValue)\n"
        return out
    }

    /// `[{path, value, block, zone}]`, in order.
    package var json: JSONValue {
        let zones = Dictionary(plan.blocks.map { ($0.index, $0.zone) }, uniquingKeysWith: { first, _ in first })
        return .array(
            writes.map { write in
                let block = block(of: write)
                return .object([
                    ("path", .string(write.path)), ("value", .string(write.value)),
                    ("block", block.map { .int(Int64($0)) } ?? .null),
                    ("zone", block.flatMap { zones[$0] }.map { .string($0.rawValue) } ?? .null),
                ])
            })
    }

    static func detail(_ outcome: BlockOutcome) -> String {
        switch outcome {
        case .conflict(let actual): " (online in \(actual))"
        case .failed(let stage, let errno, let reason): " at \(stage.rawValue)\(errno.map { " (\($0.symbol))" } ?? ""): \(reason)"
        case .refused(let reason): ": \(reason)"
        default: ""
        }
    }
}
