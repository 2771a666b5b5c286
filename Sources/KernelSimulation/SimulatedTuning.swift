import Execution
import KernelFiles
import MachineSources
import Planning

/// The resizing writes against a fake tree (`run --simulate`), as the kernel takes them: `threads-max` is written
/// as given; prlimit rewrites PID 1's line in `/proc/1/limits`; a tmpfs reconfigured with `size=N%` shows in
/// `/proc/self/mountinfo` the bytes that percentage is of `MemTotal` now (`shmem_parse_one`).
package struct SimulatedTuning: SystemTuning {
    let files: KernelFiles
    let pageSize: UInt64
    let live: LiveTuning

    package init(files: KernelFiles, pageSize: UInt64) {
        self.files = files
        self.pageSize = pageSize
        self.live = LiveTuning(files: files)
    }

    package func initLimit(_ limit: InitLimit) throws(TuningError) -> ResourceLimit {
        try live.initLimit(limit)
    }

    package func apply(_ change: SizingChange) throws(TuningError) {
        do {
            switch change {
            case .threadsMax(let value):
                // The model's file, replaced as the rest of the simulation's are: never a write to a live sysctl.
                try files.replaceFileAtomically(LiveTuning.threadsMaxPath, text: "\(value)\n", durable: false)
            case .initLimit(let limit, let value):
                try rewriteLines(LiveTuning.initLimitsPath) { line in
                    guard line.hasPrefix(limit.label + " ") else { return line }
                    let fields = line.dropFirst(limit.label.count).split(separator: " ")
                    // The kernel's "%-25s %-20s %-20s %-10s".
                    func column(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(1, width - text.count)) }
                    return column(limit.label, 26) + column("\(value)", 21) + column("\(value)", 21) + (fields.last.map(String.init) ?? "")
                }
            case .tmpfsPercent(let mountPoint, let percent):
                let meminfo = try Meminfo.read(from: files)
                guard let total = meminfo?.memTotal else { throw TuningError("\(Meminfo.path): no MemTotal", errno: .noSuchFileOrDirectory) }
                let kib = BootSizing.tmpfsKiB(percent: percent, totalBytes: total, pageSize: pageSize)
                // The kernel shows no size= when the size is the default of the moment, half the memory.
                let isDefault = kib == TmpfsMount(mountPoint: mountPoint, size: .kernelDefault).kibibytes(memTotal: total, pageSize: pageSize)
                try rewriteLines(TmpfsMount.mountInfoPath) { line in
                    var fields = line.split(separator: " ").map(String.init)
                    guard fields.count > 4, fields[4] == mountPoint, line.contains(" - tmpfs "), let last = fields.indices.last else { return line }
                    let options = fields[last].split(separator: ",").map(String.init).filter { !$0.hasPrefix("size=") }
                    fields[last] = ([options.first ?? "rw"] + (isDefault ? [] : ["size=\(kib)k"]) + options.dropFirst()).joined(separator: ",")
                    return fields.joined(separator: " ")
                }
            }
        } catch let error as TuningError {
            throw error
        } catch let error as KernelFileError {
            throw TuningError(error)
        } catch {
            throw TuningError("\(error)", errno: .invalidArgument)
        }
    }

    private func rewriteLines(_ path: String, _ transform: (String) -> String) throws(KernelFileError) {
        let text = try files.readText(path)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { transform(String($0)) }
        try files.replaceFileAtomically(path, text: lines.joined(separator: "\n"), durable: false)
    }
}
