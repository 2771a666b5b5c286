/// One tmpfs mount to size again once memory is online: its mount point, and the percentage of memory its size was
/// (nil: whichever whole percentage its size is of the memory before the run).
package struct TmpfsResize: Sendable, Equatable, CustomStringConvertible {
    package static let expected = "mount points, each optionally with its percentage of memory, such as /dev/shm /run:20%"
    /// systemd's own tmpfs mounts made before the daemon runs: /dev/shm and /run (PID 1's mount table) and /tmp
    /// (tmp.mount). /run/user/N is mounted at login, after the run, with all memory counted already.
    package static let defaults = [TmpfsResize(mountPoint: "/dev/shm"), TmpfsResize(mountPoint: "/run"), TmpfsResize(mountPoint: "/tmp")]

    package let mountPoint: String
    package let percent: UInt64?

    package init(mountPoint: String, percent: UInt64? = nil) {
        self.mountPoint = mountPoint
        self.percent = percent
    }

    /// `PATH` or `PATH:NN%`, separated by spaces; nil when an entry is not an absolute path or a percentage from 1 to 100.
    package static func parseList(_ text: Substring) -> [TmpfsResize]? {
        var list: [TmpfsResize] = []
        for entry in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            var path = entry, percent: UInt64?
            if let colon = entry.lastIndex(of: ":") {
                let value = entry[entry.index(after: colon)...]
                guard value.hasSuffix("%"), let number = UInt64(value.dropLast()), (1...100).contains(number) else { return nil }
                path = entry[..<colon]
                percent = number
            }
            guard path.hasPrefix("/") else { return nil }
            list.append(TmpfsResize(mountPoint: String(path), percent: percent))
        }
        return list
    }

    package var description: String { percent.map { "\(mountPoint):\($0)%" } ?? mountPoint }
}
