import MachineSources
import Settings

/// What the resizing rules read: the memory before and after the run, and each boot-sized value as it is now.
package struct SizingInputs: Sendable, Equatable {
    /// `MemTotal` (totalram_pages) in bytes, when the run began and when it ended.
    package var memTotalBefore: UInt64
    package var memTotalAfter: UInt64
    /// `MemTotal` when the mounts were read, which a size mountinfo does not show is half of: after the run, or
    /// for a dry run (which onlines nothing) the memory of now.
    package var memTotalRead: UInt64
    package var pageSize: UInt64
    /// `/proc/sys/kernel/threads-max`.
    package var threadsMax: UInt64?
    /// PID 1's limits (prlimit, or `/proc/1/limits` under a sysroot).
    package var initLimits: [InitLimit: ResourceLimit]
    package var mounts: [TmpfsMount]
    package var sysctl: SysctlSettings
    package var configuration: AfterConfiguration

    package init(
        memTotalBefore: UInt64, memTotalAfter: UInt64, memTotalRead: UInt64? = nil, pageSize: UInt64 = 4096, threadsMax: UInt64?,
        initLimits: [InitLimit: ResourceLimit],
        mounts: [TmpfsMount],
        sysctl: SysctlSettings = SysctlSettings(), configuration: AfterConfiguration = AfterConfiguration()
    ) {
        self.memTotalBefore = memTotalBefore
        self.memTotalAfter = memTotalAfter
        self.memTotalRead = memTotalRead ?? memTotalAfter
        self.pageSize = pageSize
        self.threadsMax = threadsMax
        self.initLimits = initLimits
        self.mounts = mounts
        self.sysctl = sysctl
        self.configuration = configuration
    }
}
