/// The `Name:   1234 kB` lines of the /proc files that count in kB (`meminfo`, a process's `status`): a name's
/// number, with its line for error messages. `meminfo` pads with spaces, `status` with a tab and spaces; lines
/// without a number after the name (`Name:\tdeferred-memd`) have none.
///
/// A lookup scans the lines' bytes for the one name asked: the daemon wants one to three of meminfo's fifty
/// figures, once, and building a dictionary of them all was most of the engine's code run before its first write
/// (first-time code is what costs under emulation: Docs/performance.md).
package struct KilobyteFields {
    private let text: String

    package init(_ text: String) {
        self.text = text
    }

    /// `name`'s number in kB and its line; nil when no line has the name, or its value is not a whole number.
    package subscript(name: String) -> (kib: UInt64, line: Substring)? {
        var rest = text[...]
        while !rest.isEmpty {
            let end = rest.utf8.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let line = rest[..<end]
            if let kib = Self.number(of: name, in: line) { return (kib, line) }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
        }
        return nil
    }

    private static func number(of name: String, in line: Substring) -> UInt64? {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var bytes = line.utf8[...]
        guard bytes.starts(with: name.utf8) else { return nil }
        bytes = bytes.dropFirst(name.utf8.count)
        guard bytes.first == UInt8(ascii: ":") else { return nil }
        bytes = bytes.dropFirst().drop(while: isBlank)
        let digits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        // The number is a whole field: `12x kB` is no number.
        guard !digits.isEmpty, bytes.dropFirst(digits.count).first.map(isBlank) ?? true else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }
}
