import Execution
import KernelSimulation
import Logging
import MachineSources
import Settings

/// The boot path's parser for what the units run: `run` and `plan --check` at every boot, `rescue` when it fails,
/// with the options a unit, a drop-in or a benchmark passes.
///
/// swift-argument-parser builds its model of a command by reflection (`Mirror`, a protocol-conformance scan per
/// option type): 13 M instructions, ≈ 3.5 ms before the first sysfs write (Docs/performance.md), and it links
/// FoundationEssentials (+7.5 MB). This parser fills the same values directly; the boot binary
/// (`deferred-memd-boot`) has no other, and `deferred-memd` uses it before ArgumentParser. Anything it does
/// not know (help, an unknown option, a value that does not parse, a problem with the values) returns nil:
/// `deferred-memd` then parses the line with ArgumentParser as always, so errors and help read the same
/// either way. `BootArgumentsTests` checks both parsers agree.
package enum BootArguments {
    /// The command, or nil when the line is not one this parser takes.
    package static func command(_ arguments: [String]) -> BootCommand? {
        guard let name = arguments.first else { return nil }
        var reader = Reader(arguments: Array(arguments.dropFirst()))
        switch name {
        case "run": return run(&reader).map(BootCommand.run)
        case "plan": return planCheck(&reader).map { BootCommand.planCheck(PlanCheck(machine: $0)) }
        case "rescue": return rescue(&reader).map(BootCommand.rescue)
        default: return nil
        }
    }

    /// `--name value` and `--name=value`, one at a time.
    struct Reader {
        var arguments: [String]
        var position = 0

        mutating func next() -> (name: String, inline: String?)? {
            guard position < arguments.count else { return nil }
            let argument = arguments[position]
            position += 1
            guard argument.hasPrefix("--"), argument.count > 2 else { return ("", nil) }
            if let equals = argument.firstIndex(of: "=") {
                return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
            }
            return (argument, nil)
        }

        mutating func value(_ inline: String?) -> String? {
            if let inline { return inline }
            guard position < arguments.count, !arguments[position].hasPrefix("--") else { return nil }
            position += 1
            return arguments[position - 1]
        }
    }

    static func machine(_ name: String, _ inline: String?, _ reader: inout Reader, into machine: inout MachineSelection) -> Bool? {
        switch name {
        case "--sysroot":
            guard let value = reader.value(inline) else { return false }
            machine.sysroot = value
        case "--config":
            guard let value = reader.value(inline) else { return false }
            machine.config = value
        case "--kernelcore":
            guard let value = reader.value(inline) else { return false }
            machine.kernelcore = value
        case "--movablecore":
            guard let value = reader.value(inline) else { return false }
            machine.movablecore = value
        default: return nil
        }
        return true
    }

    static func run(_ reader: inout Reader) -> RunJob? {
        var job = RunJob()
        while let (name, inline) = reader.next() {
            if let known = Self.machine(name, inline, &reader, into: &job.machine) {
                guard known else { return nil }
                continue
            }
            switch name {
            case "--dry-run" where inline == nil: job.dryRun = true
            case "--json" where inline == nil: job.json = true
            case "--simulate" where inline == nil: job.simulate = true
            case "--gate" where inline == nil: job.placement.gate = true
            case "--no-gate" where inline == nil: job.placement.gate = false
            case "--auto-online":
                guard let policy = reader.value(inline).flatMap(AutoOnlinePolicy.init(rawValue:)) else { return nil }
                job.autoOnline = policy
            case "--log-level":
                guard let level = reader.value(inline).flatMap(Logger.Level.init(rawValue:)) else { return nil }
                job.logLevel = level
            case "--latency-ms-per-gib":
                guard let latency = reader.value(inline).flatMap(Double.init) else { return nil }
                job.latencyMsPerGib = latency
            case "--lock-model":
                guard let model = reader.value(inline).flatMap(SimulatedKernel.LockModel.init(rawValue:)) else { return nil }
                job.lockModel = model
            case "--metrics-directory":
                guard let directory = reader.value(inline).flatMap({ MetricsDirectory(parsing: Substring($0)) }) else { return nil }
                job.metricsDirectory = directory
            case "--fault":
                guard let fault = reader.value(inline).flatMap(SimulatedKernel.Fault.init(parsing:)) else { return nil }
                job.faults.append(fault)
            case "--probe-method":
                guard let method = reader.value(inline).flatMap(ProbeMethod.init(rawValue:)) else { return nil }
                job.placement.probeMethod = method
            case "--workers":
                guard let mode = reader.value(inline).flatMap(WorkerMode.init(rawValue:)) else { return nil }
                job.placement.workers = mode
            case "--normal-cpus":
                guard let cpus = reader.value(inline).flatMap({ CPUList.parse(Substring($0)) }) else { return nil }
                job.placement.normalCPUs = cpus
            case "--movable-cpus":
                guard let cpus = reader.value(inline).flatMap({ CPUList.parse(Substring($0)) }) else { return nil }
                job.placement.movableCPUs = cpus
            case "--normal-priority":
                guard let priority = reader.value(inline).flatMap({ WorkerPriority(parsing: Substring($0)) }) else { return nil }
                job.placement.normalPriority = priority
            case "--movable-priority":
                guard let priority = reader.value(inline).flatMap({ WorkerPriority(parsing: Substring($0)) }) else { return nil }
                job.placement.movablePriority = priority
            default: return nil
            }
        }
        return job.problem == nil ? job : nil
    }

    /// Only `plan --check`: printing a plan is interactive, and ArgumentParser's cost does not matter there.
    static func planCheck(_ reader: inout Reader) -> MachineSelection? {
        var machine = MachineSelection()
        var check = false
        while let (name, inline) = reader.next() {
            if let known = Self.machine(name, inline, &reader, into: &machine) {
                guard known else { return nil }
                continue
            }
            guard name == "--check", inline == nil else { return nil }
            check = true
        }
        return check ? machine : nil
    }

    /// `rescue`: what the fallback unit runs.
    static func rescue(_ reader: inout Reader) -> RescueJob? {
        var job = RescueJob()
        while let (name, inline) = reader.next() {
            switch name {
            case "--sysroot":
                guard let value = reader.value(inline) else { return nil }
                job.sysroot = value
            case "--simulate" where inline == nil: job.simulate = true
            case "--log-level":
                guard let level = reader.value(inline).flatMap(Logger.Level.init(rawValue:)) else { return nil }
                job.logLevel = level
            case "--metrics-directory":
                guard let directory = reader.value(inline).flatMap({ MetricsDirectory(parsing: Substring($0)) }) else { return nil }
                job.metricsDirectory = directory
            default: return nil
            }
        }
        return job
    }
}
