import KernelFiles

/// The running kernel's version, from `uname -r` (`/proc/sys/kernel/osrelease`): `6.12.117+deb13-arm64`,
/// `6.1.75-android14-11-g…`. Only major and minor are kept: what changed kernel behaviour the daemon predicts.
package struct KernelRelease: Sendable, Equatable, Comparable {
    package var major: Int
    package var minor: Int

    package init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `X.Y` at the start of `text`; nil when it does not start so (never bad input: the kernel writes it).
    package init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1].prefix { $0.isASCII && $0.isNumber }) else { return nil }
        self.init(major: major, minor: minor)
    }

    /// The running kernel's release (`uname -r`).
    package static let path = "/proc/sys/kernel/osrelease"

    /// nil when the file is absent (older captures) or unreadable.
    package static func read(from files: KernelFiles) -> KernelRelease? {
        guard let text = try? files.readValue(path) else { return nil }
        return KernelRelease(parsing: text)
    }

    package static func < (lhs: KernelRelease, rhs: KernelRelease) -> Bool { (lhs.major, lhs.minor) < (rhs.major, rhs.minor) }
}
