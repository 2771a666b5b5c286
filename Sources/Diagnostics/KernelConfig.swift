import KernelFiles
import MachineSources

/// The running kernel's build configuration, where the machine keeps a readable copy: `/proc/config.gz`
/// (CONFIG_IKCONFIG_PROC; the running kernel's own, gzip, read with `Gzip`), else `/boot/config-<release>`, which
/// Debian (up to trixie), Ubuntu and Fedora install with the kernel, else `/usr/lib/modules/<release>/config` (or
/// `/lib/modules/…` where /lib is not merged into /usr): where Debian's newer kernel packages ship it (sid's
/// linux-base-<release>, with vmlinuz beside it; /boot gets a copy only from a hook of linux-base ≥ 4.17), as
/// Fedora's kernel-core does besides /boot.
package struct KernelConfig: Sendable, Equatable {
    package static let compressedPath = "/proc/config.gz"
    /// `uname -r` of the running kernel.
    package static let releasePath = KernelRelease.path

    package static func bootPath(release: String) -> String { "/boot/config-" + release }
    package static func modulesPath(release: String) -> String { "/usr/lib/modules/\(release)/config" }
    /// The files that may hold the configuration of kernel `release`, in the order they are tried.
    package static func paths(release: String) -> [String] {
        [bootPath(release: release), modulesPath(release: release), "/lib/modules/\(release)/config"]
    }

    /// Where it was read.
    package var path: String
    /// `CONFIG_X` → `y`, `m`, a number or a string (quotes kept). Options `# CONFIG_X is not set` are absent.
    package var options: [String: String]

    package init(path: String, options: [String: String]) {
        self.path = path
        self.options = options
    }

    package func isEnabled(_ name: String) -> Bool { options[name] == "y" || options[name] == "m" }

    /// `CONFIG_X=value` lines; comments and anything else are skipped (a config file is generated, not edited).
    package static func parse(_ text: String, path: String) -> KernelConfig {
        var options: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("CONFIG_") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            options[String(parts[0])] = String(parts[1])
        }
        return KernelConfig(path: path, options: options)
    }

    /// The release of the running kernel, or nil when the tree does not say.
    package static func release(from files: KernelFiles) -> String? {
        guard let release = try? files.readValue(releasePath), !release.isEmpty, !release.contains("/") else { return nil }
        return release
    }

    /// `/proc/config.gz`, else the first of `paths(release:)` that exists; nil when none is there. A
    /// `/proc/config.gz` that does not decompress is bad input (it is the kernel's own file).
    package static func read(from files: KernelFiles) throws(SourceError) -> KernelConfig? {
        if files.exists(compressedPath) {
            let bytes: [UInt8]
            do { bytes = try files.readBytes(compressedPath) } catch { throw SourceError(error) }
            guard let text = Gzip.decompress(bytes) else {
                throw SourceError(path: compressedPath, value: "\(bytes.count) bytes", expected: "a gzip file of at most 16 MiB")
            }
            return parse(String(decoding: text, as: UTF8.self), path: compressedPath)
        }
        guard let release = release(from: files) else { return nil }
        guard let path = paths(release: release).first(where: files.exists) else { return nil }
        do { return parse(try files.readText(path), path: path) } catch { throw SourceError(error) }
    }
}
