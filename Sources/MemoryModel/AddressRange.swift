/// A half-open range of physical addresses `[start, end)`.
///
/// Kernel files describe memory in several conventions (inclusive ends in the firmware memmap and lsmem,
/// start+size in the devicetree); everything is converted to this one form at the edge.
package struct AddressRange: Hashable, Sendable, Comparable, CustomStringConvertible {
    package let start: UInt64
    package let end: UInt64

    package init(start: UInt64, end: UInt64) {
        precondition(end >= start, "range end below start")
        self.start = start
        self.end = end
    }

    /// `nil` when `start + size` overflows the 64-bit address space.
    package init?(start: UInt64, size: UInt64) {
        let (end, overflow) = start.addingReportingOverflow(size)
        guard !overflow else { return nil }
        self.init(start: start, end: end)
    }

    package var size: UInt64 { end - start }
    package var isEmpty: Bool { start == end }

    package func contains(_ other: AddressRange) -> Bool { other.start >= start && other.end <= end }
    package func overlaps(_ other: AddressRange) -> Bool { other.start < end && start < other.end }

    package func intersection(_ other: AddressRange) -> AddressRange? {
        let lower = max(start, other.start), upper = min(end, other.end)
        return lower < upper ? AddressRange(start: lower, end: upper) : nil
    }

    package static func < (lhs: AddressRange, rhs: AddressRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    /// `0x80000000-0xffffffff`: inclusive end, as lsmem and kernel logs print ranges.
    package var description: String {
        "\(Hex.prefixed(start))-\(Hex.prefixed(end &- 1))"
    }
}
