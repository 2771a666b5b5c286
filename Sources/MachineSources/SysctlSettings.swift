import KernelFiles

/// The sysctl keys an administrator sets at boot: systemd-sysctl's files (sysctl.d(5)), one file per name from the
/// first directory that has it (`/etc` first; a link to `/dev/null` masks), and the older `/etc/sysctl.conf`.
/// The daemon leaves a key set there alone: the administrator chose its value.
package struct SysctlSettings: Sendable, Equatable {
    package static let directories = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"]
    package static let legacyFile = "/etc/sysctl.conf"

    /// Key (dots, as `kernel.threads-max`) → the file that sets it.
    package private(set) var keys: [String: String] = [:]

    package init(keys: [String: String] = [:]) {
        self.keys = keys
    }

    /// Unreadable files are skipped: they cannot set anything at boot either.
    package static func read(from files: KernelFiles) -> SysctlSettings {
        var chosen: [String: String] = [:]
        for directory in directories where files.isDirectory(directory) {
            for name in ((try? files.list(directory)) ?? []) where name.hasSuffix(".conf") && chosen[name] == nil {
                chosen[name] = directory + "/" + name
            }
        }
        var settings = SysctlSettings()
        var paths = chosen.keys.sorted().compactMap { chosen[$0] }
        if files.exists(legacyFile) { paths.append(legacyFile) }
        for path in paths {
            guard let text = try? files.readText(path) else { continue }
            settings.add(text: text, path: path)
        }
        return settings
    }

    package mutating func add(text: String, path: String) {
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingWhitespace
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), let equals = line.firstIndex(of: "=") else { continue }
            var key = line[..<equals].trimmingWhitespace
            if key.hasPrefix("-") { key = key.dropFirst() }
            keys[Self.normalised(key)] = path
        }
    }

    /// `kernel/threads-max` and `kernel.threads-max` are one key.
    package static func normalised(_ key: Substring) -> String {
        String(key.map { $0 == "/" ? "." : $0 })
    }
}
