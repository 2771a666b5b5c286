import MachineSources

/// A write that sizes a value for the memory now online, as the kernel takes it.
package enum SizingChange: Sendable, Equatable, CustomStringConvertible {
    /// To `/proc/sys/kernel/threads-max`.
    case threadsMax(UInt64)
    /// prlimit(2) on PID 1, soft and hard.
    case initLimit(InitLimit, UInt64)
    /// A tmpfs superblock reconfigured with `size=PERCENT%`: the kernel computes the bytes from the memory of now.
    case tmpfsPercent(String, UInt64)

    /// The command a person would type for it: what the dry run prints.
    package var command: String {
        switch self {
        case .threadsMax(let value): "echo \(value) > /proc/sys/kernel/threads-max"
        case .initLimit(let limit, let value): "prlimit --pid 1 \(limit.prlimitOption)=\(value):\(value)"
        case .tmpfsPercent(let mountPoint, let percent): "mount -o remount,size=\(percent)% \(mountPoint)"
        }
    }

    package var description: String { command }
}
