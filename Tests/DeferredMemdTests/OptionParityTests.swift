import Foundation
import Jobs
import Testing

@testable import deferred_memd

/// `run`, `rescue` and `plan --check` parse with the jobs' option tables in both binaries; `plan`, `status`,
/// `doctor` and `watch` declare the machine and worker options again for ArgumentParser, with the tables' help.
/// Every table entry must change the job (an entry that sets nothing proves nothing and does nothing), and
/// ArgumentParser's declarations must be the tables' options, giving the same values.
@Suite("Every option is written once: the tables' entries set the job, ArgumentParser's copies match them", .fixtures)
struct OptionParityTests {
    /// A value for each option whose values are not a fixed set, differing from the default.
    static let samples: [String: String] = [
        "sysroot": "/tmp/parity-root", "config": "/tmp/parity.conf", "kernelcore": "40%", "movablecore": "1G",
        "normal-cpus": "0-1", "movable-cpus": "1", "normal-priority": "5", "movable-priority": "idle",
        "latency-ms-per-gib": "7", "fault": "online:20:EBUSY:2", "metrics-directory": "/tmp/parity-metrics",
    ]
    /// Options that only make sense with another one.
    static let companions: [String: [String]] = ["fault": ["--simulate"]]

    /// `--name` and a value that is not the default: a fixed set's last spelling, or the sample.
    static func line<Job>(_ option: CommandOption<Job>) throws -> [String] {
        var line = (companions[option.name] ?? []) + ["--" + option.name]
        guard let valueName = option.valueName else { return line }
        let choices = valueName.split(separator: "|").map(String.init)
        let fixedSet = choices.count > 1 && choices.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "-" } }
        let value = try #require(
            fixedSet ? choices.last : samples[option.name],
            "no sample value for --\(option.name): add one to OptionParityTests.samples")
        line.append(value)
        return line
    }

    @Test("run: each option of the table changes the job, and the tool's run takes it as the boot path does")
    func run() throws {
        #expect(RunJob.options.options.count >= 21)
        for option in RunJob.options.options {
            let line = try ["run"] + Self.line(option)
            let job = try #require(try BootArguments.command(line), "\(line)")
            #expect(job != .run(RunJob()), "\(line): the option changed nothing")
            let tool = try #require(try DeferredMemd.parseAsRoot(line) as? RunCommand, "\(line)")
            #expect(try .run(tool.job) == job, "\(line)")
        }
    }

    @Test("rescue: each option of the table changes the job")
    func rescue() throws {
        #expect(RescueJob.options.options.count >= 4)
        for option in RescueJob.options.options {
            let line = try ["rescue"] + Self.line(option)
            let job = try #require(try BootArguments.command(line), "\(line)")
            #expect(job != .rescue(RescueJob()), "\(line): the option changed nothing")
            let tool = try #require(try DeferredMemd.parseAsRoot(line) as? RescueCommand, "\(line)")
            #expect(try .rescue(tool.job) == job, "\(line)")
        }
    }

    /// The long options ArgumentParser declares for `command`, from the tool's own `--experimental-dump-help`.
    static func declared(by command: String) throws -> Set<String> {
        let dump = try Binary.run([command, "--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let description = try #require(root["command"] as? [String: Any])
        let arguments = try #require(description["arguments"] as? [[String: Any]])
        let names = arguments.flatMap { $0["names"] as? [[String: Any]] ?? [] }
        return Set(names.filter { $0["kind"] as? String == "long" }.compactMap { $0["name"] as? String })
    }

    @Test("plan, status, doctor, watch: ArgumentParser's machine options are MachineSelection.options, with the same values")
    func machine() throws {
        let names = Set(MachineSelection.options.options.map(\.name))
        for command in ["plan", "watch", "doctor"] {
            #expect(try Self.declared(by: command).isSuperset(of: names), "\(command)")
        }
        for option in MachineSelection.options.options {
            let line = try ["plan", "--check"] + Self.line(option)
            let tool = try #require(try DeferredMemd.parseAsRoot(line) as? PlanCommand, "\(line)")
            #expect(tool.machine.selection != MachineSelection(), "\(line): the option changed nothing")
            #expect(try BootArguments.command(line) == .planCheck(PlanCheck(machine: tool.machine.selection)), "\(line)")
        }
    }

    @Test("watch: ArgumentParser's worker options are WorkerSelection.options, with the same values")
    func workers() throws {
        #expect(try Self.declared(by: "watch").isSuperset(of: WorkerSelection.options.options.map(\.name)))
        for option in WorkerSelection.options.options {
            let line = try ["watch"] + Self.line(option)
            let tool = try #require(try DeferredMemd.parseAsRoot(line) as? WatchCommand, "\(line)")
            let table = try WorkerSelection.options.parse(line.dropFirst(), onto: WorkerSelection())
            #expect(table != WorkerSelection(), "\(line): the option changed nothing")
            #expect(tool.placement.selection == table, "\(line)")
        }
    }
}
