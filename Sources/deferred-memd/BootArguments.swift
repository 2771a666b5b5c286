import ArgumentParser
import Execution
import Logging

/// The boot path's parser for the two invocations the service makes at every boot, `run` and `plan --check`,
/// with the options a unit, a drop-in or a benchmark passes.
///
/// swift-argument-parser builds its model of a command by reflection (`Mirror`, a protocol-conformance scan per
/// option type): 13 M instructions, ≈ 3.5 ms here before the first sysfs write (Docs/performance.md). This
/// parser fills the same command values directly. Anything it does not know (help, completion, a value that
/// does not parse, a failing `validate()`) returns nil, and ArgumentParser parses the line as always, so errors
/// and help read the same either way. `BootArgumentsTests` checks both parsers agree.
enum BootArguments {
    /// The command to run, or nil to hand the line to ArgumentParser.
    static func command(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first else { return nil }
        var reader = Reader(arguments: Array(arguments.dropFirst()))
        switch name {
        case "run": return run(&reader)
        case "plan": return plan(&reader)
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

    static func machine(_ name: String, _ inline: String?, _ reader: inout Reader, into options: inout MachineOptions) -> Bool? {
        switch name {
        case "--sysroot": guard let value = reader.value(inline) else { return false }; options.sysroot = value
        case "--config": guard let value = reader.value(inline) else { return false }; options.config = value
        case "--kernelcore": guard let value = reader.value(inline) else { return false }; options.kernelcore = value
        case "--movablecore": guard let value = reader.value(inline) else { return false }; options.movablecore = value
        default: return nil
        }
        return true
    }

    static func defaultMachine() -> MachineOptions {
        var options = MachineOptions()
        options.sysroot = "/"
        options.config = nil
        options.kernelcore = nil
        options.movablecore = nil
        return options
    }

    static func run(_ reader: inout Reader) -> RunCommand? {
        var command = RunCommand()
        var machine = defaultMachine()
        var workers = WorkerOptions()
        (workers.workers, workers.gate, workers.normalCPUs, workers.movableCPUs, workers.normalPriority, workers.movablePriority) = (nil, nil, nil, nil, nil, nil)
        command.dryRun = false
        command.json = false
        command.autoOnline = nil
        command.logLevel = .info
        command.simulate = false
        command.latencyMsPerGib = 30
        command.lockModel = .global
        command.fault = []
        while let (name, inline) = reader.next() {
            if let known = Self.machine(name, inline, &reader, into: &machine) {
                guard known else { return nil }
                continue
            }
            switch name {
            case "--dry-run" where inline == nil: command.dryRun = true
            case "--json" where inline == nil: command.json = true
            case "--simulate" where inline == nil: command.simulate = true
            case "--gate" where inline == nil: workers.gate = true
            case "--no-gate" where inline == nil: workers.gate = false
            case "--auto-online":
                guard let policy = reader.value(inline).flatMap(AutoOnlineSwitch.Policy.init(rawValue:)) else { return nil }
                command.autoOnline = policy
            case "--log-level":
                guard let level = reader.value(inline).flatMap(Logger.Level.init(rawValue:)) else { return nil }
                command.logLevel = level
            case "--latency-ms-per-gib":
                guard let latency = reader.value(inline).flatMap(Double.init) else { return nil }
                command.latencyMsPerGib = latency
            case "--lock-model":
                guard let model = reader.value(inline).flatMap(SimulatedKernel.LockModel.init(rawValue:)) else { return nil }
                command.lockModel = model
            case "--fault":
                guard let fault = reader.value(inline) else { return nil }
                command.fault.append(fault)
            case "--workers":
                guard let mode = reader.value(inline).flatMap(EngineOptions.Workers.init(rawValue:)) else { return nil }
                workers.workers = mode
            case "--normal-cpus": guard let value = reader.value(inline) else { return nil }; workers.normalCPUs = value
            case "--movable-cpus": guard let value = reader.value(inline) else { return nil }; workers.movableCPUs = value
            case "--normal-priority": guard let value = reader.value(inline) else { return nil }; workers.normalPriority = value
            case "--movable-priority": guard let value = reader.value(inline) else { return nil }; workers.movablePriority = value
            default: return nil
            }
        }
        command.machine = machine
        command.placement = workers
        guard (try? workers.validate()) != nil, (try? command.validate()) != nil else { return nil }
        return command
    }

    /// Only `plan --check`: printing a plan is interactive, and ArgumentParser's cost does not matter there.
    static func plan(_ reader: inout Reader) -> PlanCommand? {
        var command = PlanCommand()
        var machine = defaultMachine()
        command.json = false
        command.check = false
        while let (name, inline) = reader.next() {
            if let known = Self.machine(name, inline, &reader, into: &machine) {
                guard known else { return nil }
                continue
            }
            guard name == "--check", inline == nil else { return nil }
            command.check = true
        }
        guard command.check else { return nil }
        command.machine = machine
        return command
    }
}
