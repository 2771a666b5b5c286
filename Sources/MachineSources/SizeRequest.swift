/// An amount of memory asked for a zone: bytes, or a percentage of the deferred memory.
package enum SizeRequest: Sendable, Hashable, CustomStringConvertible {
    case bytes(UInt64)
    case percent(UInt64)

    /// Parses `nn[KMGTPE]` (memparse rules) or `nn%` (0–100, a whole number with the same base rules).
    /// The error names what was expected; the caller adds the path.
    package static func parse(_ text: Substring) -> Result<SizeRequest, ParseFailure> {
        let trimmed = text
        if trimmed.hasSuffix("%") {
            let number = trimmed.dropLast()
            // The number as the kernel reads it (`simple_strtoull`, base 0): `010%` is 8%, as `deferred_mem.` takes it.
            guard let percent = Memparse.parseNumber(number, base: .kernel) else {
                return .failure(ParseFailure(expected: "a whole percentage from 0% to 100%"))
            }
            guard percent <= 100 else {
                return .failure(ParseFailure(expected: "a percentage of at most 100%"))
            }
            return .success(.percent(percent))
        }
        guard let bytes = Memparse.parse(trimmed) else {
            return .failure(ParseFailure(expected: "a size such as 4G, 512M, 0x80000000 or a percentage such as 50%"))
        }
        return .success(.bytes(bytes))
    }

    package struct ParseFailure: Error, Sendable { package let expected: String }

    /// The requested bytes out of `total` (percent rounds down here; the planner rounds the kernel zone up).
    package func bytes(of total: UInt64) -> UInt64 {
        switch self {
        case .bytes(let b): b
        case .percent(let p): total / 100 * p + (total % 100) * p / 100
        }
    }

    package var description: String {
        switch self {
        case .bytes(let b): "\(b)"
        case .percent(let p): "\(p)%"
        }
    }

    /// As a person would write it in memparse syntax: `64G`, `1536M`, `50%` (bytes when no suffix divides it).
    package var spelled: String {
        guard case .bytes(let b) = self, b > 0 else { return description }
        for (shift, suffix) in [(60, "E"), (50, "P"), (40, "T"), (30, "G"), (20, "M"), (10, "K")] where b % (1 << UInt64(shift)) == 0 {
            return "\(b >> UInt64(shift))\(suffix)"
        }
        return description
    }
}
