import ArgumentParser
import Testing
@testable import deferred_memd

/// The boot path's parser fills the same command ArgumentParser would, or declines so ArgumentParser parses.
@Suite struct BootArgumentsTests {
    /// Every stored option of a command, as text: `_sysroot`, `_placement`… with their parsed values.
    static func fields(_ value: Any) -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let text = String(describing: child.value)
            #expect(!text.contains("definition"), "\(child.label ?? "?") left unset: \(text)")
            return ["\(child.label ?? "?")=\(text)"]
        }
    }

    @Test("run: the boot parser and ArgumentParser agree on every option the service or a benchmark passes", arguments: [
        ["run"],
        ["run", "--sysroot", "/tmp/x", "--simulate", "--latency-ms-per-gib", "0"],
        ["run", "--sysroot=/tmp/x", "--config", "/etc/x.conf", "--kernelcore", "50%", "--movablecore=4G", "--json"],
        ["run", "--workers", "per-zone", "--no-gate", "--normal-cpus", "0-1", "--movable-cpus=1", "--normal-priority", "idle", "--movable-priority", "5"],
        ["run", "--dry-run", "--simulate", "--auto-online", "refuse", "--log-level", "debug", "--lock-model", "per-zone", "--fault", "online:20:EBUSY:2", "--fault", "probe:5:ENOMEM:forever"],
        ["run", "--gate", "--workers=serial"],
    ])
    func runAgrees(_ line: [String]) throws {
        let fast = try #require(BootArguments.command(line) as? RunCommand, "declined \(line)")
        let parsed = try #require(try DeferredMemd.parseAsRoot(line) as? RunCommand)
        #expect(Self.fields(fast) == Self.fields(parsed))
        #expect(Self.fields(fast.machine) == Self.fields(parsed.machine))
        #expect(Self.fields(fast.placement) == Self.fields(parsed.placement))
    }

    @Test("plan --check: agrees; plan without --check is left to ArgumentParser", arguments: [
        ["plan", "--check"], ["plan", "--sysroot", "/tmp/x", "--check"], ["plan", "--check", "--config=/etc/x.conf"],
    ])
    func planCheckAgrees(_ line: [String]) throws {
        let fast = try #require(BootArguments.command(line) as? PlanCommand)
        let parsed = try #require(try DeferredMemd.parseAsRoot(line) as? PlanCommand)
        #expect(Self.fields(fast) == Self.fields(parsed))
        #expect(Self.fields(fast.machine) == Self.fields(parsed.machine))
    }

    @Test("anything else goes to ArgumentParser: help, unknown options, bad values, failing validation", arguments: [
        ["run", "--help"], ["run", "-h"], ["run", "--bogus"], ["run", "--workers", "parallel"], ["run", "--latency-ms-per-gib", "fast"],
        ["run", "--sysroot"], ["run", "--fault", "online:x"], ["run", "--fault", "online:1:EBUSY:1"], ["run", "--normal-cpus", "z"],
        ["run", "stray"], ["plan"], ["plan", "--json"], ["status"], ["watch"], ["rescue"], [], ["--help"],
    ])
    func declines(_ line: [String]) {
        #expect(BootArguments.command(line) == nil, "\(line)")
    }
}
