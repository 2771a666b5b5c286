/// A tmpfs mount as `/proc/self/mountinfo` shows it: where, and its size limit (`size=Nk` in the superblock's
/// options; the kernel fixed it in bytes when it was mounted, a percentage of the memory of that moment).
package struct TmpfsMount: Sendable, Equatable {
    package static let mountInfoPath = "/proc/self/mountinfo"

    package enum Size: Sendable, Equatable {
        case kibibytes(UInt64)
        /// `size=0k`: no limit.
        case unlimited
        /// No `size=`: `shmem_show_options` leaves it out when it equals the default for the memory of the moment
        /// of reading, half of `totalram_pages` (so a default-sized mount shows none before memory is added, and
        /// its old half after).
        case kernelDefault
    }

    package let mountPoint: String
    package let size: Size

    package init(mountPoint: String, size: Size) {
        self.mountPoint = mountPoint
        self.size = size
    }

    /// The limit in KiB, given `MemTotal` at the moment the mountinfo was read; nil when there is none.
    package func kibibytes(memTotal: UInt64, pageSize: UInt64) -> UInt64? {
        switch size {
        case .kibibytes(let kib): kib
        case .unlimited: nil
        case .kernelDefault: memTotal / pageSize / 2 * (pageSize / 1024)
        }
    }

    /// Every tmpfs in a mountinfo text, the one on top where several share a mount point (the one a path reaches).
    /// Lines: `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS`; the mount point
    /// escapes space, tab, newline and backslash in octal (`\040`).
    package static func parse(_ text: String) throws(SourceError) -> [TmpfsMount] {
        var mounts: [TmpfsMount] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 7, let separator = fields.firstIndex(of: "-"), separator >= 6, separator + 3 < fields.count else {
                throw SourceError(
                    path: mountInfoPath, value: String(line.prefix(120)),
                    expected: "mountinfo fields: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - TYPE SOURCE OPTIONS")
            }
            guard fields[separator + 1] == "tmpfs" else { continue }
            let point = unescape(fields[4])
            var size = Size.kernelDefault
            for option in fields[separator + 3].split(separator: ",") where option.hasPrefix("size=") {
                let value = option.dropFirst(5)
                guard value.hasSuffix("k"), let kib = UInt64(value.dropLast()) else {
                    throw SourceError(path: mountInfoPath, value: String(option), expected: "tmpfs size=Nk (kibibytes), as the kernel shows it")
                }
                size = kib == 0 ? .unlimited : .kibibytes(kib)
            }
            mounts.removeAll { $0.mountPoint == point }
            mounts.append(TmpfsMount(mountPoint: point, size: size))
        }
        return mounts
    }

    private static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.first {
            if byte == UInt8(ascii: "\\"), rest.count >= 4, let value = UInt8(String(decoding: rest.dropFirst().prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                rest = rest.dropFirst(4)
            } else {
                bytes.append(byte)
                rest = rest.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
