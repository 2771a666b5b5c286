import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import Planning
import Reporting
import Settings
import SystemPackage
import Testing
import TinyJSON

/// Linux sizes threads-max, PID 1's limits and tmpfs sizes once, from the memory it has at boot (kernel/fork.c
/// `fork_init`, mm/shmem.c `shmem_parse_one`), and never again when memory is added. After a run that brought
/// memory online the daemon sizes them again by the kernel's own formulas, where they are still the kernel's.
@Suite("After the memory: what Linux sized from the boot memory is sized again for all of it", .fixtures)
struct BootSizingTests {
    /// The phone example before its run: 1868 MiB online, the kernel's boot values for it (THREAD_SIZE 16 KiB:
    /// 1912832 kB / 128 KiB = 14944, less what the initrd held at fork_init), systemd's tmpfs mounts.
    static let before: UInt64 = 1_912_832 * 1024
    static let after = before + (10 << 30)
    static let bootLimits: [InitLimit: ResourceLimit] = [
        .processes: ResourceLimit(soft: 7350, hard: 7350), .pendingSignals: ResourceLimit(soft: 7350, hard: 7350),
    ]
    static let mounts = [
        // Read after the run: the default size of boot time, half of its 478208 pages, no longer the default of now.
        TmpfsMount(mountPoint: "/dev/shm", size: .kibibytes(956_416)),
        TmpfsMount(mountPoint: "/run", size: .kibibytes(382_568)),  // size=20%
        TmpfsMount(mountPoint: "/tmp", size: .kibibytes(65536)),  // size=64m, set in bytes
    ]

    static func inputs(threadsMax: UInt64? = 14700, limits: [InitLimit: ResourceLimit] = bootLimits, sysctl: SysctlSettings = SysctlSettings()) -> SizingInputs
    {
        SizingInputs(memTotalBefore: before, memTotalAfter: after, threadsMax: threadsMax, initLimits: limits, mounts: mounts, sysctl: sysctl)
    }

    static func step(_ steps: [SizingStep], _ setting: SizedSetting) throws -> SizingStep {
        try #require(steps.first { $0.setting == setting }, "no step for \(setting) in \(steps)")
    }

    @Test("threads-max becomes MemTotal / (8 × THREAD_SIZE) of the memory now online, PID 1's limits half of it")
    func raisesToTheKernelFormula() throws {
        let steps = BootSizing.steps(Self.inputs())
        // 12398592 kB / 128 KiB = 96864; fork_init's RLIMIT_NPROC = RLIMIT_SIGPENDING = max_threads / 2.
        #expect(try Self.step(steps, .threadsMax).change == .threadsMax(96864))
        #expect(try Self.step(steps, .initLimit(.processes)).change == .initLimit(.processes, 48432))
        #expect(try Self.step(steps, .initLimit(.pendingSignals)).change == .initLimit(.pendingSignals, 48432))
        #expect(try Self.step(steps, .initLimit(.processes)).after == "48432")
    }

    @Test("THREAD_SIZE is read from the boot value: 16 KiB (x86-64, arm64 4K pages), 64 KiB (arm64 64K pages)")
    func threadSizeFromTheBootValue() {
        #expect(BootSizing.threadSize(memTotal: Self.before, threadsMax: 14700) == 16384)
        #expect(BootSizing.threadSize(memTotal: Self.before, threadsMax: 14944) == 16384)
        #expect(BootSizing.threadSize(memTotal: Self.before, threadsMax: 3700) == 65536)
        // Far from any power of two: not the kernel's formula.
        #expect(BootSizing.threadSize(memTotal: Self.before, threadsMax: 8000) == nil)
    }

    @Test("an administrator's threads-max is left: a sysctl.d entry, or a value fork_init did not give with PID 1's limits")
    func administratorsThreadsMax() throws {
        var sysctl = SysctlSettings()
        sysctl.add(text: "# local\nkernel.threads-max = 20000\n", path: "/etc/sysctl.d/90-local.conf")
        let set = try Self.step(BootSizing.steps(Self.inputs(sysctl: sysctl)), .threadsMax)
        #expect(set.change == nil)
        #expect(set.reason.contains("/etc/sysctl.d/90-local.conf"))
        // Lowered at run time: threads-max is no longer twice PID 1's RLIMIT_NPROC.
        let lowered = BootSizing.steps(Self.inputs(threadsMax: 5000))
        #expect(try Self.step(lowered, .threadsMax).change == nil)
        // PID 1's limits are still the kernel's, and are raised on their own.
        #expect(try Self.step(lowered, .initLimit(.processes)).change == .initLimit(.processes, 48432))
    }

    @Test("PID 1's limits set by someone (soft ≠ hard, or NPROC ≠ SIGPENDING) are left, and so is threads-max")
    func administratorsLimits() throws {
        let limits: [InitLimit: ResourceLimit] = [.processes: ResourceLimit(soft: 4096, hard: 7350), .pendingSignals: ResourceLimit(soft: 7350, hard: 7350)]
        let steps = BootSizing.steps(Self.inputs(limits: limits))
        #expect(try Self.step(steps, .initLimit(.processes)).change == nil)
        #expect(try Self.step(steps, .initLimit(.pendingSignals)).change == nil)
        // threads-max itself still follows from its own boot value.
        #expect(try Self.step(steps, .threadsMax).change == .threadsMax(96864))
    }

    @Test("a tmpfs sized as a percentage (or the default half) is remounted with it; one sized in bytes is left")
    func tmpfsPercentages() throws {
        let steps = BootSizing.steps(Self.inputs())
        let shm = try Self.step(steps, .tmpfs("/dev/shm"))
        #expect(shm.change == .tmpfsPercent("/dev/shm", 50))
        #expect(shm.after == "size=6199296k")  // ceil(3099648 pages / 2) × 4 KiB
        let run = try Self.step(steps, .tmpfs("/run"))
        #expect(run.change == .tmpfsPercent("/run", 20))
        #expect(run.after == "size=2479720k")
        let tmp = try Self.step(steps, .tmpfs("/tmp"))
        #expect(tmp.change == nil)
        #expect(tmp.reason.contains("set in bytes"))
        // No size= shown after the run: the mount has the default of now, half of all the memory; nothing to do.
        var sized = Self.inputs()
        sized.mounts = [TmpfsMount(mountPoint: "/dev/shm", size: .kernelDefault)]
        let already = try Self.step(BootSizing.steps(sized), .tmpfs("/dev/shm"))
        #expect(already.change == nil)
        #expect(already.reason.contains("already 50 %"))
        // A dry run reads the mounts before anything comes online: no size= is then half of the boot memory.
        sized.memTotalRead = Self.before
        #expect(try Self.step(BootSizing.steps(sized), .tmpfs("/dev/shm")).change == .tmpfsPercent("/dev/shm", 50))
        #expect(BootSizing.tmpfsKiB(percent: 20, totalBytes: Self.before, pageSize: 4096) == 382_568)
    }

    @Test("a size in bytes 75 pages from a whole percentage is not that percentage (systemd's 1200M root, 63.02 % of 1.9 GiB)")
    func bytesNearAPercentage() throws {
        // Seen in the systemd guest: the root tmpfs, which the unit's PrivateTmp= /tmp lives on, mounted with size=1200M.
        var inputs = Self.inputs()
        inputs.memTotalBefore = 1_950_000 * 1024
        inputs.mounts = [TmpfsMount(mountPoint: "/tmp", size: .kibibytes(1_228_800))]
        #expect(BootSizing.tmpfsKiB(percent: 63, totalBytes: inputs.memTotalBefore, pageSize: 4096) == 1_228_500)
        #expect(try Self.step(BootSizing.steps(inputs), .tmpfs("/tmp")).change == nil)
        // One page off (size=63% against the default's rounding) is still the percentage.
        inputs.mounts = [TmpfsMount(mountPoint: "/tmp", size: .kibibytes(1_228_504))]
        #expect(try Self.step(BootSizing.steps(inputs), .tmpfs("/tmp")).change == .tmpfsPercent("/tmp", 63))
    }

    @Test("a configured percentage must be the mount's: /run:10% does not take a 20 % /run")
    func configuredPercentage() throws {
        var inputs = Self.inputs()
        inputs.configuration.tmpfsMounts = [TmpfsResize(mountPoint: "/run", percent: 10)]
        let steps = BootSizing.steps(inputs)
        #expect(steps.count == 4)  // threads-max, two limits, /run
        #expect(try Self.step(steps, .tmpfs("/run")).change == nil)
    }

    @Test("each action switches off on its own; nothing happens when no memory came online")
    func switches() {
        var inputs = Self.inputs()
        inputs.configuration.threadsMax = false
        inputs.configuration.tmpfs = false
        #expect(BootSizing.steps(inputs).map(\.setting) == [.initLimit(.processes), .initLimit(.pendingSignals)])
        inputs.configuration.initLimits = false
        #expect(BootSizing.steps(inputs).isEmpty)
        var same = Self.inputs()
        same.memTotalAfter = same.memTotalBefore
        #expect(BootSizing.steps(same).isEmpty)
    }

    @Test("alloc_large_system_hash as the real arm64 6.1 logged it: Inode-cache 65536 entries at mem=1G, 262144 at mem=2560M")
    func hashTableSizes() throws {
        // Tests/QEMU/arm64/facts-6.1.192.txt: "Inode-cache hash table entries: 65536 (order: 7, …)" and 262144.
        let inode = try #require(HashTable.all.first { $0.parameter == "ihash_entries" })
        #expect(inode.entries(ramBytes: 1 << 30, pageSize: 4096) == 65536)
        #expect(inode.entries(ramBytes: 2560 << 20, pageSize: 4096) == 262_144)
        // The limits: UDP never below 256 nor above 65536 buckets, TCP established at most 512 Ki.
        let udp = try #require(HashTable.all.first { $0.parameter == "uhash_entries" })
        #expect(udp.entries(ramBytes: 256 << 20, pageSize: 4096) == 256)
        #expect(udp.entries(ramBytes: 1 << 40, pageSize: 4096) == 65536)
        let tcp = try #require(HashTable.all.first { $0.parameter == "thash_entries" })
        #expect(tcp.entries(ramBytes: 1 << 40, pageSize: 4096) == 512 * 1024)
        // Past 64 GiB the dentry table grows by half as fast (ADAPT_SCALE): 8 Mi entries at 128 GiB, not 16 Mi.
        let dentry = try #require(HashTable.all.first { $0.parameter == "dhash_entries" })
        #expect(dentry.entries(ramBytes: 16 << 30, pageSize: 4096) == 2 << 20)
        #expect(dentry.entries(ramBytes: 128 << 30, pageSize: 4096) == 8 << 20)
    }

    @Test("mountinfo: tmpfs only, octal escapes, the top mount of a stack, size=0 as no limit, none as the default half")
    func mountInfo() throws {
        let text = """
            22 1 0:21 / /dev/shm rw,nosuid,nodev shared:2 - tmpfs tmpfs rw,inode64
            23 1 0:22 / /run rw,nosuid,nodev shared:3 - tmpfs tmpfs rw,size=100k,mode=755
            24 23 0:23 / /run rw shared:4 - tmpfs tmpfs rw,size=382568k
            25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            26 1 0:24 / /mnt/a\\040b rw - tmpfs none rw,size=0k
            """
        let mounts = try TmpfsMount.parse(text)
        #expect(
            mounts == [
                TmpfsMount(mountPoint: "/dev/shm", size: .kernelDefault), TmpfsMount(mountPoint: "/run", size: .kibibytes(382_568)),
                TmpfsMount(mountPoint: "/mnt/a b", size: .unlimited),
            ])
        // A default size is half the memory of the moment of reading: 478208 pages → 239104 pages.
        #expect(mounts[0].kibibytes(memTotal: Self.before, pageSize: 4096) == 956_416)
        #expect(throws: SourceError.self) { try TmpfsMount.parse("22 1 0:21 / /dev/shm rw - tmpfs tmpfs rw,size=lots\n") }
        #expect(throws: SourceError.self) { try TmpfsMount.parse("garbage\n") }
    }

    @Test("/proc/PID/limits: soft and hard, unlimited as the largest value")
    func limitsFile() throws {
        let text = """
            Limit                     Soft Limit           Hard Limit           Units
            Max cpu time              unlimited            unlimited            seconds
            Max processes             7350                 7350                 processes
            Max pending signals       7350                 unlimited            signals
            """
        #expect(try ResourceLimit.parse(text, label: "Max processes", path: "/proc/1/limits") == ResourceLimit(soft: 7350, hard: 7350))
        #expect(try ResourceLimit.parse(text, label: "Max pending signals", path: "/proc/1/limits") == ResourceLimit(soft: 7350, hard: .max))
        #expect(throws: SourceError.self) { try ResourceLimit.parse("Max processes  many  7350\n", label: "Max processes", path: "/proc/1/limits") }
    }

    @Test("sysctl.d: one file per name from the first directory (/etc masks /usr/lib), keys with / or ., a leading -")
    func sysctlDirectories() throws {
        let root = try Fixture.temporaryDirectory()
        try Fixture.write("kernel.threads-max = 9000\n", to: "/usr/lib/sysctl.d/50-threads.conf", in: root)
        try Fixture.write("# masked by the administrator\n", to: "/etc/sysctl.d/50-threads.conf", in: root)
        try Fixture.write("-kernel/pid_max = 65536\n", to: "/run/sysctl.d/10-pid.conf", in: root)
        let settings = SysctlSettings.read(from: KernelFiles(root: FilePath(root.path)))
        #expect(settings.keys == ["kernel.pid_max": "/run/sysctl.d/10-pid.conf"])
    }

    @Test("[After]: switches and mount lists parse; a bad value names the file, the line and what was expected")
    func configuration() throws {
        var configuration = Configuration()
        try configuration.apply(text: "[After]\nThreadsMax=no\nTmpfsMounts=/dev/shm:50% /run\n", path: "/etc/deferred-memd.conf")
        #expect(configuration.after.threadsMax == false)
        #expect(configuration.after.initLimits)
        #expect(configuration.after.tmpfsMounts == [TmpfsResize(mountPoint: "/dev/shm", percent: 50), TmpfsResize(mountPoint: "/run")])
        #expect(configuration.warnings.isEmpty)
        var bad = Configuration()
        #expect {
            try bad.apply(text: "[After]\nTmpfsMounts=/run:120%\n", path: "/etc/deferred-memd.conf")
        } throws: { error in
            "\(error)".contains("/etc/deferred-memd.conf:2") && "\(error)".contains("TmpfsMounts=/run:120%") && "\(error)".contains("such as /dev/shm")
        }
    }

    /// The phone example with the files the resizing reads, as a 6.1 kernel and systemd show them.
    static func phone() throws -> URL {
        let root = try Fixture.copyOfExample("phone-12g")
        try Fixture.write("14700\n", to: "/proc/sys/kernel/threads-max", in: root)
        let limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max processes             7350                 7350                 processes
            Max pending signals       7350                 7350                 signals

            """
        try Fixture.write(limits, to: "/proc/1/limits", in: root)
        // As read after the run: /dev/shm's default of boot time, which no longer is the default, shows.
        let mountinfo = """
            22 1 0:21 / /dev/shm rw,nosuid,nodev shared:2 - tmpfs tmpfs rw,size=956416k,inode64
            23 1 0:22 / /run rw,nosuid,nodev shared:3 - tmpfs tmpfs rw,size=382568k,mode=755
            24 1 0:23 / /tmp rw,nosuid,nodev shared:4 - tmpfs tmpfs rw,size=65536k

            """
        try Fixture.write(mountinfo, to: "/proc/self/mountinfo", in: root)
        return root
    }

    static func read(_ path: String, in root: URL) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("a simulated run sizes each value for the memory it brought online, reads it back, and reports old and new")
    func simulatedRun() throws {
        let root = try Self.phone()
        var job = DryRunTests.job(root, simulate: true)
        job.json = true
        #expect(job.run(context: DryRunTests.quietContext()) == .success)
        let total = try #require(try Meminfo.parse(Self.read("proc/meminfo", in: root)).memTotal)
        #expect(total > Self.before + (8 << 30), "the run brought the deferred memory online")
        let threads = total / (8 * 16384)
        #expect(try Self.read("proc/sys/kernel/threads-max", in: root) == "\(threads)\n")
        let limits = try Self.read("proc/1/limits", in: root)
        #expect(try ResourceLimit.parse(limits, label: "Max processes", path: "") == ResourceLimit(soft: threads / 2, hard: threads / 2))
        #expect(try ResourceLimit.parse(limits, label: "Max pending signals", path: "") == ResourceLimit(soft: threads / 2, hard: threads / 2))
        let mounts = try TmpfsMount.parse(Self.read("proc/self/mountinfo", in: root))
        let pages = total / 4096
        let shm = try #require(mounts.first { $0.mountPoint == "/dev/shm" })
        #expect(shm.kibibytes(memTotal: total, pageSize: 4096) == (pages + 1) / 2 * 4)
        #expect(mounts.first { $0.mountPoint == "/tmp" }?.size == .kibibytes(65536))
        // The report (/run/deferred-memd/report.json): each value with its old and new, and the one left alone.
        let report = try JSONValue(parsing: Self.read("run/deferred-memd/report.json", in: root))
        let after = try #require(report["after"]?.arrayValue)
        #expect(after.filter { $0["status"]?.stringValue == "changed" }.count == 5)
        let tmp = try #require(after.first { $0["setting"]?.stringValue == "tmpfs /tmp" })
        #expect(tmp["status"]?.stringValue == "left")
        let nproc = try #require(after.first { $0["setting"]?.stringValue == "PID 1 RLIMIT_NPROC" })
        #expect(nproc["before"]?.stringValue == "7350")
        #expect(nproc["after"]?.stringValue == "\(threads / 2)")
        #expect(report["summary"]?.stringValue?.contains("kernel.threads-max: 14700 → \(threads)") == true)
    }

    @Test("a run resumed after one that onlined everything but sized nothing (killed in between) sizes from the journal's start")
    func resumedRunSizes() throws {
        let root = try Self.phone()
        // The first run: every block online, nothing sized (as if killed right after its last block).
        try Fixture.write("[After]\nThreadsMax=no\nInitLimits=no\nTmpfs=no\n", to: "/etc/deferred-memd.conf", in: root)
        #expect(DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext()) == .success)
        #expect(try Self.read("proc/sys/kernel/threads-max", in: root) == "14700\n")
        // The re-run onlines nothing: the journal says what the boot began with, and the values are sized from it.
        try FileManager.default.removeItem(at: root.appendingPathComponent("etc/deferred-memd.conf"))
        #expect(DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext()) == .success)
        let total = try #require(try Meminfo.parse(Self.read("proc/meminfo", in: root)).memTotal)
        #expect(try Self.read("proc/sys/kernel/threads-max", in: root) == "\(total / (8 * 16384))\n")
        let report = try JSONValue(parsing: Self.read("run/deferred-memd/report.json", in: root))
        #expect(report["after"]?.arrayValue?.filter { $0["status"]?.stringValue == "changed" }.count == 5)
        // A third run: everything is sized already, and says so.
        #expect(DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext()) == .success)
        let third = try JSONValue(parsing: Self.read("run/deferred-memd/report.json", in: root))
        let statuses = third["after"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
        #expect(statuses == ["left", "left", "left", "left", "left", "left"])
        let reasons = third["after"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
        #expect(reasons.prefix(3).allSatisfy { $0.hasPrefix("already") }, "\(reasons)")
        #expect(third["after"]?.arrayValue?.first { $0["setting"]?.stringValue == "tmpfs /dev/shm" }?["reason"]?.stringValue?.contains("already 50 %") == true)
    }

    @Test("the dry run lists the resizing writes as commands and changes nothing")
    func dryRun() throws {
        let root = try Self.phone()
        let before = DryRunTests.snapshot(root)
        let dry = try DryRunTests.job(root, simulate: false, dryRun: true).dry(context: DryRunTests.quietContext())
        #expect(DryRunTests.snapshot(root) == before)
        #expect(dry.text.contains("\necho 96"))
        #expect(dry.text.contains("> /proc/sys/kernel/threads-max\n"))
        #expect(dry.text.contains("prlimit --pid 1 --nproc="))
        #expect(dry.text.contains("\nmount -o remount,size=50% /dev/shm\n"))
        #expect(dry.text.contains("# tmpfs /tmp: size=65536k, left: "))
    }

    @Test("under a sysroot, the live writes that would reach this machine (prlimit on PID 1, a remount) refuse")
    func liveTuningUnderASysroot() throws {
        let root = try Self.phone()
        let tuning = LiveTuning(files: KernelFiles(root: FilePath(root.path)))
        #expect(try tuning.initLimit(.processes) == ResourceLimit(soft: 7350, hard: 7350))
        #expect(throws: TuningError.self) { try tuning.apply(.initLimit(.processes, 1)) }
        #expect(throws: TuningError.self) { try tuning.apply(.tmpfsPercent("/dev/shm", 50)) }
        #expect(try Self.read("proc/1/limits", in: root).contains("7350"))
    }
}
