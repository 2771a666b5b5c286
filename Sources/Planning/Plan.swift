import MachineSources
import MemoryModel

/// What the daemon will do: which blocks go to which zone, and how they get there.
///
/// A pure value: computed from a `Machine` without touching files, printed by `plan`, carried out by `run`.
public struct Plan: Sendable, Equatable {
    /// Where the layout of deferred RAM came from.
    public enum Source: String, Sendable {
        case deferredMemInit = "deferred_mem_init"
        case devicetree
        case firmwareMemmap = "firmware-memmap"
        case offlineBlocks = "offline-blocks"
    }

    public enum Action: String, Sendable {
        /// Not present yet: write its address to `probe`, then online it.
        case probe
        /// Present (offline, or already online from an earlier run): online it, or confirm it.
        case online
    }

    public struct Block: Sendable, Equatable {
        public var index: Int
        public var start: UInt64
        public var node: Int
        public var zone: Zone
        public var action: Action
        /// Already online when the plan was made (an earlier or concurrent run got there).
        public var alreadyOnline: Bool

        public init(index: Int, start: UInt64, node: Int, zone: Zone, action: Action, alreadyOnline: Bool = false) {
            self.index = index
            self.start = start
            self.node = node
            self.zone = zone
            self.action = action
            self.alreadyOnline = alreadyOnline
        }
    }

    /// RAM that will not be added, and why.
    public struct Skipped: Sendable, Equatable {
        public enum Reason: Sendable, Equatable, CustomStringConvertible {
            /// Part of a block at a RAM range's edge: the rest of the block is not RAM.
            case partialBlock
            /// The block overlaps a devicetree carve-out (named as in the tree).
            case reserved(String)
            public var description: String {
                switch self {
                case .partialBlock: "partial block"
                case .reserved(let name): "overlaps \(name)"
                }
            }
        }

        public var range: AddressRange
        /// RAM bytes lost (the whole block's RAM for a reserved overlap; the RAM part for a partial block).
        public var bytes: UInt64
        public var reason: Reason
    }

    public var blockSize: UInt64
    public var source: Source
    /// End of boot memory; `nil` when the kernel booted without a limit (only offline blocks are deferred).
    public var bootEnd: UInt64?
    /// The RAM map the plan used (after intersecting the sources).
    public var ram: RangeSet
    /// Sorted by index.
    public var blocks: [Block]
    public var skipped: [Skipped]
    public var split: SplitRequest
    /// Online Normal blocks before Movable ones: the memmap of probed blocks comes from online kernel memory.
    public var normalFirst: Bool
    public var warnings: [PlanWarning]

    public init(blockSize: UInt64, source: Source, bootEnd: UInt64?, ram: RangeSet, blocks: [Block], skipped: [Skipped], split: SplitRequest, normalFirst: Bool, warnings: [PlanWarning]) {
        self.blockSize = blockSize
        self.source = source
        self.bootEnd = bootEnd
        self.ram = ram
        self.blocks = blocks
        self.skipped = skipped
        self.split = split
        self.normalFirst = normalFirst
        self.warnings = warnings
    }

    public func bytes(in zone: Zone) -> UInt64 {
        UInt64(blocks.lazy.filter { $0.zone == zone }.count) * blockSize
    }

    public var totalBytes: UInt64 { UInt64(blocks.count) * blockSize }
    public var lostBytes: UInt64 { skipped.reduce(0) { $0 + $1.bytes } }
    public var nodes: [Int] { Array(Set(blocks.map(\.node))).sorted() }
    public var needsProbe: Bool { blocks.contains { $0.action == .probe } }
}
