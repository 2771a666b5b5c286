import MemoryModel

/// One piece of x86's `memmap=` (comma-separated), as arch/x86/kernel/e820.c `parse_memmap_one` applies it.
///
/// Each edits the e820 map the kernel boots with; `/sys/firmware/memmap` is copied from the firmware's map
/// before (`e820__memory_setup`), so it never shows them. Without them the daemon would probe RAM the user had
/// taken away: a `memmap=4G!12G` persistent-memory range, or bad RAM hidden with `memmap=64M$0x…`.
package enum MemmapOption: Sendable, Equatable {
    /// `memmap=nn`: removes the RAM above `nn`, as `mem=nn` does.
    case limit(UInt64)
    /// `nn$ss` (reserved), `nn!ss` (persistent memory), `nn#ss` (ACPI data), and the `nn%ss[-from][+to]` that
    /// take RAM away (`-1+T`, `+T`, `-1`, or neither type): the range is no longer RAM for the kernel. The word is
    /// kept to name the carve-out.
    case carveOut(AddressRange, word: String)
    /// `nn@ss` or `nn%ss+1`: RAM the user adds to the map (it only matters with `exactmap`).
    case ram(AddressRange)
    /// A `nn%ss-from+to` that leaves RAM alone (neither type is RAM) or turns another type into RAM: nothing the
    /// firmware map calls RAM stops being RAM, so nothing to skip.
    case otherTypes
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
        var typeChange: (from: UInt64?, to: UInt64?) = (nil, nil)
        if piece[marker] == "%" {
            // nn%ss[-from][+to]: the start ends at the first type; the types are e820 type numbers, in that order.
            let types = rest.firstIndex { $0 == "-" || $0 == "+" } ?? rest.endIndex
            guard let change = Self.typeChange(rest[types...]) else { return nil }
            typeChange = change
            rest = rest[..<types]
        }
        guard let start = Memparse.parse(rest), let range = AddressRange(start: start, size: size) else { return nil }
        let carveOut = MemmapOption.carveOut(range, word: "memmap=" + piece)
        switch (piece[marker], typeChange.from, typeChange.to) {
        case ("@", _, _): return .ram(range)
        case ("%", let from?, let to?): return from == Self.ramType && to != Self.ramType ? carveOut : .otherTypes
        case ("%", nil, let to?): return to == Self.ramType ? .ram(range) : carveOut
        case ("%", let from?, nil): return from == Self.ramType ? carveOut : .otherTypes
        default: return carveOut
        }
    }

    /// E820_TYPE_RAM.
    private static let ramType: UInt64 = 1

    /// `-from+to`, `-from`, `+to` or nothing, as `parse_memmap_one` reads them (type 0 means "not given").
    private static func typeChange(_ text: Substring) -> (from: UInt64?, to: UInt64?)? {
        var text = text
        var change: (from: UInt64?, to: UInt64?) = (nil, nil)
        if text.first == "-" {
            let end = text.firstIndex(of: "+") ?? text.endIndex
            guard let from = Memparse.parseNumber(text[text.index(after: text.startIndex)..<end], base: .kernel) else { return nil }
            change.from = from == 0 ? nil : from
            text = text[end...]
        }
        if text.first == "+" {
            guard let to = Memparse.parseNumber(text.dropFirst(), base: .kernel) else { return nil }
            change.to = to == 0 ? nil : to
            text = text[text.endIndex...]
        }
        return text.isEmpty ? change : nil
    }
}
