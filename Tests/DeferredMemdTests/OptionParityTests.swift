import Foundation
import Jobs
import Testing

@testable import deferred_memd

/// The boot binary parses the units' command lines by hand; the tool parses with ArgumentParser. Every long
/// option the tool's `run`, `rescue` and `plan` declare, as ArgumentParser itself describes them, must give the
/// boot parser the same job: an option added to the tool alone fails here instead of making the service exit 64.
@Suite("Every option of the tool's run, rescue and plan --check is taken by the boot binary with the same result", .fixtures)
struct OptionParityTests {
    /// A value for each option whose values ArgumentParser does not list, differing from the default.
    static let samples: [String: String] = [
        "sysroot": "/tmp/parity-root", "config": "/tmp/parity.conf", "kernelcore": "40%", "movablecore": "1G",
        "normal-cpus": "0-1", "movable-cpus": "1", "normal-priority": "5", "movable-priority": "idle",
        "latency-ms-per-gib": "7", "fault": "online:20:EBUSY:2",
        "metrics-directory": "/tmp/parity-metrics",
    ]
    /// Options that only make sense with another one.
    static let companions: [String: [String]] = ["fault": ["--simulate"]]

    struct Option {
        var name: String
        var takesValue: Bool
        var allValues: [String]
    }

    /// The long options of `command`, from the tool's own `--experimental-dump-help`.
    static func options(of command: String) throws -> [Option] {
        let dump = try Binary.run([command, "--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let description = try #require(root["command"] as? [String: Any])
        let arguments = try #require(description["arguments"] as? [[String: Any]])
        var result: [Option] = []
        for argument in arguments {
            let kind = argument["kind"] as? String
            let names = (argument["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" }.compactMap { $0["name"] as? String }
            for name in names where !["help", "version", "experimental-dump-help"].contains(name) {
                result.append(Option(name: name, takesValue: kind == "option", allValues: argument["allValues"] as? [String] ?? []))
            }
        }
        return result
    }

    static func line(_ command: [String], _ option: Option) throws -> [String] {
        var line = command + (companions[option.name] ?? []) + ["--" + option.name]
        guard option.takesValue else { return line }
        let value = try #require(option.allValues.last ?? samples[option.name], "no sample value for --\(option.name): add one to OptionParityTests.samples")
        line.append(value)
        return line
    }

    @Test("run: every option ArgumentParser declares")
    func run() throws {
        let options = try Self.options(of: "run")
        #expect(options.count >= 19)
        for option in options {
            let line = try Self.line(["run"], option)
            let tool = try #require(try DeferredMemd.parseAsRoot(line) as? RunCommand, "\(line)").job
            #expect(tool != RunJob(), "\(line): the option changed nothing, so the comparison proves nothing")
            #expect(BootArguments.command(line) == .run(tool), "\(line): the boot binary does not take it the same way")
        }
    }

    @Test("rescue: every option ArgumentParser declares")
    func rescue() throws {
        let options = try Self.options(of: "rescue")
        #expect(options.count >= 3)
        for option in options {
            let line = try Self.line(["rescue"], option)
            let tool = try #require(try DeferredMemd.parseAsRoot(line) as? RescueCommand, "\(line)").job
            #expect(tool != RescueJob(), "\(line)")
            #expect(BootArguments.command(line) == .rescue(tool), "\(line)")
        }
    }

    @Test("plan --check: every option ArgumentParser declares but --json (printing a plan is the tool's)")
    func planCheck() throws {
        let options = try Self.options(of: "plan").filter { !["json", "check"].contains($0.name) }
        #expect(options.count >= 4)
        for option in options {
            let line = try Self.line(["plan", "--check"], option)
            let tool = try #require(try DeferredMemd.parseAsRoot(line) as? PlanCommand, "\(line)")
            #expect(tool.machine.selection != MachineSelection(), "\(line)")
            #expect(BootArguments.command(line) == .planCheck(PlanCheck(machine: tool.machine.selection)), "\(line)")
        }
    }
}
