import KernelFiles
import Logging
import MachineSources
import Planning
import Settings

/// After a run that brought memory online: reads each value Linux sized from the boot memory, applies
/// `BootSizing`'s changes through a tuning (each write on its own: one failing stops none of the others), reads
/// the new values back, and logs each change with its old and new value.
package struct Resizing: Sendable {
    let files: KernelFiles
    let tuning: any SystemTuning
    let configuration: AfterConfiguration
    let logger: Logger
    /// Plan only: nothing is written or read back.
    let dryRun: Bool

    package init(files: KernelFiles, tuning: any SystemTuning, configuration: AfterConfiguration, logger: Logger, dryRun: Bool) {
        self.files = files
        self.tuning = tuning
        self.configuration = configuration
        self.logger = logger
        self.dryRun = dryRun
    }

    /// The inputs as the machine shows them now. What cannot be read is left out (its rule then has nothing to
    /// size), with a warning.
    package func inputs(memTotalBefore: UInt64, memTotalAfter: UInt64, memTotalNow: UInt64, pageSize: UInt64) -> SizingInputs {
        let threadsMax = configuration.threadsMax || configuration.initLimits ? readThreadsMax() : nil
        var limits: [InitLimit: ResourceLimit] = [:]
        if configuration.initLimits || configuration.threadsMax {
            for limit in InitLimit.allCases {
                do { limits[limit] = try tuning.initLimit(limit) } catch {
                    // A tree without the file (a capture, a fake root) has nothing to size: not worth a warning.
                    logger.log(
                        level: error.errno == .noSuchFileOrDirectory ? .debug : .warning, "cannot read PID 1's limit",
                        metadata: ["limit": "\(limit.rawValue)", "error": "\(error)"])
                }
            }
        }
        return SizingInputs(
            memTotalBefore: memTotalBefore, memTotalAfter: memTotalAfter, memTotalRead: memTotalNow, pageSize: pageSize, threadsMax: threadsMax,
            initLimits: limits,
            mounts: configuration.tmpfs ? readMounts() : [], sysctl: SysctlSettings.read(from: files), configuration: configuration)
    }

    func readThreadsMax() -> UInt64? {
        do { return UInt64(try files.readValue(LiveTuning.threadsMaxPath)) } catch {
            logger.log(level: error.errno == .noSuchFileOrDirectory ? .debug : .warning, "cannot read threads-max", metadata: ["error": "\(error)"])
            return nil
        }
    }

    func readMounts() -> [TmpfsMount] {
        guard files.exists(TmpfsMount.mountInfoPath) else { return [] }
        do { return try TmpfsMount.parse(try files.readText(TmpfsMount.mountInfoPath)) } catch {
            logger.warning("cannot read the tmpfs mounts", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// `memTotalNow`: the memory as the files read now show it (after the run; for a dry run, before it).
    package func run(memTotalBefore: UInt64, memTotalAfter: UInt64, memTotalNow: UInt64, pageSize: UInt64) -> [SizingOutcome] {
        guard !configuration.isOff else { return [] }
        let inputs = inputs(memTotalBefore: memTotalBefore, memTotalAfter: memTotalAfter, memTotalNow: memTotalNow, pageSize: pageSize)
        return BootSizing.steps(inputs).map { step in
            guard let change = step.change else {
                logger.info("left as booted", metadata: ["setting": "\(step.setting)", "value": "\(step.before)", "reason": "\(step.reason)"])
                return SizingOutcome(step: step, status: .left)
            }
            if dryRun { return SizingOutcome(step: step, status: .planned) }
            do { try tuning.apply(change) } catch {
                logger.error("cannot size for the memory online", metadata: ["setting": "\(step.setting)", "error": "\(error)"])
                return SizingOutcome(step: step, status: .failed, detail: "\(error)")
            }
            let now = readBack(step.setting, memTotalAfter: memTotalAfter, pageSize: pageSize)
            guard now == step.after else {
                logger.error(
                    "sized, but the kernel shows another value",
                    metadata: ["setting": "\(step.setting)", "wrote": "\(step.after ?? "")", "reads": "\(now ?? "?")"])
                return SizingOutcome(step: step, status: .failed, detail: "reads \(now ?? "nothing") after the write")
            }
            logger.notice("sized for the memory online", metadata: ["setting": "\(step.setting)", "old": "\(step.before)", "new": "\(now ?? "")"])
            return SizingOutcome(step: step, status: .changed, detail: now)
        }
    }

    /// The value as the kernel shows it now, in the form of `SizingStep.after`.
    func readBack(_ setting: SizedSetting, memTotalAfter: UInt64, pageSize: UInt64) -> String? {
        switch setting {
        case .threadsMax: readThreadsMax().map { "\($0)" }
        case .initLimit(let limit): (try? tuning.initLimit(limit)).map { "\($0)" }
        case .tmpfs(let mountPoint):
            readMounts().first { $0.mountPoint == mountPoint }.map { mount in
                mount.kibibytes(memTotal: memTotalAfter, pageSize: pageSize).map { "size=\($0)k" } ?? "unlimited"
            }
        }
    }
}
