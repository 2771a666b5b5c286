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

    /// Parses the whole string; `nil` on anything else (empty, junk, overflow, trailing characters). The suffix is
    /// whatever follows the number, as in the kernel: in `0x9e` the `e` is a hex digit, not exa.
    package static func parse(_ text: Substring, base: Base = .kernel) -> UInt64? {
        guard startsAsNumber(text, base: base), let (value, rest) = leading(text), rest.isEmpty else { return nil }
        return value
    }

    /// The number alone, without a suffix: the whole string, as `parse`. On UTF-8 bytes: it parses every probe
    /// address the simulated and counting kernels receive, where `Character` iteration cost more than the rest of
    /// a write.
    package static func parseNumber(_ text: Substring, base: Base) -> UInt64? {
        guard startsAsNumber(text, base: base), let (value, rest) = leadingNumber(text), rest.isEmpty else { return nil }
        return value
    }

    /// A whole word must start with a digit; under `.decimalOrHex` a leading zero begins only `0` or `0x…`.
    private static func startsAsNumber(_ text: Substring, base: Base) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, digit(first, radix: 10) != nil else { return false }
        guard base == .decimalOrHex, first == UInt8(ascii: "0"), bytes.count > 1 else { return true }
        return digit(bytes[bytes.index(after: bytes.startIndex)], radix: 10) == nil
    }

    /// What the kernel itself reads from a command-line value: `memparse()`, which stops at the first character it
    /// cannot take. `rest` is what the kernel then ignores: `2GB` is 2 GiB with `B` ignored, `512M@0x80000000` is
    /// 512 MiB, `lots` is 0 with all of it ignored. `nil` only on overflow (where the kernel wraps silently).
    package static func leading(_ text: Substring) -> (value: UInt64, rest: Substring)? {
        guard let (number, afterNumber) = leadingNumber(text) else { return nil }
        guard let suffix = afterNumber.first, let shift = shift(for: suffix) else { return (number, afterNumber) }
        let (value, overflow) = number.multipliedReportingOverflow(by: UInt64(1) << shift)
        guard !overflow, number == 0 || value >> shift == number else { return nil }
        return (value, afterNumber.dropFirst())
    }

    /// `simple_strtoull(text, &end, 0)`: `0x` is hex only when a hex digit follows it, any other leading `0` is
    /// octal, and the number ends at the first digit its base does not have (`09` is 0, then `9`).
    package static func leadingNumber(_ text: Substring) -> (value: UInt64, rest: Substring)? {
        let bytes = text.utf8
        var index = bytes.startIndex
        var radix: UInt64 = 10
        if bytes.first == UInt8(ascii: "0") {
            radix = 8
            let x = bytes.index(after: index)
            if x < bytes.endIndex, bytes[x] | 0x20 == UInt8(ascii: "x") {
                let first = bytes.index(after: x)
                if first < bytes.endIndex, digit(bytes[first], radix: 16) != nil {
                    radix = 16
                    index = first
                }
            }
        }
        var value: UInt64 = 0
        while index < bytes.endIndex, let digit = digit(bytes[index], radix: radix) {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
            index = bytes.index(after: index)
        }
        return (value, Substring(bytes[index...]))
    }

    private static func digit(_ byte: UInt8, radix: UInt64) -> UInt64? {
        let value: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = UInt64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
        return value < radix ? value : nil
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
}
