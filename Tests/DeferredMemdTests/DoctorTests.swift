import Diagnostics
import Foundation
import Jobs
import KernelFiles
import MachineSources
import Planning
import Reporting
import Testing
import TinyJSON

/// `deferred-memd doctor`: each check on a tree built to trip it (from the x86 VM with `mem=1G`), one tree where
/// everything is ok, the udev rule parser on a real distro file, and the promise that doctor writes nothing.
@Suite("doctor: the machine around the daemon", .fixtures)
struct DoctorTests {
    static let fixtures = Fixture.repository.appendingPathComponent("Tests/DeferredMemdTests/DoctorFixtures")
    static let redHatRules = fixtures.appendingPathComponent("40-redhat.rules")
    static let release = "6.1.0-test-amd64"
    /// The options a Debian 6.1 kernel with probe has, as `/boot/config-<release>` lists them.
    static let goodConfig = """
        CONFIG_MEMORY_HOTPLUG=y
        # CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE is not set
        CONFIG_MEMORY_HOTREMOVE=y
        CONFIG_ARCH_MEMORY_PROBE=y

        """

    func findings(_ root: URL) -> [Finding] {
        var job = DoctorJob()
        job.machine = MachineSelection(sysroot: root.path)
        return DoctorCheck.findings(job.read())
    }

    func only(_ code: String, in findings: [Finding]) throws -> Finding {
        let matching = findings.filter { $0.code.rawValue == code }
        #expect(matching.count == 1, "\(code): \(matching.count) findings")
        return try #require(matching.first)
    }

    /// The example with a known kernel release and configuration, so that only what a test changes is not ok.
    func tree(config: String = goodConfig) throws -> URL {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        try Fixture.write(Self.release + "\n", to: KernelConfig.releasePath, in: root)
        try Fixture.write(config, to: KernelConfig.bootPath(release: Self.release), in: root)
        return root
    }

    func install(_ source: URL, as path: String, in root: URL) throws {
        try Fixture.write(try String(contentsOf: source, encoding: .utf8), to: path, in: root)
    }

    // MARK: udev rules

    @Test("Red Hat's 40-redhat.rules: its one memory rule is line 14, written inside a SUBSYSTEM!=memory GOTO section; the CPU rule is not memory")
    func redHatRuleFile() throws {
        let text = try String(contentsOf: Self.redHatRules, encoding: .utf8)
        let rules = UdevRules.onliningRules(in: text, name: "40-redhat.rules", path: "/usr/lib/udev/rules.d/40-redhat.rules")
        #expect(rules.map(\.line) == [14])
        #expect(rules.first?.action == "ATTR{state}=\"$env{.state}\"")
    }

    @Test(
        "which rule lines online memory",
        arguments: [
            ("SUBSYSTEM==\"memory\", ACTION==\"add\", ATTR{state}=\"online\"\n", [1]),
            ("SUBSYSTEM==\"memory\", ACTION==\"add\", \\\n  TEST==\"state\", \\\n  ATTR{state}=\"online_movable\"\n", [1]),
            ("# comment\nKERNEL==\"memory*\", ACTION==\"add\", ATTR{online}=\"1\"\n", [2]),
            ("SUBSYSTEM==\"memory\", ACTION==\"add\", RUN+=\"/bin/sh -c 'echo online > /sys$devpath/state'\"\n", [1]),
            ("SUBSYSTEM==\"memory|cpu\", ATTR{state}=\"online\"\n", [1]),
            ("# SUBSYSTEM==\"memory\", ATTR{state}=\"online\"\n", []),
            ("SUBSYSTEM==\"cpu\", ACTION==\"add\", ATTR{online}=\"1\"\n", []),
            ("SUBSYSTEM==\"memory\", ATTR{state}==\"offline\", RUN+=\"/usr/bin/logger added\"\n", []),
            ("SUBSYSTEM==\"memory\", ACTION==\"remove\", ATTR{state}=\"offline\"\n", []),
            (
                "SUBSYSTEM!=\"memory\", GOTO=\"end\"\nATTR{state}=\"online\"\nLABEL=\"end\"\nSUBSYSTEM==\"cpu\", ATTR{online}=\"1\"\nATTR{state}=\"online\"\n",
                [2]
            ),
        ])
    func ruleLines(text: String, lines: [Int]) {
        #expect(UdevRules.onliningRules(in: text, name: "x.rules", path: "/etc/udev/rules.d/x.rules").map(\.line) == lines)
    }

    @Test("a file in /etc masks the distro's file of the same name: a /dev/null link or an edited copy; /run overrides /lib")
    func masking() throws {
        let root = try tree()
        try install(Self.redHatRules, as: "/usr/lib/udev/rules.d/40-redhat.rules", in: root)
        try install(Self.redHatRules, as: "/lib/udev/rules.d/41-copy.rules", in: root)
        var rules = try UdevRules.read(from: .init(root: .init(root.path)))
        #expect(rules.onlining.map { "\($0.path):\($0.line)" } == ["/usr/lib/udev/rules.d/40-redhat.rules:14", "/lib/udev/rules.d/41-copy.rules:14"])

        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/udev/rules.d"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("etc/udev/rules.d/40-redhat.rules").path, withDestinationPath: "/dev/null")
        try Fixture.write("# the memory section removed\n", to: "/run/udev/rules.d/41-copy.rules", in: root)
        rules = try UdevRules.read(from: .init(root: .init(root.path)))
        #expect(rules.onlining.isEmpty)
        #expect(rules.masked.map(\.name) == ["40-redhat.rules"])
        #expect(try only("udev-rules", in: findings(root)).severity == .ok)
    }

    @Test("the Red Hat rule installed: fail naming the file and line, with the mask to make; exit 6; warn online_policy=auto-movable")
    func redHatRuleFails() throws {
        let root = try tree()
        try install(Self.redHatRules, as: "/usr/lib/udev/rules.d/40-redhat.rules", in: root)
        try Fixture.write("auto-movable\n", to: "/sys/module/memory_hotplug/parameters/online_policy", in: root)
        try Fixture.write("301\n", to: "/sys/module/memory_hotplug/parameters/auto_movable_ratio", in: root)
        let all = findings(root)
        let rule = try only("udev-rule", in: all)
        #expect(rule.severity == .fail)
        #expect(rule.message.hasPrefix("/usr/lib/udev/rules.d/40-redhat.rules:14 onlines memory"))
        #expect(rule.remedy?.contains("ln -s /dev/null /etc/udev/rules.d/40-redhat.rules") == true)
        #expect(try only("online-policy", in: all).severity == .warn)
        #expect(try only("udev-and-watch", in: all).severity == .ok)
        #expect(DoctorReport.exitStatus(all) == .checkFailed)
        let result = InProcess.run(["doctor", "--sysroot", root.path])
        #expect(result.status == 6)
        #expect(result.stdout.contains("fail  udev-rule"))
    }

    @Test("the watch unit enabled beside an onlining rule: both would act, fail")
    func watchAndRule() throws {
        let root = try tree()
        try install(Self.redHatRules, as: "/usr/lib/udev/rules.d/40-redhat.rules", in: root)
        try Fixture.write("", to: "/etc/systemd/system/multi-user.target.wants/deferred-memd-watch.service", in: root)
        #expect(try only("udev-and-watch", in: findings(root)).severity == .fail)
    }

    // MARK: kernel support

    static let hashEntries = "dhash_entries=524288 ihash_entries=262144 thash_entries=32768 uhash_entries=2048 mhash_entries=8192 mphash_entries=8192"

    @Test("hash tables the kernel sized for the 1 GiB it booted with: a warning with the command line that sizes them for all 3.9 GiB")
    func bootSizedHashTables() throws {
        let root = try tree()
        let finding = try only("boot-sized-hash-tables", in: findings(root))
        #expect(finding.severity == .warn)
        #expect(finding.message.contains("Dentry cache 131072 entries (524288 for all of it)"))
        #expect(finding.message.hasSuffix("for the next boot, sized for 3.9 GiB: " + Self.hashEntries))
        #expect(finding.remedy?.contains("kernel command line") == true)
        // One table already sized on the command line drops out; the others stay.
        try Fixture.write("console=ttyS0 mem=1G memhp_default_state=offline dhash_entries=1048576\n", to: "/proc/cmdline", in: root)
        let rest = try only("boot-sized-hash-tables", in: findings(root))
        #expect(!rest.message.contains("dhash_entries") && rest.message.contains("ihash_entries=262144"))
    }

    @Test("everything ok: a configured kernel, an aligned mem=, no other onliner, a finished run (exit 0, no warning)")
    func allOK() throws {
        let root = try tree()
        // Configured: the command line also sizes the boot-time hash tables for all 3.9 GiB.
        try Fixture.write(
            "console=ttyS0 mem=1G memhp_default_state=offline deferred_mem.kernelcore=50% \(Self.hashEntries)\n", to: "/proc/cmdline", in: root)
        let run = InProcess.run(["run", "--sysroot", root.path, "--simulate", "--latency-ms-per-gib", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let all = findings(root)
        #expect(all.filter { $0.severity != .ok }.map(\.code) == [])
        #expect(try only("last-run", in: all).message.contains("23"))
        #expect(try only("deferred-missing", in: all).message == "all 2.9 GiB of deferred memory is online")
        let result = InProcess.run(["doctor", "--json", "--sysroot", root.path])
        #expect(result.status == 0)
        let json = try JSONValue(parsing: result.stdout)
        #expect(json["exitCode"]?.int64Value == 0)
        #expect(json["counts"]?["fail"]?.int64Value == 0)
        #expect(json["findings"]?.arrayValue?.count == all.count)
    }

    @Test(
        "the kernel's configuration decides memory hotplug, probe, valid_zones and the default online type",
        arguments: [
            ("# CONFIG_MEMORY_HOTPLUG is not set\n", "memory-hotplug", Finding.Severity.fail),
            (
                "CONFIG_MEMORY_HOTPLUG=y\nCONFIG_MEMORY_HOTREMOVE=y\nCONFIG_ARCH_MEMORY_PROBE=y\nCONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE=y\n",
                "default-online-type", .warn
            ),
            (
                "CONFIG_MEMORY_HOTPLUG=y\nCONFIG_MEMORY_HOTREMOVE=y\nCONFIG_ARCH_MEMORY_PROBE=y\nCONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_MOVABLE=y\n",
                "default-online-type", .warn
            ),
            (
                "CONFIG_MEMORY_HOTPLUG=y\nCONFIG_MEMORY_HOTREMOVE=y\nCONFIG_ARCH_MEMORY_PROBE=y\nCONFIG_MHP_DEFAULT_ONLINE_TYPE_OFFLINE=y\n",
                "default-online-type", .ok
            ),
            ("CONFIG_MEMORY_HOTPLUG=y\nCONFIG_ARCH_MEMORY_PROBE=y\n", "hot-remove", .warn),
        ])
    func kernelConfig(config: String, code: String, verdict: Finding.Severity) throws {
        let root = try tree(config: config)
        let finding = try only(code, in: findings(root))
        #expect(finding.severity == verdict, "\(finding.message)")
        #expect(verdict == .ok || finding.remedy != nil)
    }

    @Test("no probe file while blocks need probing: fail, whether the configuration or sysfs says so")
    func noProbe() throws {
        for config in [Self.goodConfig.replacingOccurrences(of: "CONFIG_ARCH_MEMORY_PROBE=y", with: "# CONFIG_ARCH_MEMORY_PROBE is not set"), nil] {
            let root = try config.map { try tree(config: $0) } ?? Fixture.copyOfExample("x86-vm-mem-limit")
            try FileManager.default.removeItem(at: root.appendingPathComponent("sys/devices/system/memory/probe"))
            let finding = try only("probe-interface", in: findings(root))
            #expect(finding.severity == .fail)
            #expect(finding.message.hasPrefix("23 blocks need probing"))
        }
    }

    /// `gzip -c` of the text, by the system's gzip.
    func gzip(_ text: String, level: String = "-6") throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", level]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    @Test("/proc/config.gz, the running kernel's own, wins over /boot/config-<release>: read with the package's inflate")
    func compressedConfig() throws {
        let root = try tree()
        let config = Self.goodConfig.replacingOccurrences(of: "CONFIG_MEMORY_HOTREMOVE=y", with: "# CONFIG_MEMORY_HOTREMOVE is not set")
        try gzip(config).write(to: root.appendingPathComponent("proc/config.gz"))
        let all = findings(root)
        #expect(try only("kernel-config", in: all).message == "kernel \(Self.release): configuration read from /proc/config.gz")
        #expect(try only("hot-remove", in: all).severity == .warn, "the compressed configuration, not /boot's, is the one read")
    }

    /// Debian's newer kernel packages (sid's linux-binary-7.2.13+deb14-amd64, linux-base-7.2.13+deb14-amd64) ship
    /// `usr/lib/modules/<release>/vmlinuz` and `usr/lib/modules/<release>/config` and nothing in /boot: a hook of the
    /// linux-base package (/usr/share/kernel/postinst.d/00-legacy-boot) copies vmlinuz to /boot since linux-base 4.16
    /// and the config only since 4.17. Fedora's kernel-core ships /lib/modules/<release>/config as well.
    @Test("no /boot/config-<release>, but /usr/lib/modules/<release>/config as newer kernel packages ship it: read there, and capture copies it")
    func modulesDirectoryConfig() throws {
        let root = try tree()
        try FileManager.default.removeItem(at: root.appendingPathComponent("boot"))
        let config = Self.goodConfig.replacingOccurrences(of: "CONFIG_MEMORY_HOTREMOVE=y", with: "# CONFIG_MEMORY_HOTREMOVE is not set")
        let path = "/usr/lib/modules/\(Self.release)/config"
        try Fixture.write(config, to: path, in: root)
        let all = findings(root)
        #expect(try only("kernel-config", in: all).message == "kernel \(Self.release): configuration read from \(path)")
        #expect(try only("hot-remove", in: all).severity == .warn, "the configuration under /usr/lib/modules is the one read")

        let copy = try Fixture.temporaryDirectory()
        try MachineCapture(source: KernelFiles(root: .init(root.path)), destination: KernelFiles(root: .init(copy.path))).run()
        #expect(FileManager.default.fileExists(atPath: copy.appendingPathComponent(String(path.dropFirst())).path), "capture copies \(path)")
    }

    @Test("neither /proc/config.gz nor /boot/config-<release>: said, and the kernel checks fall back to sysfs")
    func noConfig() throws {
        let root = try tree()
        try FileManager.default.removeItem(at: root.appendingPathComponent("boot"))
        let all = findings(root)
        let config = try only("kernel-config", in: all)
        #expect(config.severity == .warn)
        #expect(config.message.contains("no /proc/config.gz, no /boot/config-\(Self.release)"))
        #expect(try only("memory-hotplug", in: all).message.hasPrefix("sysfs shows"))
        #expect(all.filter { $0.code == .defaultOnlineType }.isEmpty)
    }

    @Test("inflate: dynamic and fixed Huffman blocks from gzip, a stored block, and corrupt input refused")
    func inflate() throws {
        // A configuration-like text of 300 KiB: gzip -9 makes dynamic blocks of it; a short one gets a fixed block.
        let long = (0..<12_000).map { "CONFIG_OPTION_\($0 * 7919 % 100_003)=\($0 % 3 == 0 ? "y" : "m")\n" }.joined()
        for (text, level) in [(long, "-9"), (long, "-1"), ("CONFIG_MEMORY_HOTPLUG=y\n", "-6"), ("", "-6")] {
            let bytes = [UInt8](try gzip(text, level: level))
            #expect(Gzip.decompress(bytes) == Array(text.utf8), "gzip \(level) of \(text.utf8.count) bytes")
        }
        // A stored block (BTYPE 00): header, then LEN, NLEN and the bytes as they are.
        let payload = Array("stored\n".utf8)
        let stored: [UInt8] =
            [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x01, UInt8(payload.count), 0, ~UInt8(payload.count), 0xff] + payload + [0, 0, 0, 0, 7, 0, 0, 0]
        #expect(Gzip.decompress(stored) == payload)
        var corrupt = [UInt8](try gzip(long))
        corrupt.removeLast(corrupt.count / 2)
        #expect(Gzip.decompress(corrupt) == nil)
        #expect(Gzip.decompress(Array("CONFIG_X=y\n".utf8)) == nil)
        #expect(Gzip.decompress([UInt8](try gzip(long)), limit: 1000) == nil)
    }

    // MARK: the command line

    @Test("mem= inside a block: the bytes the partial block loses and the nearest aligned values")
    func unalignedMem() throws {
        let root = try tree()
        try Fixture.write("console=ttyS0 mem=1000M memhp_default_state=offline\n", to: "/proc/cmdline", in: root)
        let finding = try only("mem-limit", in: findings(root))
        #expect(finding.severity == .warn)
        #expect(finding.message.contains("ends inside memory7"))
        #expect(finding.message.contains("24.0 MiB (25165824 bytes)"))
        #expect(finding.remedy == "use mem=896M or mem=1G, whole blocks")
    }

    @Test(
        "command-line options that race or change the daemon's work are warned about",
        arguments: [
            ("mem=1G memhp_default_state=online", "memhp-default-state"),
            ("mem=1G movable_node", "movable-node"),
            ("mem=1G kernelcore=mirror", "kernelcore-mirror"),
            ("mem=1G elfcorehdr=0x1000", "crash-kernel"),
            ("mem=1G memhp_default_state=online_movable", "auto-online-blocks"),
        ])
    func commandLineWarnings(line: String, code: String) throws {
        let root = try tree()
        try Fixture.write(line + "\n", to: "/proc/cmdline", in: root)
        if line.contains("memhp_default_state=online_movable") {
            // What that option does at boot: auto_online_blocks starts as it says.
            try Fixture.write("online_movable\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        }
        let all = findings(root)
        #expect(try only(code, in: all).severity == .warn)
        #expect(DoctorReport.exitStatus(all) == .success, "warnings alone exit 0")
    }

    /// Debian built 6.1 with `# CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE is not set` (auto_online_blocks starts offline),
    /// but its 6.12.117 and 7.2.13 kernels with `CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO=y`: without
    /// memhp_default_state=offline, auto_online_blocks starts as `online`, and ACPI DIMMs present at boot come up
    /// online in ZONE_NORMAL before userspace (seen under QEMU on 6.12.117: memory32-63 `online`, `Normal`).
    @Test("no memhp_default_state= while auto_online_blocks is online (the kernel's build default): warned, with memhp_default_state=offline as the fix")
    func buildDefaultOnline() throws {
        let root = try tree()
        try Fixture.write("console=ttyS0\n", to: "/proc/cmdline", in: root)
        try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        let finding = try only("memhp-default-state", in: findings(root))
        #expect(finding.severity == .warn)
        #expect(finding.message.contains("auto_online_blocks is 'online'"))
        #expect(finding.remedy == "add memhp_default_state=offline to the kernel command line")
        // The build default is offline: nothing to say.
        try Fixture.write("offline\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        #expect(try only("memhp-default-state", in: findings(root)).severity == .ok)
    }

    // MARK: the plan

    @Test("too little free memory for the memmap of the blocks to probe: warn")
    func memmapHeadroom() throws {
        let root = try tree()
        try Fixture.write("MemTotal: 1000000 kB\nMemFree: 40000 kB\n", to: "/proc/meminfo", in: root)
        #expect(try only("memmap-headroom", in: findings(root)).severity == .warn)
    }

    @Test("all deferred memory to ZONE_MOVABLE on a 512 MiB boot: MOVABLE:KERNEL per node above 3:1, warn")
    func movableRatio() throws {
        let root = try tree()
        try Fixture.write("[Plan]\nMovableCore=100%\n", to: "/etc/deferred-memd.conf", in: root)
        try Fixture.write("mem=512M\n", to: "/proc/cmdline", in: root)
        let finding = try only("movable-ratio", in: findings(root))
        #expect(finding.severity == .warn)
        #expect(finding.message.contains("; node 0 6.8:1)"))
    }

    @Test("a kernel word the kernel reads otherwise than it is written: a warning naming what the kernel read, and how to write it")
    func commandLineWord() throws {
        let root = try tree()
        try Fixture.write("mem=1GB\n", to: "/proc/cmdline", in: root)
        let finding = try only("command-line", in: findings(root))
        #expect(finding.severity == .warn)
        #expect(finding.message == #"mem=1GB: the kernel reads 1G and ignores "B""#)
        #expect(finding.remedy?.contains("mem=2G, not mem=2GB") == true)
        #expect(try only("plan", in: findings(root)).severity == .ok)
    }

    @Test("a malformed source: the plan check fails with the file and value, and the other checks still run")
    func badInput() throws {
        let root = try tree()
        try Fixture.write("mem=1G deferred_mem.kernelcore=lots\n", to: "/proc/cmdline", in: root)
        try install(Self.redHatRules, as: "/usr/lib/udev/rules.d/40-redhat.rules", in: root)
        let all = findings(root)
        let plan = try only("plan", in: all)
        #expect(plan.severity == .fail)
        #expect(plan.message.contains("/proc/cmdline"))
        #expect(try only("udev-rule", in: all).severity == .fail)
        #expect(InProcess.run(["doctor", "--sysroot", root.path]).status == 6)
    }

    // MARK: the last run

    @Test(
        "mem= with no RAM map (arm64 under UEFI, no vendor interface): the hidden memory is missing, a fail; the run's failure points at the summary, not at errnos"
    )
    func unlocatedMemory() throws {
        let root = try Fixture.machineWithoutRAMMap()
        let missing = try only("deferred-missing", in: findings(root))
        #expect(missing.severity == .fail)
        #expect(missing.message.contains("mem= limits boot memory, but no RAM map"), "\(missing.message)")
        #expect(missing.remedy?.contains("/sys/kernel/deferred_mem_init") == true)
        #expect(InProcess.run(["run", "--simulate", "--sysroot", root.path]).status == 1)
        let all = findings(root)
        #expect(!all.contains { $0.code == .noRAMMap }, "said once, by deferred-missing")
        let last = try only("last-run", in: all)
        #expect(last.severity == .fail)
        #expect(last.message.hasPrefix("exit 1: onlined 0/0 blocks"))
        #expect(last.remedy?.contains("errno") == false, "\(last.remedy ?? "")")
    }

    @Test("a last run that left blocks failed: fail with the blocks and errnos, and the deferred memory still missing")
    func failedRun() throws {
        let root = try tree()
        let run = InProcess.run(["run", "--sysroot", root.path, "--simulate", "--latency-ms-per-gib", "0", "--fault", "online:20:EHWPOISON:forever"])
        #expect(run.status == 3, "\(run.stderr)")
        let all = findings(root)
        let last = try only("last-run", in: all)
        #expect(last.severity == .fail)
        #expect(last.message.hasPrefix("exit 3: "))
        #expect(last.message.contains("memory20 (failed at online: EHWPOISON)"))
        let missing = try only("deferred-missing", in: all)
        #expect(missing.severity == .fail)
        #expect(missing.message.hasPrefix("128.0 MiB of 2.9 GiB"))
    }

    // MARK: read only

    @Test("doctor writes nothing: the tree (rules, report, journal, sysfs) is byte-for-byte the same after it")
    func readOnly() throws {
        let root = try tree()
        try install(Self.redHatRules, as: "/usr/lib/udev/rules.d/40-redhat.rules", in: root)
        _ = InProcess.run(["run", "--sysroot", root.path, "--simulate", "--latency-ms-per-gib", "0", "--fault", "online:20:EHWPOISON:forever"])
        let before = try treeSnapshot(root)
        for arguments in [["doctor", "--sysroot", root.path], ["doctor", "--json", "--sysroot", root.path]] {
            #expect(InProcess.run(arguments).status == 6)
        }
        #expect(try treeSnapshot(root) == before)
    }
}
