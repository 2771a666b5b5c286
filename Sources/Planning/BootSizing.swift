import MachineSources
import Settings

/// The rules that size again what Linux sized once from the boot memory: each value's kernel formula, applied to
/// the memory online after the run, where the value is still the kernel's own (kernel/fork.c, mm/shmem.c).
package enum BootSizing {
    /// `MAX_THREADS` (`FUTEX_TID_MASK`) and `MIN_THREADS`.
    static let maximumThreads: UInt64 = 0x3fff_ffff
    static let minimumThreads: UInt64 = 20

    /// `set_max_threads`: thread structures may take an eighth of memory.
    package static func threadsMax(totalBytes: UInt64, threadSize: UInt64) -> UInt64 {
        min(max(totalBytes / (threadSize * 8), minimumThreads), maximumThreads)
    }

    /// The kernel's `THREAD_SIZE`, which no file states, from its boot value of threads-max: the power of two
    /// (8 KiB to 64 KiB) that `MemTotal / (8 × threads-max)` is at or just above. Memory freed after `fork_init`
    /// (the initrd, init sections) leaves it a little above; nil when it is not within half of one, as when
    /// threads-max is not the kernel's.
    package static func threadSize(memTotal: UInt64, threadsMax: UInt64) -> UInt64? {
        guard threadsMax > minimumThreads else { return nil }
        let perThread = memTotal / (8 * threadsMax)
        for size in [65536, 32768, 16384, 8192] as [UInt64] where perThread >= size {
            return perThread < size + size / 2 ? size : nil
        }
        return nil
    }

    /// A tmpfs `size=PERCENT%` in KiB, as `shmem_parse_one` computes it from `totalram_pages`.
    package static func tmpfsKiB(percent: UInt64, totalBytes: UInt64, pageSize: UInt64) -> UInt64 {
        let pages = totalBytes / pageSize
        let product = (percent * pageSize).multipliedFullWidth(by: pages)
        let bytes = UInt64(100).dividingFullWidth(product).quotient  // (percent << PAGE_SHIFT) * totalram_pages / 100
        return (bytes / pageSize + (bytes % pageSize == 0 ? 0 : 1)) * (pageSize / 1024)
    }

    /// Every step for the inputs: a change, or the reason a value is left alone.
    package static func steps(_ inputs: SizingInputs) -> [SizingStep] {
        var steps: [SizingStep] = []
        let configuration = inputs.configuration
        guard inputs.memTotalAfter > inputs.memTotalBefore else { return [] }
        // The boot value of threads-max and PID 1's limits come from one computation (fork_init: the limits are
        // max_threads / 2), so each is the kernel's own while they still agree.
        let limits = inputs.initLimits
        let bootLimit = limits[.processes].flatMap { $0.soft == $0.hard && limits[.pendingSignals] == $0 ? $0.soft : nil }
        let bootThreads = inputs.threadsMax
        // PID 1's limits keep fork_init's value when threads-max has been changed since: THREAD_SIZE from them first.
        // Then from the memory of now: a run after one that sized them finds them sized for it already.
        var threadSize: UInt64?
        for total in [inputs.memTotalBefore, inputs.memTotalAfter] where threadSize == nil {
            threadSize =
                bootLimit.flatMap { Self.threadSize(memTotal: total, threadsMax: $0 * 2) }
                ?? bootThreads.flatMap { Self.threadSize(memTotal: total, threadsMax: $0) }
        }
        let newThreads = threadSize.map { Self.threadsMax(totalBytes: inputs.memTotalAfter, threadSize: $0) }
        let formula = threadSize.map { "MemTotal / (8 × THREAD_SIZE \($0 / 1024) KiB), as fork_init computes it" } ?? ""

        if configuration.threadsMax, let current = bootThreads {
            let setting = SizedSetting.threadsMax
            if let file = inputs.sysctl.keys["kernel.threads-max"] {
                steps.append(SizingStep(setting: setting, before: "\(current)", reason: "set by the administrator in \(file)"))
            } else if let limit = bootLimit, current / 2 != limit {
                steps.append(
                    SizingStep(
                        setting: setting, before: "\(current)",
                        reason: "not the kernel's boot value (PID 1's RLIMIT_NPROC is \(limit), which fork_init sets to threads-max / 2)"))
            } else if let newThreads, let threadSize {
                if newThreads > current {
                    steps.append(SizingStep(setting: setting, before: "\(current)", after: "\(newThreads)", change: .threadsMax(newThreads), reason: formula))
                } else {
                    steps.append(
                        SizingStep(setting: setting, before: "\(current)", reason: "already at least \(newThreads) (THREAD_SIZE \(threadSize / 1024) KiB)"))
                }
            } else {
                steps.append(
                    SizingStep(setting: setting, before: "\(current)", reason: "not the kernel's formula for MemTotal \(inputs.memTotalBefore >> 10) kB"))
            }
        }

        if configuration.initLimits {
            for limit in InitLimit.allCases {
                guard let current = limits[limit] else { continue }
                let setting = SizedSetting.initLimit(limit)
                if bootLimit == nil {
                    steps.append(
                        SizingStep(
                            setting: setting, before: "\(current)",
                            reason: "not the kernel's boot value (fork_init sets RLIMIT_NPROC and RLIMIT_SIGPENDING alike, soft = hard)"))
                } else if let newThreads, newThreads / 2 > current.soft {
                    steps.append(
                        SizingStep(
                            setting: setting, before: "\(current)", after: "\(newThreads / 2)", change: .initLimit(limit, newThreads / 2),
                            reason: "threads-max / 2, as fork_init sets it"))
                } else if newThreads != nil {
                    steps.append(SizingStep(setting: setting, before: "\(current)", reason: "already at least threads-max / 2"))
                } else {
                    steps.append(
                        SizingStep(setting: setting, before: "\(current)", reason: "not the kernel's formula for MemTotal \(inputs.memTotalBefore >> 10) kB"))
                }
            }
        }

        if configuration.tmpfs {
            for wanted in configuration.tmpfsMounts {
                guard let mount = inputs.mounts.first(where: { $0.mountPoint == wanted.mountPoint }) else { continue }
                steps.append(tmpfsStep(mount, wanted: wanted, inputs))
            }
        }
        return steps
    }

    /// A size within two pages of a whole percentage of the memory before the run was that percentage (`size=N%`,
    /// or the default, half: the two round apart by a page); the kernel kept only the bytes. `totalram_pages` does
    /// not move between systemd's mounts and the run, so a size set in bytes is caught unless it lands on one of
    /// the hundred values within two pages: systemd's /newroot of 1200M on 1.9 GiB is 63.02 %, not 63 %.
    static func tmpfsStep(_ mount: TmpfsMount, wanted: TmpfsResize, _ inputs: SizingInputs) -> SizingStep {
        let setting = SizedSetting.tmpfs(mount.mountPoint)
        // A size the kernel does not show is half the memory of the moment the mounts were read.
        guard let size = mount.kibibytes(memTotal: inputs.memTotalRead, pageSize: inputs.pageSize) else {
            return SizingStep(setting: setting, before: "unlimited", reason: "no size limit")
        }
        let before = "size=\(size)k"
        let tolerance = 2 * inputs.pageSize / 1024
        let percents = wanted.percent.map { [$0] } ?? Array(1...100)
        guard
            let percent = percents.first(where: {
                let expected = tmpfsKiB(percent: $0, totalBytes: inputs.memTotalBefore, pageSize: inputs.pageSize)
                return expected.distance(to: size).magnitude <= tolerance
            })
        else {
            // Sized for the memory of now already (by an earlier run of this boot, or mounted after it).
            if let percent = percents.first(where: {
                tmpfsKiB(percent: $0, totalBytes: inputs.memTotalAfter, pageSize: inputs.pageSize).distance(to: size).magnitude <= tolerance
            }) {
                return SizingStep(setting: setting, before: before, reason: "already \(percent) % of the memory online")
            }
            let what = wanted.percent.map { "\($0) %" } ?? "a whole percentage"
            return SizingStep(
                setting: setting, before: before,
                reason: "not \(what) of the memory before the run (MemTotal \(inputs.memTotalBefore >> 10) kB): a size set in bytes")
        }
        let after = tmpfsKiB(percent: percent, totalBytes: inputs.memTotalAfter, pageSize: inputs.pageSize)
        guard after > size else { return SizingStep(setting: setting, before: before, reason: "already \(percent) % of memory") }
        return SizingStep(
            setting: setting, before: before, after: "size=\(after)k", change: .tmpfsPercent(mount.mountPoint, percent),
            reason: "size=\(percent)% of MemTotal \(inputs.memTotalAfter >> 10) kB")
    }
}
