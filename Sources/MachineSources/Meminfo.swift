import KernelFiles

/// The few `/proc/meminfo` figures the plan needs, in bytes.
public struct Meminfo: Sendable, Equatable {
    public static let path = "/proc/meminfo"
    public var memTotal: UInt64
    public var memFree: UInt64

    public init(memTotal: UInt64, memFree: UInt64) {
        self.memTotal = memTotal
        self.memFree = memFree
    }

    public static func read(from files: KernelFiles) throws(SourceError) -> Meminfo? {
        guard files.exists(path) else { return nil }
        let text: String
        do { text = try files.readText(path) } catch { throw SourceError(error) }
        var fields: [Substring: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == ":" })
            guard parts.count >= 2, let kib = UInt64(parts[1]) else { continue }
            fields[parts[0]] = kib * 1024
        }
        guard let total = fields["MemTotal"], let free = fields["MemFree"] else {
            throw SourceError(path: path, value: String(text.prefix(40)), expected: "MemTotal: and MemFree: lines in kB")
        }
        return Meminfo(memTotal: total, memFree: free)
    }
}
