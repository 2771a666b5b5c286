import ArgumentParser
import Jobs
import KernelSimulation
import Testing

@testable import deferred_memd

/// The units' lines are parsed by the jobs' option tables, in both binaries: the tool's `run` and `rescue` give the
/// same job as the boot path; help and other commands are left to ArgumentParser.
@Suite(.fixtures) struct BootArgumentsTests {
    @Test(
        "run: the tool and the boot path give the same job for every line the service or a benchmark passes",
        arguments: [
            ["run"],
            ["run", "--sysroot", "/tmp/x", "--simulate", "--latency-ms-per-gib", "0"],
            ["run", "--sysroot=/tmp/x", "--config", "/etc/x.conf", "--kernelcore", "50%", "--movablecore=4G", "--json"],
            ["run", "--workers", "per-zone", "--no-gate", "--normal-cpus", "0-1", "--movable-cpus=1", "--normal-priority", "idle", "--movable-priority", "5"],
            [
                "run", "--dry-run", "--simulate", "--auto-online", "refuse", "--log-level", "debug", "--lock-model", "per-zone", "--fault", "online:20:EBUSY:2",
                "--fault", "probe:5:ENOMEM:forever",
            ],
            ["run", "--gate", "--workers=serial"],
        ])
    func runAgrees(_ line: [String]) throws {
        let parsed = try #require(try DeferredMemd.parseAsRoot(line) as? RunCommand)
        #expect(try BootArguments.command(line) == .run(parsed.job))
    }

    @Test("the values differ from the defaults where the line says so (the comparison above is not between two defaults)")
    func valuesAreRead() throws {
        let line = [
            "run", "--sysroot=/tmp/x", "--kernelcore", "50%", "--workers", "per-zone", "--no-gate", "--json", "--fault", "online:20:EBUSY:2", "--simulate",
        ]
        guard case .run(let job) = try BootArguments.command(line) else {
            Issue.record("declined")
            return
        }
        #expect(job.machine == MachineSelection(sysroot: "/tmp/x", kernelcore: "50%"))
        #expect(job.placement == WorkerSelection(workers: .perZone, gate: false))
        #expect(job.json && job.simulate && !job.dryRun && job.faults == [SimulatedKernel.Fault(stage: .online, block: 20, errno: .resourceBusy, count: 2)])
    }

    @Test(
        "plan --check: agrees with ArgumentParser's plan; plan without --check is left to it",
        arguments: [
            ["plan", "--check"], ["plan", "--sysroot", "/tmp/x", "--check"], ["plan", "--check", "--config=/etc/x.conf"],
        ])
    func planCheckAgrees(_ line: [String]) throws {
        let parsed = try #require(try DeferredMemd.parseAsRoot(line) as? PlanCommand)
        #expect(parsed.check)
        #expect(try BootArguments.command(line) == .planCheck(PlanCheck(machine: parsed.machine.selection)))
    }

    @Test(
        "help and the other commands are ArgumentParser's",
        arguments: [["run", "--help"], ["run", "-h"], ["plan"], ["plan", "--json"], ["status"], ["watch"], ["rescue", "--help"], [], ["--help"]])
    func declines(_ line: [String]) throws {
        #expect(try BootArguments.command(line) == nil, "\(line)")
    }

    @Test(
        "a line the boot path runs with a wrong option is an error naming it, in both binaries alike",
        arguments: [
            (["run", "--bogus"], "unknown option '--bogus'"),
            (["run", "--workers", "parallel"], "--workers 'parallel': expected per-zone or serial"),
            (["run", "--latency-ms-per-gib", "fast"], "--latency-ms-per-gib 'fast': expected a number of milliseconds"),
            (["run", "--sysroot"], "--sysroot needs a value"),
            (["run", "--sysroot", "--json"], "--sysroot needs a value"),
            (["run", "--json=yes"], "--json takes no value"),
            (["run", "--fault", "online:x"], "--fault 'online:x': expected STAGE:BLOCK:ERRNO:COUNT, such as online:20:EBUSY:2"),
            (["run", "--fault", "online:1:EBUSY:1"], "--fault needs --simulate"),
            (["run", "--normal-cpus", "z"], "--normal-cpus 'z': expected a CPU list such as 4-7 or 0,2,4"),
            (["run", "stray"], "unexpected argument 'stray'"),
            (["plan", "--check", "--json"], "unknown option '--json'"),
            (["rescue", "--bogus"], "unknown option '--bogus'"),
            (["rescue", "--kernelcore", "4G"], "unknown option '--kernelcore'"),
        ])
    func refuses(_ line: [String], _ message: String) throws {
        do {
            let command = try BootArguments.command(line)
            Issue.record("\(line): took it as \(String(describing: command))")
        } catch {
            #expect(error.description == message)
        }
        // The tool's ArgumentParser commands say the same (its run and rescue parse with the same tables).
        if line.first != "plan" {
            #expect(DeferredMemd.message(for: Self.parseError(line)) == message, "\(line)")
        }
    }

    static func parseError(_ line: [String]) -> any Error {
        do {
            _ = try DeferredMemd.parseAsRoot(line)
            return CancellationError()
        } catch {
            return error
        }
    }
}
