/// `[After]`: what the daemon sizes again once it has brought memory online, where Linux sized it once, at boot,
/// from the boot memory (issue #29; deferred-memd(8), "After the memory"). Each is on unless switched off.
package struct AfterConfiguration: Sendable, Equatable {
    /// `ThreadsMax=yes|no`: `kernel.threads-max` to the kernel's formula for the new total.
    package var threadsMax = true
    /// `InitLimits=yes|no`: PID 1's `RLIMIT_NPROC` and `RLIMIT_SIGPENDING` the same way.
    package var initLimits = true
    /// `Tmpfs=yes|no` and `TmpfsMounts=`: the tmpfs mounts sized as a percentage of memory, sized again.
    package var tmpfs = true
    package var tmpfsMounts = TmpfsResize.defaults

    package init() {}

    /// True when nothing is to be done.
    package var isOff: Bool { !threadsMax && !initLimits && (!tmpfs || tmpfsMounts.isEmpty) }
}
