import KernelFiles

/// The few `/proc/meminfo` figures the plan needs, in bytes.
package struct Meminfo: Sendable, Equatable {
    package static let path = "/proc/meminfo"
    /// Free memory at start: the memmap of every probed block comes out of it.
    package var memFree: UInt64
    /// `MemTotal:`, the managed pages of every zone in kB (`BasePageSize` sets it against `/proc/zoneinfo`'s).
    package var memTotal: UInt64?
    /// `Hugepagesize:`, the default huge page; only where the kernel has hugetlbfs.
    package var hugePageSize: UInt64?

    package init(memFree: UInt64, memTotal: UInt64? = nil, hugePageSize: UInt64? = nil) {
        self.memFree = memFree
        self.memTotal = memTotal
        self.hugePageSize = hugePageSize
    }

    package static func read(from files: KernelFiles) throws(SourceError) -> Meminfo? {
        guard files.exists(path) else { return nil }
        let text: String
        do { text = try files.readText(path) } catch { throw SourceError(error) }
        return try parse(text)
    }

    /// `MemFree:  123456 kB` and the other lines named above; the rest are ignored (a figure too large for bytes only matters where used).
    package static func parse(_ text: String) throws(SourceError) -> Meminfo {
        let fields = KilobyteFields(text)
        func bytes(_ name: String) throws(SourceError) -> UInt64? {
            guard let field = fields[name] else { return nil }
            let (bytes, overflow) = field.kib.multipliedReportingOverflow(by: 1024)
            guard !overflow else { throw SourceError(path: path, value: String(field.line), expected: "\(name): in kB, less than 16 EiB") }
            return bytes
        }
        guard let free = try bytes("MemFree") else {
            throw SourceError(path: path, value: String(text.prefix(40)), expected: "a MemFree: line in kB")
        }
        return Meminfo(memFree: free, memTotal: try bytes("MemTotal"), hugePageSize: try bytes("Hugepagesize"))
    }
}
