import KernelFiles
import MemoryModel

/// x86's `/sys/firmware/memmap`: the e820 map as the firmware gave it, before `mem=` trimmed it.
///
/// The kernel appends an entry for every block hot-added later, so the daemon reads it once, at start.
package struct FirmwareMemmap: Sendable, Equatable {
    package static let directory = "/sys/firmware/memmap"

    package struct Entry: Sendable, Equatable {
        package var range: AddressRange
        package var type: String
        package var isRAM: Bool { type == "System RAM" }

        package init(range: AddressRange, type: String) {
            self.range = range
            self.type = type
        }
    }

    package var entries: [Entry]

    package init(entries: [Entry]) { self.entries = entries }

    package var ram: RangeSet { RangeSet(entries.filter(\.isRAM).map(\.range)) }

    package static func read(from files: KernelFiles) throws(SourceError) -> FirmwareMemmap? {
        guard files.isDirectory(directory) else { return nil }
        let names: [String]
        do { names = try files.list(directory) } catch { throw SourceError(error) }
        let indices = names.compactMap { Int($0) }.sorted()
        var entries: [Entry] = []
        for index in indices {
            let base = "\(directory)/\(index)"
            let start = try address(files, base + "/start")
            let end = try address(files, base + "/end")
            guard end >= start, end < UInt64.max else {
                throw SourceError(path: base + "/end", value: Hex.prefixed(end), expected: "an inclusive end at or above start \(Hex.prefixed(start))")
            }
            let type: String
            do { type = try files.readValue(base + "/type") } catch { throw SourceError(error) }
            entries.append(Entry(range: AddressRange(start: start, end: end + 1), type: type))
        }
        return FirmwareMemmap(entries: entries)
    }

    private static func address(_ files: KernelFiles, _ path: String) throws(SourceError) -> UInt64 {
        let text: String
        do { text = try files.readValue(path) } catch { throw SourceError(error) }
        guard text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
            throw SourceError(path: path, value: text.debugDescriptionTrimmed, expected: "a 0x-prefixed hex address")
        }
        return value
    }
}
