import KernelFiles

/// The few `/proc/meminfo` figures the plan needs, in bytes.
package struct Meminfo: Sendable, Equatable {
    package static let path = "/proc/meminfo"
    /// Free memory at start: the memmap of every probed block comes out of it.
    package var memFree: UInt64
    /// The base page size, from `Hugepagesize:` (a PMD maps page²/8 bytes: 2 MiB ↔ 4 KiB, 32 MiB ↔ 16 KiB,
    /// 512 MiB ↔ 64 KiB); 4 KiB when the kernel has no huge pages.
    package var pageSize: UInt64

    package init(memFree: UInt64, pageSize: UInt64 = 4096) {
        self.memFree = memFree
        self.pageSize = pageSize
    }

    package static func read(from files: KernelFiles) throws(SourceError) -> Meminfo? {
        guard files.exists(path) else { return nil }
        let text: String
        do { text = try files.readText(path) } catch { throw SourceError(error) }
        return try parse(text)
    }

    /// `MemFree:  123456 kB` lines; the others are ignored (a figure too large for bytes only matters where used).
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
        var pageSize: UInt64 = 4096
        if let huge = try bytes("Hugepagesize"), huge > 0 {
            for shift: UInt64 in [12, 14, 16] where (UInt64(1) << shift) * (UInt64(1) << shift) / 8 == huge { pageSize = 1 << shift }
        }
        return Meminfo(memFree: free, pageSize: pageSize)
    }
}
