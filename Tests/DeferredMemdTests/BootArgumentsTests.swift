import ArgumentParser
import Jobs
import KernelSimulation
import Testing

@testable import deferred_memd

/// The boot path's parser gives the same job ArgumentParser does, or declines so that ArgumentParser parses.
@Suite(.fixtures) struct BootArgumentsTests {
    @Test(
        "run: the boot parser and ArgumentParser agree on every option the service or a benchmark passes",
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
        #expect(BootArguments.command(line) == .run(parsed.job))
    }

    @Test("the values differ from the defaults where the line says so (the comparison above is not between two defaults)")
    func valuesAreRead() throws {
        let line = [
            "run", "--sysroot=/tmp/x", "--kernelcore", "50%", "--workers", "per-zone", "--no-gate", "--json", "--fault", "online:20:EBUSY:2", "--simulate",
        ]
        guard case .run(let job) = BootArguments.command(line) else {
            Issue.record("declined")
            return
        }
        #expect(job.machine == MachineSelection(sysroot: "/tmp/x", kernelcore: "50%"))
        #expect(job.placement == WorkerSelection(workers: .perZone, gate: false))
        #expect(job.json && job.simulate && !job.dryRun && job.faults == [SimulatedKernel.Fault(stage: .online, block: 20, errno: .resourceBusy, count: 2)])
    }

    @Test(
        "plan --check: agrees; plan without --check is left to ArgumentParser",
        arguments: [
            ["plan", "--check"], ["plan", "--sysroot", "/tmp/x", "--check"], ["plan", "--check", "--config=/etc/x.conf"],
        ])
    func planCheckAgrees(_ line: [String]) throws {
        let parsed = try #require(try DeferredMemd.parseAsRoot(line) as? PlanCommand)
        #expect(parsed.check)
        #expect(BootArguments.command(line) == .planCheck(PlanCheck(machine: parsed.machine.selection)))
    }

    @Test(
        "anything else goes to ArgumentParser: help, unknown options, bad values, failing validation",
        arguments: [
            ["run", "--help"], ["run", "-h"], ["run", "--bogus"], ["run", "--workers", "parallel"], ["run", "--latency-ms-per-gib", "fast"],
            ["run", "--sysroot"], ["run", "--fault", "online:x"], ["run", "--fault", "online:1:EBUSY:1"], ["run", "--normal-cpus", "z"],
            ["run", "stray"], ["plan"], ["plan", "--json"], ["status"], ["watch"], ["rescue", "--bogus"], ["rescue", "--help"], [], ["--help"],
        ])
    func declines(_ line: [String]) {
        #expect(BootArguments.command(line) == nil, "\(line)")
    }
}
