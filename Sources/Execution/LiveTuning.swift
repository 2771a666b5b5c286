import CLibrary
import KernelFiles
import LinuxShims
import MachineSources
import Planning
import SystemPackage

/// The running machine: `threads-max` through its file under the root, PID 1's limits through prlimit(2) and tmpfs
/// sizes through fspick/fsconfig. The last two act on this machine whatever the root, so they run only when the
/// root is `/`; under a sysroot they read `/proc/1/limits` and refuse to write.
package struct LiveTuning: SystemTuning {
    package static let threadsMaxPath = "/proc/sys/kernel/threads-max"
    package static let initLimitsPath = "/proc/1/limits"

    let files: KernelFiles

    package init(files: KernelFiles) {
        self.files = files
    }

    var isOwnMachine: Bool { files.root.string == "/" }

    package func initLimit(_ limit: InitLimit) throws(TuningError) -> ResourceLimit {
        guard isOwnMachine else {
            let text: String
            do { text = try files.readText(Self.initLimitsPath) } catch { throw TuningError(error) }
            do { return try ResourceLimit.parse(text, label: limit.label, path: Self.initLimitsPath) } catch {
                throw TuningError("\(error)", errno: .invalidArgument)
            }
        }
        var old: [UInt64] = [0, 0]
        guard shim_prlimit(1, limit == .processes ? 0 : 1, nil, &old) == 0 else {
            throw TuningError("prlimit(1, \(limit.rawValue))", errno: Errno(rawValue: CLibrary.errno))
        }
        return ResourceLimit(soft: old[0], hard: old[1])
    }

    package func apply(_ change: SizingChange) throws(TuningError) {
        switch change {
        case .threadsMax(let value):
            do { try files.writeAttribute("\(value)\n", to: Self.threadsMaxPath) } catch { throw TuningError(error) }
        case .initLimit(let limit, let value):
            let operation = "prlimit(1, \(limit.rawValue), \(value))"
            guard isOwnMachine else { throw TuningError("\(operation): PID 1 is this machine's, not the sysroot's", errno: .notPermitted) }
            let wanted: [UInt64] = [value, value]
            guard shim_prlimit(1, limit == .processes ? 0 : 1, wanted, nil) == 0 else { throw TuningError(operation, errno: Errno(rawValue: CLibrary.errno)) }
        case .tmpfsPercent(let mountPoint, let percent):
            let operation = "fsconfig(\(mountPoint), size=\(percent)%)"
            guard isOwnMachine else { throw TuningError("\(operation): the mount is this machine's, not the sysroot's", errno: .notPermitted) }
            guard shim_reconfigure_size(mountPoint, "\(percent)%") == 0 else { throw TuningError(operation, errno: Errno(rawValue: CLibrary.errno)) }
        }
    }
}
