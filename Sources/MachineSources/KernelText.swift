/// Splitting the kernel's text files on bytes. `String.split` on a `Character` forms every grapheme cluster: in a
/// profile that was ~400 instructions a byte of `/proc/zoneinfo` for the line split alone. The kernel's files are
/// ASCII and their separators are ASCII, so each byte is a character and its index a valid `String.Index`.
package enum KernelText {
    /// The non-empty pieces of `text` between the bytes `isSeparator` accepts, as `split(whereSeparator:)` gives them.
    package static func split(_ text: Substring, where isSeparator: (UInt8) -> Bool) -> [Substring] {
        var pieces: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if isSeparator(utf8[index]) {
                if start != index { pieces.append(text[start..<index]) }
                start = utf8.index(after: index)
            }
            utf8.formIndex(after: &index)
        }
        if start != utf8.endIndex { pieces.append(text[start..<utf8.endIndex]) }
        return pieces
    }

    /// The non-empty lines of `text`.
    package static func lines(_ text: String) -> [Substring] {
        split(text[...]) { $0 == UInt8(ascii: "\n") }
    }
}
