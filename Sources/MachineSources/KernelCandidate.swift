import MemoryModel

/// One line of `/sys/kernel/deferred_mem_init/candidates`: memory the kernel says userspace may add, whole blocks
/// of what `mem=` removed that nothing reserved (kernel/README.md), and the devicetree node it belongs to.
package struct KernelCandidate: Sendable, Equatable {
    package static let file = "candidates"

    package var range: AddressRange
    package var node: Int

    package init(range: AddressRange, node: Int) {
        self.range = range
        self.node = node
    }

    /// `0xSTART-0xEND NODE` a line, end exclusive; an empty file lists none.
    package static func parse(_ text: String, path: String) throws(SourceError) -> [KernelCandidate] {
        var candidates: [KernelCandidate] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let bounds = fields.first?.split(separator: "-") ?? []
            guard fields.count == 2, bounds.count == 2, bounds.allSatisfy({ $0.hasPrefix("0x") }),
                let start = UInt64(bounds[0].dropFirst(2), radix: 16), let end = UInt64(bounds[1].dropFirst(2), radix: 16), start < end,
                let node = Int(fields[1]), node >= 0
            else {
                throw SourceError(path: path, value: String(line).debugDescriptionTrimmed, expected: "0xSTART-0xEND NODE (hex, end exclusive, a node number)")
            }
            candidates.append(KernelCandidate(range: AddressRange(start: start, end: end), node: node))
        }
        return candidates
    }
}
