import ArgumentParser
import Jobs
import MachineSources
import Settings

/// The worker flags of `watch` (ArgumentParser parses it); names and help are `WorkerSelection.options`'s, which
/// `run` and the boot binary parse with.
struct WorkerOptions: ParsableArguments {
    @Option(help: Self.help("workers")) var workers: WorkerMode?
    @Flag(inversion: .prefixedNo, help: Self.help("gate")) var gate: Bool?
    @Option(name: .customLong("normal-cpus"), help: Self.help("normal-cpus"), transform: Self.cpus) var normalCPUs: [Int]?
    @Option(name: .customLong("movable-cpus"), help: Self.help("movable-cpus"), transform: Self.cpus) var movableCPUs: [Int]?
    @Option(help: Self.help("normal-priority"), transform: Self.priority) var normalPriority: WorkerPriority?
    @Option(help: Self.help("movable-priority"), transform: Self.priority) var movablePriority: WorkerPriority?
    @Option(help: Self.help("probe-method")) var probeMethod: ProbeMethod?

    static func help(_ name: String) -> ArgumentHelp {
        let option = WorkerSelection.options[name]
        return ArgumentHelp(option.help, valueName: option.valueName)
    }

    var selection: WorkerSelection {
        WorkerSelection(
            workers: workers, gate: gate, normalCPUs: normalCPUs, movableCPUs: movableCPUs, normalPriority: normalPriority, movablePriority: movablePriority,
            probeMethod: probeMethod)
    }

    static func cpus(_ text: String) throws -> [Int] {
        guard let cpus = CPUList.parse(Substring(text)) else { throw ValidationError("'\(text)': expected \(CPUList.expected)") }
        return cpus
    }

    static func priority(_ text: String) throws -> WorkerPriority {
        guard let priority = WorkerPriority(parsing: Substring(text)) else { throw ValidationError("'\(text)': expected \(WorkerPriority.expected)") }
        return priority
    }
}

extension WorkerMode: ExpressibleByArgument {}
extension ProbeMethod: ExpressibleByArgument {}
