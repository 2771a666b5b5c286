/// The kinds of kernel write a block took, for the report (`"writes": ["probe"]` is one write per block).
package struct BlockWrites: OptionSet, Sendable, Equatable {
    package let rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `auto_online_blocks` switched to this block's zone before its probe.
    package static let autoOnline = BlockWrites(rawValue: 1 << 0)
    package static let probe = BlockWrites(rawValue: 1 << 1)
    package static let state = BlockWrites(rawValue: 1 << 2)
    /// The checked add: `deferred_mem_init/online`, which adds and onlines the block.
    package static let checkedAdd = BlockWrites(rawValue: 1 << 3)

    /// In write order.
    package var names: [String] {
        [(Self.autoOnline, "auto_online_blocks"), (.probe, "probe"), (.checkedAdd, "online"), (.state, "state")].filter { contains($0.0) }.map(\.1)
    }
}
