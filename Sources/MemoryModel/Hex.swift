/// Hex formatting without Foundation (`String(format:)` would link ICU).
package enum Hex {
    /// `0x1f`: the form the probe file wants (`0x%llx`).
    package static func prefixed(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// `0x000000001fffffff`: lsmem's fixed-width form.
    package static func padded16(_ value: UInt64) -> String { "0x" + zeroPadded(value, width: 16) }

    package static func zeroPadded(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
