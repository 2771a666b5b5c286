import MemoryModel

/// One piece of x86's `memmap=` (comma-separated), as arch/x86/kernel/e820.c `parse_memmap_one` applies it.
///
/// Each edits the e820 map the kernel boots with; `/sys/firmware/memmap` is copied from the firmware's map
/// before (`e820__memory_setup`), so it never shows them. Without them the daemon would probe RAM the user had
/// taken away: a `memmap=4G!12G` persistent-memory range, or bad RAM hidden with `memmap=64M$0x…`.
package enum MemmapOption: Sendable, Equatable {
    /// `memmap=nn`: removes the RAM above `nn`, as `mem=nn` does.
    case limit(UInt64)
    /// `nn$ss` (reserved), `nn!ss` (persistent memory), `nn#ss` (ACPI data), `nn%ss[-from][+to]` (a type change
    /// or removal): the range is no longer RAM for the kernel. The word is kept to name the carve-out.
    case carveOut(AddressRange, word: String)
    /// `nn@ss`: RAM the user adds to the map (it only matters with `exactmap`).
    case ram(AddressRange)
    /// `exactmap`: the kernel empties the firmware's map; only the `@` ranges are RAM.
    case exactMap

    package static let expected =
        "memmap=exactmap or memmap=nn[KMG][@$!#%]ss[KMG] (several separated by commas), such as memmap=4G!12G or memmap=64M$0x100000000"

    /// Every piece of one `memmap=` value; nil when a piece is not one the kernel applies cleanly.
    package static func parse(_ value: Substring) -> [MemmapOption]? {
        var options: [MemmapOption] = []
        for piece in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard let option = parsePiece(piece) else { return nil }
            options.append(option)
        }
        return options
    }

    private static func parsePiece(_ piece: Substring) -> MemmapOption? {
        // The kernel compares only the first 8 characters (strncmp), but anything after exactmap is a typo.
        if piece == "exactmap" { return .exactMap }
        guard let marker = piece.firstIndex(where: { "@$!#%".contains($0) }) else {
            // memmap=0 would remove all RAM: the kernel could not have booted with it.
            guard let size = Memparse.parse(piece), size > 0 else { return nil }
            return .limit(size)
        }
        guard let size = Memparse.parse(piece[..<marker]) else { return nil }
        var rest = piece[piece.index(after: marker)...]
        if piece[marker] == "%" {
            // nn%ss-from+to: the start ends at the first type; the types (e820 type numbers) only need to be numbers.
            let types = rest.firstIndex { $0 == "-" || $0 == "+" } ?? rest.endIndex
            for type in rest[types...].split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "+" }).dropFirst() {
                guard Memparse.parseNumber(type, base: .kernel) != nil else { return nil }
            }
            rest = rest[..<types]
        }
        guard let start = Memparse.parse(rest), let range = AddressRange(start: start, size: size) else { return nil }
        return piece[marker] == "@" ? .ram(range) : .carveOut(range, word: "memmap=" + piece)
    }
}
