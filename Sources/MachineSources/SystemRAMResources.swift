import KernelFiles
import MemoryModel

/// The top-level `System RAM` entries of `/proc/iomem`: the memory the kernel really manages, to the byte.
///
/// A block can be present yet hold less RAM than its size: `mem=` ending inside it, or arm64 re-adding the
/// kernel image or initrd above the limit (only their pages are present). What the map has there and the kernel
/// does not is lost until reboot: probe refuses a block that exists (EEXIST).
package struct SystemRAMResources: Sendable, Equatable {
    package static let path = "/proc/iomem"

    package var ram: RangeSet

    package init(ram: RangeSet) {
        self.ram = ram
    }

    package static func read(from files: KernelFiles) throws(SourceError) -> SystemRAMResources? {
        guard files.exists(path) else { return nil }
        let text: String
        do { text = try files.readText(path) } catch { throw SourceError(error) }
        return try parse(text)
    }

    /// `40000000-bfffffff : System RAM` (hex, end inclusive); nested (indented) lines are parts of their parent.
    package static func parse(_ text: String) throws(SourceError) -> SystemRAMResources {
        var ranges: [AddressRange] = []
        for (number, line) in KernelText.lines(text).enumerated() where !line.hasPrefix(" ") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            guard line[line.index(after: colon)...].trimmingWhitespace == "System RAM" else { continue }
            let bounds = line[..<colon].trimmingWhitespace.split(separator: "-")
            guard bounds.count == 2, let start = UInt64(bounds[0], radix: 16), let last = UInt64(bounds[1], radix: 16), last >= start, last < .max else {
                throw SourceError(path: "\(path):\(number + 1)", value: String(line), expected: "START-END : System RAM in hex, END inclusive")
            }
            ranges.append(AddressRange(start: start, end: last + 1))
        }
        // Read without CAP_SYS_ADMIN, every address is 0: that says nothing about RAM.
        if ranges.allSatisfy({ $0.start == 0 && $0.end == 1 }) { return SystemRAMResources(ram: RangeSet()) }
        return SystemRAMResources(ram: RangeSet(ranges))
    }
}
