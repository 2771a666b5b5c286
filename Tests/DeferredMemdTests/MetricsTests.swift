import Execution
import Foundation
import Jobs
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Settings
import Testing

/// The Prometheus text files, as node_exporter's textfile collector reads them (scripts/check-metrics.sh runs
/// the real promtool and node_exporter on them).
@Suite("Fleet metrics: one Prometheus text file per command in the textfile collector's directory", .fixtures)
struct MetricsTests {
    static let textfiles = "/var/lib/prometheus/node-exporter"

    static func record(_ index: Int, node: Int, zone: Zone, _ outcome: BlockOutcome) -> BlockRecord {
        var record = BlockRecord(block: Plan.Block(index: index, start: UInt64(index) << 27, node: node, zone: zone, action: .online), worker: "serial")
        record.outcome = outcome
        return record
    }

    static func lines(_ root: URL, _ command: String) throws -> [String] {
        try String(contentsOfFile: root.path + textfiles + "/deferred-memd-\(command).prom", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func metricsRoot(_ example: String = "x86-vm-numa-dimms") throws -> URL {
        let root = try Fixture.copyOfExample(example)
        try FileManager.default.createDirectory(atPath: root.path + textfiles, withIntermediateDirectories: true)
        return root
    }

    @Test("a known run gives exactly these lines: HELP and TYPE once per family, base units, labels per node, zone and outcome")
    func exactLines() {
        let records = [
            Self.record(32, node: 0, zone: .normal, .onlined), Self.record(33, node: 0, zone: .normal, .onlined),
            Self.record(36, node: 0, zone: .movable, .failed(stage: .online, errno: .ioError, reason: "EIO")),
            Self.record(37, node: 0, zone: .movable, .notReached), Self.record(40, node: 1, zone: .movable, .conflict(actual: "Normal")),
        ]
        let metrics = RunMetrics(
            command: "run", records: records, blockSize: 128 << 20, durationNanoseconds: 412_000_000, exitStatus: .partial,
            endedAtMilliseconds: 1_764_453_177_005,
            warnings: [PlanWarning(.movableRatio, "a"), PlanWarning(.movableRatio, "b"), PlanWarning(.noProbeFile, "c")])
        #expect(
            metrics.textfile.text == """
                # HELP deferred_memd_blocks Memory blocks of the last run, by NUMA node, planned zone and outcome.
                # TYPE deferred_memd_blocks gauge
                deferred_memd_blocks{command="run",node="0",zone="Movable",outcome="failed"} 1
                deferred_memd_blocks{command="run",node="0",zone="Movable",outcome="not-reached"} 1
                deferred_memd_blocks{command="run",node="0",zone="Normal",outcome="onlined"} 2
                deferred_memd_blocks{command="run",node="1",zone="Movable",outcome="conflict"} 1
                # HELP deferred_memd_memory_bytes Memory of the last run, by NUMA node, planned zone and outcome.
                # TYPE deferred_memd_memory_bytes gauge
                deferred_memd_memory_bytes{command="run",node="0",zone="Movable",outcome="failed"} 134217728
                deferred_memd_memory_bytes{command="run",node="0",zone="Movable",outcome="not-reached"} 134217728
                deferred_memd_memory_bytes{command="run",node="0",zone="Normal",outcome="onlined"} 268435456
                deferred_memd_memory_bytes{command="run",node="1",zone="Movable",outcome="conflict"} 134217728
                # HELP deferred_memd_missing_bytes Deferred memory the last run planned that is not online (failed, refused or not reached).
                # TYPE deferred_memd_missing_bytes gauge
                deferred_memd_missing_bytes{command="run"} 268435456
                # HELP deferred_memd_failed_blocks Memory blocks the last run failed to bring online.
                # TYPE deferred_memd_failed_blocks gauge
                deferred_memd_failed_blocks{command="run"} 1
                # HELP deferred_memd_last_run_duration_seconds How long the last run took.
                # TYPE deferred_memd_last_run_duration_seconds gauge
                deferred_memd_last_run_duration_seconds{command="run"} 0.412
                # HELP deferred_memd_last_run_exit_status Exit status of the last run (deferred-memd(8): 0 success, 1 nothing done, 3 partial, 4 interrupted).
                # TYPE deferred_memd_last_run_exit_status gauge
                deferred_memd_last_run_exit_status{command="run"} 3
                # HELP deferred_memd_last_run_end_time_seconds When the last run ended, in seconds since the epoch.
                # TYPE deferred_memd_last_run_end_time_seconds gauge
                deferred_memd_last_run_end_time_seconds{command="run"} 1764453177.005
                # HELP deferred_memd_warnings Warnings of the last run, by code (Docs/design.md, Plan rules).
                # TYPE deferred_memd_warnings gauge
                deferred_memd_warnings{command="run",code="movable-ratio"} 2
                deferred_memd_warnings{command="run",code="no-probe-file"} 1

                """)
    }

    @Test("label values escape backslash, quote and newline; HELP escapes backslash and newline; a family without samples is left out")
    func escaping() {
        let file = PrometheusTextfile([
            .init("x_bytes", .gauge, help: "a \\ b\nc \"d\"", [.init([("path", "C:\\a \"b\"\nc")], "1")]),
            .init("y_total", .counter, help: "empty", []),
        ])
        #expect(file.text == "# HELP x_bytes a \\\\ b\\nc \"d\"\n# TYPE x_bytes gauge\nx_bytes{path=\"C:\\\\a \\\"b\\\"\\nc\"} 1\n")
    }

    @Test(
        "numbers are plain decimals, never exponents",
        arguments: [
            (UInt64(0), 9, "0"), (412_000_000, 9, "0.412"), (1_000_000_000, 9, "1"), (1_000_000_001, 9, "1.000000001"), (5, 3, "0.005"),
            (1_764_453_177_120, 3, "1764453177.12"), (7, 0, "7"),
        ])
    func decimals(value: UInt64, scale: Int, text: String) {
        #expect(PrometheusTextfile.decimal(value, scale: scale) == text)
    }

    @Test("a run with a block failing for good: its file says 128 MiB missing, 1 failed, exit 3, and leaves no temporary file")
    func runWritesItsFile() throws {
        let root = try Self.metricsRoot()
        // An earlier file is replaced whole, and an earlier boot's rescue file goes.
        try Fixture.write("stale\n", to: Self.textfiles + "/deferred-memd-run.prom", in: root)
        try Fixture.write("stale\n", to: Self.textfiles + "/deferred-memd-rescue.prom", in: root)
        let result = InProcess.run(
            [
                "run", "--simulate", "--latency-ms-per-gib", "1", "--sysroot", root.path, "--metrics-directory", Self.textfiles, "--fault",
                "online:40:EIO:forever",
            ],
            program: Binary.boot)
        #expect(result.status == 3, "\(result.stderr)")
        let lines = try Self.lines(root, "run")
        for expected in [
            #"deferred_memd_blocks{command="run",node="1",zone="Normal",outcome="failed"} 1"#,
            #"deferred_memd_blocks{command="run",node="1",zone="Normal",outcome="onlined"} 3"#,
            #"deferred_memd_memory_bytes{command="run",node="0",zone="Movable",outcome="onlined"} 536870912"#,
            #"deferred_memd_missing_bytes{command="run"} 134217728"#, #"deferred_memd_failed_blocks{command="run"} 1"#,
            #"deferred_memd_last_run_exit_status{command="run"} 3"#,
        ] {
            #expect(lines.contains(expected), "\(expected) not in \(lines)")
        }
        let end = try #require(lines.first { $0.hasPrefix("deferred_memd_last_run_end_time_seconds{command=\"run\"} ") })
        let seconds = try #require(Double(end.split(separator: " ").last ?? ""))
        #expect(abs(seconds - Date().timeIntervalSince1970) < 120)
        #expect(lines.contains { $0.hasPrefix("deferred_memd_last_run_duration_seconds{command=\"run\"} 0.") })
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path + Self.textfiles).sorted()
        #expect(names == ["deferred-memd-run.prom"], "a temporary file or the stale rescue file is left: \(names)")
    }

    @Test("the file is 0644 under the units' UMask=0077: node_exporter reads it as its own user")
    func readableByTheExporter() throws {
        let root = try Self.metricsRoot()
        let line = [Binary.url(Binary.boot).path, "run", "--simulate", "--sysroot", root.path, "--metrics-directory", Self.textfiles]
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "umask 077; exec \"$@\" >/dev/null 2>&1", "sh"] + line
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: root.path + Self.textfiles + "/deferred-memd-run.prom")
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
    }

    @Test("[Metrics] Directory= in the configuration turns metrics on; off unless set; the flag wins over it")
    func configuration() throws {
        let root = try Self.metricsRoot()
        _ = InProcess.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + Self.textfiles).isEmpty, "metrics written without being asked for")
        try Fixture.write("[Metrics]\nDirectory=/elsewhere\n", to: "/etc/deferred-memd.conf.d/metrics.conf", in: root)
        try FileManager.default.createDirectory(atPath: root.path + "/elsewhere", withIntermediateDirectories: true)
        _ = InProcess.run(["run", "--simulate", "--sysroot", root.path])
        #expect(FileManager.default.fileExists(atPath: root.path + "/elsewhere/deferred-memd-run.prom"))
        _ = InProcess.run(["run", "--simulate", "--sysroot", root.path, "--metrics-directory", Self.textfiles])
        #expect(FileManager.default.fileExists(atPath: root.path + Self.textfiles + "/deferred-memd-run.prom"))
    }

    @Test("a relative directory is bad input in the configuration (exit 2) and a usage error as a flag (exit 64)")
    func relativeDirectory() throws {
        let root = try Self.metricsRoot()
        #expect(InProcess.run(["run", "--simulate", "--sysroot", root.path, "--metrics-directory", "var/lib"]).status == 64)
        try Fixture.write("[Metrics]\nDirectory=var/lib\n", to: "/etc/deferred-memd.conf.d/metrics.conf", in: root)
        let result = InProcess.run(["run", "--simulate", "--sysroot", root.path], program: Binary.boot)
        #expect(result.status == 2)
        #expect(result.stderr.contains(MetricsDirectory.expected), "\(result.stderr)")
    }

    @Test("a directory that does not exist is a warning: the run still succeeds")
    func unwritable() throws {
        let root = try Self.metricsRoot()
        let result = InProcess.run(["run", "--simulate", "--sysroot", root.path, "--metrics-directory", "/no/such/directory"], program: Binary.boot)
        #expect(result.status == 0)
        #expect(result.stderr.contains("cannot write the metrics file"), "\(result.stderr)")
    }

    @Test("rescue writes its own file: the block the run left offline is onlined in the kernel zone, nothing missing")
    func rescue() throws {
        let root = try Self.metricsRoot()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let directory = try #require(MetricsDirectory(parsing: Substring(Self.textfiles)))
        var run = RunJob()
        run.machine = MachineSelection(sysroot: root.path)
        run.simulate = true
        run.latencyMsPerGib = 0
        run.metricsDirectory = directory
        run.faults = [.init(stage: .online, block: 40, errno: .ioError, count: nil)]
        #expect(run.run(context: JobContext(logger: logger)) == .partial)
        var rescue = RescueJob()
        rescue.sysroot = root.path
        rescue.simulate = true
        rescue.metricsDirectory = directory
        #expect(rescue.run(context: JobContext(logger: logger)) == .success)
        let lines = try Self.lines(root, "rescue")
        #expect(lines.contains(#"deferred_memd_blocks{command="rescue",node="1",zone="Normal",outcome="onlined"} 1"#), "\(lines)")
        #expect(lines.contains(#"deferred_memd_missing_bytes{command="rescue"} 0"#))
        #expect(lines.contains(#"deferred_memd_last_run_exit_status{command="rescue"} 0"#))
        // The run's file still says what the run left: the alert reads rescue's figures when there are any.
        #expect(try Self.lines(root, "run").contains(#"deferred_memd_missing_bytes{command="run"} 134217728"#))
    }

    @Test("watch writes its file after each burst: the burst's figures and counters since it started")
    func watch() throws {
        let root = try Self.metricsRoot()
        let result = InProcess.run([
            "watch", "--simulate", "--events-from", "/dev/null", "--sysroot", root.path, "--metrics-directory", Self.textfiles,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try Self.lines(root, "watch")
        for expected in [
            "# TYPE deferred_memd_watch_bursts_total counter", "deferred_memd_watch_bursts_total 1",
            #"deferred_memd_watch_onlined_blocks_total{zone="Normal"} 8"#, #"deferred_memd_watch_onlined_blocks_total{zone="Movable"} 8"#,
            "deferred_memd_watch_failed_blocks_total 0", #"deferred_memd_missing_bytes{command="watch"} 0"#,
            #"deferred_memd_blocks{command="watch",node="1",zone="Movable",outcome="onlined"} 4"#,
        ] {
            #expect(lines.contains(expected), "\(expected) not in \(lines)")
        }
    }
}
