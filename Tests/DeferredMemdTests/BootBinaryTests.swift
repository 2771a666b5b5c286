import Foundation
import Jobs
import Testing

/// `deferred-memd-boot`, what deferred-memd.service runs: the same `run` and `plan --check` as the command-line
/// tool, and nothing else.
@Suite(.fixtures) struct BootBinaryTests {
    /// The report without what differs between two runs (times, paths, pids).
    static func outcomes(_ root: URL) throws -> [String] {
        let data = try Data(contentsOf: root.appendingPathComponent("run/deferred-memd/report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let blocks = try #require(report["blocks"] as? [[String: Any]])
        return blocks.map { "\($0["index"] ?? "?") \($0["zone"] ?? "?") \($0["action"] ?? "?") \($0["outcome"] ?? "?")" }
    }

    /// A smoke test, not a parity test: the tool hands every line `BootArguments` accepts to the same parser and
    /// `RunJob` as the boot binary (`DeferredMemd.main`), so for these flags both binaries run one code path and
    /// agreeing shows only that both are built, start, and end the run. Parity of the options (that the tool's
    /// ArgumentParser `run` and `BootArguments` accept the same options, with the same meaning) is carried by a
    /// separate test that derives every `run` option from ArgumentParser's own description of the command.
    @Test(
        "smoke: both binaries run each example to the end, block for block the same, exit code and all",
        arguments: ["phone-12g", "x86-vm-numa-dimms", "arm64-board-blob"])
    func smokeRun(_ machine: String) throws {
        let bootRoot = try Fixture.copyOfExample(machine), toolRoot = try Fixture.copyOfExample(machine)
        let flags = ["--simulate", "--latency-ms-per-gib", "0", "--workers", "per-zone"]
        let boot = try Binary.run(["run", "--sysroot", bootRoot.path] + flags, program: Binary.boot)
        let tool = try Binary.run(["run", "--sysroot", toolRoot.path] + flags)
        #expect(boot.status == 0, "\(boot.stderr)")
        #expect(boot.status == tool.status)
        let outcomes = try Self.outcomes(bootRoot)
        #expect(!outcomes.isEmpty)
        #expect(outcomes == (try Self.outcomes(toolRoot)))
        // plan --check: memory was deferred before, none is left now.
        let fresh = try Fixture.copyOfExample(machine)
        #expect(try Binary.run(["plan", "--check", "--sysroot", fresh.path], program: Binary.boot).status == 0)
        #expect(try Binary.run(["plan", "--check", "--sysroot", bootRoot.path], program: Binary.boot).status == 1)
        #expect(try Binary.run(["plan", "--check", "--sysroot", bootRoot.path]).status == 1)
    }

    @Test(
        "the report stamps where start-up time goes, in order: main, machine read, planned, engine start, first write",
        arguments: [Binary.boot, "deferred-memd"])
    func startupStamps(_ program: String) throws {
        let root = try Fixture.copyOfExample("arm64-qemu-vendor")
        let run = try Binary.run(["run", "--sysroot", root.path, "--simulate", "--latency-ms-per-gib", "0"], program: program)
        #expect(run.status == 0, "\(run.stderr)")
        let data = try Data(contentsOf: root.appendingPathComponent("run/deferred-memd/report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let stamps = ["monotonicMain", "monotonicMachineRead", "monotonicPlanned", "monotonicStart", "monotonicFirstWrite"].map {
            (report[$0] as? NSNumber)?.uint64Value ?? 0
        }
        #expect(stamps.allSatisfy { $0 > 0 } && stamps == stamps.sorted(), "\(stamps)")
    }

    @Test(
        "anything but run, plan --check and rescue, or a wrong option: usage error 64 saying what, the usage and the tool, nothing written",
        arguments: [
            (["status"], "cannot run 'status"), (["plan"], "cannot run 'plan"), (["run", "--help"], "cannot run 'run --help"),
            (["run", "--bogus"], "unknown option '--bogus'"), (["run", "--workers", "parallel"], "--workers 'parallel': expected per-zone or serial"),
            ([], "cannot run '"),
        ])
    func declines(_ line: [String], _ said: String) throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let before = try treeSnapshot(root)
        let result = try Binary.run(line + ["--sysroot", root.path], program: Binary.boot)
        #expect(result.status == 64, "\(line): \(result.status)")
        #expect(result.stderr.hasPrefix("deferred-memd-boot: " + said), "\(result.stderr)")
        #expect(result.stderr.contains(BootArguments.usage) && result.stderr.contains("deferred-memd(8)"), "\(result.stderr)")
        #expect(try treeSnapshot(root) == before)
    }
}
