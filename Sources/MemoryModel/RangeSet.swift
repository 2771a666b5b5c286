/// A set of physical addresses kept as sorted, disjoint, non-adjacent ranges.
///
/// The planner reasons in sets: RAM from one source intersected with another, minus reserved carve-outs.
package struct RangeSet: Hashable, Sendable, Sequence {
    package private(set) var ranges: [AddressRange]

    package init() { ranges = [] }

    package init<S: Sequence>(_ ranges: S) where S.Element == AddressRange {
        self.ranges = []
        for range in ranges { insert(range) }
    }

    package var isEmpty: Bool { ranges.isEmpty }
    package var totalSize: UInt64 { ranges.reduce(0) { $0 + $1.size } }
    package var lowerBound: UInt64? { ranges.first?.start }
    package var upperBound: UInt64? { ranges.last?.end }

    package func makeIterator() -> IndexingIterator<[AddressRange]> { ranges.makeIterator() }

    /// Inserts a range, merging it with every range it overlaps or touches.
    package mutating func insert(_ range: AddressRange) {
        guard !range.isEmpty else { return }
        var merged = range
        var kept: [AddressRange] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.end < merged.start {
                kept.append(existing)
            } else if existing.start > merged.end {
                if !placed {
                    kept.append(merged)
                    placed = true
                }
                kept.append(existing)
            } else {
                merged = AddressRange(start: Swift.min(existing.start, merged.start), end: Swift.max(existing.end, merged.end))
            }
        }
        if !placed { kept.append(merged) }
        ranges = kept
    }

    package func contains(_ range: AddressRange) -> Bool {
        ranges.contains { $0.contains(range) }
    }

    package func overlaps(_ range: AddressRange) -> Bool {
        ranges.contains { $0.overlaps(range) }
    }

    package func intersection(_ other: RangeSet) -> RangeSet {
        var result: [AddressRange] = []
        var i = 0, j = 0
        let a = ranges, b = other.ranges
        while i < a.count && j < b.count {
            if let common = a[i].intersection(b[j]) { result.append(common) }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return RangeSet(result)
    }

    package func intersection(_ range: AddressRange) -> RangeSet {
        intersection(RangeSet([range]))
    }

    package func subtracting(_ other: RangeSet) -> RangeSet {
        var result: [AddressRange] = []
        for range in ranges {
            var pieces = [range]
            for cut in other.ranges where cut.overlaps(range) {
                pieces = pieces.flatMap { piece -> [AddressRange] in
                    guard let common = piece.intersection(cut) else { return [piece] }
                    var left: [AddressRange] = []
                    if piece.start < common.start { left.append(AddressRange(start: piece.start, end: common.start)) }
                    if common.end < piece.end { left.append(AddressRange(start: common.end, end: piece.end)) }
                    return left
                }
            }
            result.append(contentsOf: pieces)
        }
        return RangeSet(result)
    }
}
