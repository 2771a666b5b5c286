/// Human-readable sizes, without Foundation.
package enum ByteCount {
    package static let kib: UInt64 = 1 << 10
    package static let mib: UInt64 = 1 << 20
    package static let gib: UInt64 = 1 << 30

    /// `10.0 GiB`, `384.0 MiB`: one decimal, binary units; for logs and summaries.
    package static func describe(_ bytes: UInt64) -> String {
        let units: [(UInt64, String)] = [(1 << 60, "EiB"), (1 << 50, "PiB"), (1 << 40, "TiB"), (gib, "GiB"), (mib, "MiB"), (kib, "KiB")]
        for (unit, name) in units where bytes >= unit {
            return oneDecimal(numerator: bytes, denominator: unit) + " " + name
        }
        return "\(bytes) B"
    }

    /// `5.0/10.0 GiB`: a part and its whole in the whole's unit.
    package static func describe(_ part: UInt64, of whole: UInt64) -> String {
        let units: [(UInt64, String)] = [(1 << 60, "EiB"), (1 << 50, "PiB"), (1 << 40, "TiB"), (gib, "GiB"), (mib, "MiB"), (kib, "KiB")]
        for (unit, name) in units where whole >= unit {
            return oneDecimal(numerator: part, denominator: unit) + "/" + oneDecimal(numerator: whole, denominator: unit) + " " + name
        }
        return "\(part)/\(whole) B"
    }

    /// `a/b` rounded half-up to one decimal place, e.g. `2.5`. `denominator` is at most 2^60, so `rem * 10`
    /// cannot overflow.
    package static func oneDecimal(numerator: UInt64, denominator: UInt64) -> String {
        var whole = numerator / denominator
        var tenths = ((numerator % denominator) * 10 + denominator / 2) / denominator
        if tenths == 10 {
            whole += 1
            tenths = 0
        }
        return "\(whole).\(tenths)"
    }

    /// util-linux's `size_to_human_string` with one-letter suffixes (`128M`, `1.5G`), as lsmem prints SIZE.
    package static func lsmemStyle(_ bytes: UInt64) -> String {
        var exp = 0
        for shift in stride(from: 10, through: 60, by: 10) {
            exp = shift
            if bytes < (UInt64(1) << UInt64(shift)) { break }
        }
        exp -= 10
        let letters = Array("BKMGTPE")
        let letter = letters[exp / 10]
        var whole = exp == 0 ? bytes : bytes >> UInt64(exp)
        var frac = exp == 0 ? 0 : bytes & ((UInt64(1) << UInt64(exp)) - 1)
        if frac != 0 {
            if frac >= UInt64.max / 1000 {
                frac = ((frac / 1024) * 1000) / (UInt64(1) << UInt64(exp - 10))
            } else {
                frac = (frac * 1000) / (UInt64(1) << UInt64(exp))
            }
            frac = ((frac + 50) / 100) * 10
            if frac == 100 {
                whole += 1
                frac = 0
            }
        }
        guard frac != 0 else { return "\(whole)\(letter)" }
        var digits = frac < 10 ? "0\(frac)" : "\(frac)"
        if digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)\(letter)"
    }
}
