import KernelFiles
import MachineSources

/// `/etc/deferred-memd.conf` plus drop-ins `/etc/deferred-memd.conf.d/*.conf`, systemd-style INI.
///
/// Drop-ins are applied in file-name order after the main file, each key overriding what came before; an
/// empty value resets a key. Unknown sections and keys are warnings (a newer file on an older daemon must not
/// stop memory coming online); bad values are errors.
package struct Configuration: Sendable, Equatable {
    package static let mainPath = "/etc/deferred-memd.conf"
    package static let dropInDirectory = "/etc/deferred-memd.conf.d"

    package var kernelCore: SizeRequest?
    package var movableCore: SizeRequest?
    /// `[Run] Workers=per-zone|serial`
    package var workers: WorkerMode?
    /// `[Run] Gate=yes|no`: serialise kernel writes in userspace (Docs/design.md, "The write gate").
    package var gate: Bool?
    /// `[Run] AutoOnline=switch|refuse`: what to do when `auto_online_blocks` is not `offline`.
    package var autoOnline: AutoOnlinePolicy?
    /// `[Run] ProbeMethod=auto-zone|two-write`: how a probed block is onlined (unset: automatic).
    package var probeMethod: ProbeMethod?
    /// `[Workers] NormalCPUs=` / `MovableCPUs=`: CPU lists for the zone workers.
    package var normalCPUs: [Int]?
    package var movableCPUs: [Int]?
    /// `[Workers] Nice=` for every worker thread.
    package var nice: Int?
    /// `[Workers] NormalPriority=` / `MovablePriority=`: a nice value or `idle`, per zone worker (over `Nice=`).
    package var normalPriority: WorkerPriority?
    package var movablePriority: WorkerPriority?
    /// `[Watch] Policy=split|auto-movable`, `Ratio=` (percent, MOVABLE:KERNEL), `PerNode=yes|no`.
    package var watchPolicy: WatchPolicy?
    package var watchRatio: UInt64?
    package var watchPerNode: Bool?
    /// `[Metrics] Directory=`: where the Prometheus text files go (node_exporter's textfile collector).
    package var metricsDirectory: MetricsDirectory?
    /// `[After]`: what is sized again once memory is online.
    package var after = AfterConfiguration()
    /// The files that were read, in order, for messages and `plan --json`.
    package var files: [String] = []
    package var warnings: [String] = []

    static let sections = ["Plan", "Run", "Workers", "Watch", "Metrics", "After"]

    package init() {}

    /// Reads the configuration from the machine (`explicitPath` nil) or from one file given with `--config`
    /// (a host path, not under the sysroot; its drop-ins are not read).
    package static func read(from files: KernelFiles, explicitPath: String?) throws(SourceError) -> Configuration {
        var configuration = Configuration()
        if let explicitPath {
            let host = KernelFiles(root: "/")
            guard host.exists(explicitPath) else {
                throw SourceError(path: explicitPath, value: "(missing)", expected: "a readable configuration file")
            }
            try configuration.apply(fileAt: explicitPath, reader: host)
            return configuration
        }
        if files.exists(mainPath) { try configuration.apply(fileAt: mainPath, reader: files) }
        if files.isDirectory(dropInDirectory) {
            let names: [String]
            do { names = try files.list(dropInDirectory) } catch { throw SourceError(error) }
            for name in names.sorted() where name.hasSuffix(".conf") {
                try configuration.apply(fileAt: dropInDirectory + "/" + name, reader: files)
            }
        }
        return configuration
    }

    mutating func apply(fileAt path: String, reader: KernelFiles) throws(SourceError) {
        let text: String
        do { text = try reader.readText(path) } catch { throw SourceError(error) }
        try apply(text: text, path: path)
        files.append(path)
    }

    package mutating func apply(text: String, path: String) throws(SourceError) {
        var section = ""
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace
            let location = "\(path):\(number + 1)"
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw SourceError(path: location, value: String(line), expected: "a section header such as [Plan]")
                }
                section = String(line.dropFirst().dropLast())
                if !Self.sections.contains(section) { warnings.append("\(location): unknown section [\(section)] ignored") }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw SourceError(path: location, value: String(line), expected: "Key=Value")
            }
            let key = line[..<equals].trimmingWhitespace
            let value = line[line.index(after: equals)...].trimmingWhitespace
            try set(section: section, key: String(key), value: value, location: location)
        }
    }

    private mutating func set(section: String, key: String, value: Substring, location: String) throws(SourceError) {
        func size() throws(SourceError) -> SizeRequest? {
            if value.isEmpty { return nil }
            switch SizeRequest.parse(value) {
            case .success(let request): return request
            case .failure(let failure): throw SourceError(path: location, value: "\(key)=\(value)", expected: failure.expected)
            }
        }
        func choice<Choice: ConfigurationChoice>(_ type: Choice.Type) throws(SourceError) -> Choice? {
            if value.isEmpty { return nil }
            guard let choice = Choice(parsing: value) else {
                throw SourceError(path: location, value: "\(key)=\(value)", expected: Choice.expected)
            }
            return choice
        }
        func yesNo() throws(SourceError) -> Bool? {
            if value.isEmpty { return nil }
            guard value == "yes" || value == "no" else {
                throw SourceError(path: location, value: "\(key)=\(value)", expected: "yes or no")
            }
            return value == "yes"
        }
        func priority() throws(SourceError) -> WorkerPriority? {
            if value.isEmpty { return nil }
            guard let priority = WorkerPriority(parsing: value) else {
                throw SourceError(path: location, value: "\(key)=\(value)", expected: WorkerPriority.expected)
            }
            return priority
        }
        switch (section, key) {
        case ("Plan", "KernelCore"): kernelCore = try size()
        case ("Plan", "MovableCore"): movableCore = try size()
        case ("Run", "Workers"): workers = try choice(WorkerMode.self)
        case ("Run", "Gate"): gate = try yesNo()
        case ("Run", "AutoOnline"): autoOnline = try choice(AutoOnlinePolicy.self)
        case ("Run", "ProbeMethod"): probeMethod = try choice(ProbeMethod.self)
        case ("Workers", "NormalCPUs"): normalCPUs = value.isEmpty ? nil : try cpuList(value, key: key, location: location)
        case ("Workers", "MovableCPUs"): movableCPUs = value.isEmpty ? nil : try cpuList(value, key: key, location: location)
        case ("Workers", "Nice"):
            if value.isEmpty {
                nice = nil
                return
            }
            guard let number = Int(value), (-20...19).contains(number) else {
                throw SourceError(path: location, value: "\(key)=\(value)", expected: "a nice value from -20 to 19")
            }
            nice = number
        case ("Watch", "Policy"): watchPolicy = try choice(WatchPolicy.self)
        case ("Watch", "PerNode"): watchPerNode = try yesNo()
        case ("Watch", "Ratio"):
            if value.isEmpty {
                watchRatio = nil
                return
            }
            guard let number = UInt64(value), number > 0, number <= 100_000 else {
                throw SourceError(path: location, value: "\(key)=\(value)", expected: "a MOVABLE:KERNEL ratio in percent, such as 301")
            }
            watchRatio = number
        case ("Metrics", "Directory"):
            if value.isEmpty {
                metricsDirectory = nil
                return
            }
            guard let directory = MetricsDirectory(parsing: value) else {
                throw SourceError(path: location, value: "\(key)=\(value)", expected: MetricsDirectory.expected)
            }
            metricsDirectory = directory
        case ("After", "ThreadsMax"): after.threadsMax = try yesNo() ?? AfterConfiguration().threadsMax
        case ("After", "InitLimits"): after.initLimits = try yesNo() ?? AfterConfiguration().initLimits
        case ("After", "Tmpfs"): after.tmpfs = try yesNo() ?? AfterConfiguration().tmpfs
        case ("After", "TmpfsMounts"):
            guard let list = TmpfsResize.parseList(value) else {
                throw SourceError(path: location, value: "\(key)=\(value)", expected: TmpfsResize.expected)
            }
            after.tmpfsMounts = value.isEmpty ? TmpfsResize.defaults : list
        case ("Workers", "NormalPriority"): normalPriority = try priority()
        case ("Workers", "MovablePriority"): movablePriority = try priority()
        case (let section, _) where !Self.sections.contains(section):
            return  // the section itself was warned about
        default:
            warnings.append("\(location): unknown key \(key) in [\(section)] ignored")
        }
    }

    private func cpuList(_ value: Substring, key: String, location: String) throws(SourceError) -> [Int] {
        guard let cpus = CPUList.parse(value) else {
            throw SourceError(path: location, value: "\(key)=\(value)", expected: CPUList.expected)
        }
        return cpus
    }
}
