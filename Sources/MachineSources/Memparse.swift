/// The kernel's `memparse()` (lib/cmdline.c): a number with base auto-detection (`0x` hex, leading `0` octal,
/// else decimal) and an optional binary suffix K, M, G, T, P or E (case-insensitive).
package enum Memparse {
    package enum Base: Sendable {
        /// Exactly the kernel's rules, leading `0` meaning octal: for the kernel command line.
        case kernel
        /// Decimal or `0x` hex only; a leading zero on a decimal is refused as ambiguous: for files whose
        /// writer is unknown (`/sys/kernel/deferred_mem_init`).
        case decimalOrHex
    }

    /// Parses the whole string; `nil` on anything else (empty, junk, overflow, trailing characters).
    package static func parse(_ text: Substring, base: Base = .kernel) -> UInt64? {
        var digits = text
        var suffixShift: UInt64 = 0
        if let last = digits.last, let shift = shift(for: last) {
            suffixShift = shift
            digits.removeLast()
        }
        guard let number = parseNumber(digits, base: base) else { return nil }
        let (value, overflow) = number.multipliedReportingOverflow(by: UInt64(1) << suffixShift)
        guard !overflow, suffixShift == 0 || number == 0 || value >> suffixShift == number else { return nil }
        return value
    }

    static func shift(for suffix: Character) -> UInt64? {
        switch suffix {
        case "k", "K": 10
        case "m", "M": 20
        case "g", "G": 30
        case "t", "T": 40
        case "p", "P": 50
        case "e", "E": 60
        default: nil
        }
    }

    /// The number alone, without a suffix. On UTF-8 bytes: it parses every probe address the simulated and
    /// counting kernels receive, where `Character` iteration cost more than the rest of a write.
    package static func parseNumber(_ text: Substring, base: Base) -> UInt64? {
        var digits = text.utf8[...]
        guard let first = digits.first else { return nil }
        var radix: UInt64 = 10
        if first == UInt8(ascii: "0"), digits.count > 1 {
            let second = digits[digits.index(after: digits.startIndex)]
            if second == UInt8(ascii: "x") || second == UInt8(ascii: "X") {
                radix = 16
                digits = digits.dropFirst(2)
                guard !digits.isEmpty else { return nil }
            } else {
                guard base == .kernel else { return nil }
                radix = 8
                digits = digits.dropFirst()
            }
        }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }
}
