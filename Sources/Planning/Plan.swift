import MemoryModel
import Settings

/// What the daemon will do: which blocks go to which zone, and how they get there.
///
/// A pure value: computed from a `Machine` without touching files, printed by `plan`, carried out by `run`.
package struct Plan: Sendable, Equatable {
    /// Where the layout of deferred RAM came from.
    package enum Source: String, Sendable {
        case deferredMemInit = "deferred_mem_init"
        case devicetree
        case firmwareMemmap = "firmware-memmap"
        case offlineBlocks = "offline-blocks"
    }

    package enum Action: String, Sendable {
        /// Not present yet: write its address to `probe`, then online it.
        case probe
        /// Present (offline, or already online from an earlier run): online it, or confirm it.
        case online
    }

    package struct Block: Sendable, Equatable {
        package var index: Int
        package var start: UInt64
        package var node: Int
        package var zone: Zone
        package var action: Action
        /// Already online when the plan was made (an earlier or concurrent run got there).
        package var alreadyOnline: Bool
        /// Which kernel zone `online_kernel` will use, when not Normal (DMA, DMA32: the first kernel zone whose
        /// span holds the block; arm64's DMA reaches 4 GiB once the initrd is re-added high).
        package var kernelZoneName: String?

        package init(index: Int, start: UInt64, node: Int, zone: Zone, action: Action, alreadyOnline: Bool = false, kernelZoneName: String? = nil) {
            self.index = index
            self.start = start
            self.node = node
            self.zone = zone
            self.action = action
            self.alreadyOnline = alreadyOnline
            self.kernelZoneName = kernelZoneName
        }

        /// The zone as the kernel will show it in `valid_zones`: Movable, Normal, or DMA/DMA32 where those span.
        package var kernelZone: String {
            zone == .movable ? Zone.movable.rawValue : kernelZoneName ?? Zone.normal.rawValue
        }
    }

    /// RAM that will not be added, and why.
    package struct Skipped: Sendable, Equatable {
        package enum Reason: Sendable, Equatable, CustomStringConvertible {
            /// Part of a block at a RAM range's edge: the rest of the block is not RAM.
            case partialBlock
            /// The rest of a block `mem=` ended inside: the kernel added the block up to the boot end.
            case partialBootBlock
            /// A block above the boot end that the kernel added at boot, partly (arm64 re-adds its image and
            /// initrd when they lie above the limit): the rest of its RAM.
            case presentAtBoot
            /// The block overlaps a devicetree carve-out (named as in the tree).
            case reserved(String)
            /// The kernel does not list the block in `/sys/kernel/deferred_mem_init/candidates`.
            case notCandidate
            package var description: String {
                switch self {
                case .partialBlock: "partial block"
                case .partialBootBlock: "rest of the block mem= ended in (present from boot, cannot be probed)"
                case .presentAtBoot: "rest of a block the kernel re-added at boot above the limit (kernel image or initrd; cannot be probed)"
                case .reserved(let name): "overlaps \(name)"
                case .notCandidate:
                    "not among the kernel's candidates (/sys/kernel/deferred_mem_init/candidates): reserved before mem= cut memblock (the devicetree blob, an EFI reservation) or used by the kernel"
                }
            }
        }

        package var range: AddressRange
        /// RAM bytes lost (the whole block's RAM for a reserved overlap; the RAM part for a partial block).
        package var bytes: UInt64
        package var reason: Reason
    }

    package var blockSize: UInt64
    /// The kernel's base page size the plan was made with (`Machine.pageSize`: zone spans, memmap, `mem=` are
    /// counted in it); nil for plans not made from a machine's files (rescue, hot-add events).
    package var pageSize: UInt64?
    package var source: Source
    /// End of boot memory; `nil` when the kernel booted without a limit (only offline blocks are deferred).
    package var bootEnd: UInt64?
    /// The RAM map the plan used (after intersecting the sources).
    package var ram: RangeSet
    /// Sorted by index.
    package var blocks: [Block]
    package var skipped: [Skipped]
    package var split: SplitRequest
    /// Online Normal blocks before Movable ones: the memmap of probed blocks comes from online kernel memory.
    package var normalFirst: Bool
    package var warnings: [PlanWarning]
    /// `mem=` hides memory that no RAM map locates (`no-ram-map`): none of it is in the plan, which holds at most
    /// offline blocks found elsewhere.
    package var deferredMemoryUnlocated: PlanWarning? { warnings.first { $0.code == .noRAMMap } }
    /// `mem=` hid memory that no RAM map locates, and no block is left for the run: the device stays at its boot
    /// memory and a run can only say so (`plan --check` starts it for that; the run exits 1).
    package var stuckAtBootMemory: Bool { deferredMemoryUnlocated != nil && blocks.allSatisfy(\.alreadyOnline) }

    /// Why nothing may be probed or onlined at all: this is a crash-dump kernel (`Machine.crashKernelMarker`).
    package var crashKernel: String?
    /// Free memory against the memmap of the blocks to probe; nil when nothing is probed or `/proc/meminfo` is
    /// not known. A plan that does not fit (`fits` false) is refused before any write.
    package var memmapBudget: MemmapBudget?

    package init(
        blockSize: UInt64, source: Source, bootEnd: UInt64?, ram: RangeSet, blocks: [Block], skipped: [Skipped], split: SplitRequest, normalFirst: Bool,
        warnings: [PlanWarning]
    ) {
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

    package func bytes(in zone: Zone) -> UInt64 {
        UInt64(blocks.lazy.filter { $0.zone == zone }.count) * blockSize
    }

    package var totalBytes: UInt64 { UInt64(blocks.count) * blockSize }
    package var lostBytes: UInt64 { skipped.reduce(0) { $0 + $1.bytes } }
    package var nodes: [Int] { Array(Set(blocks.map(\.node))).sorted() }
    package var needsProbe: Bool { blocks.contains { $0.action == .probe } }
    /// The blocks still to probe: blocks to probe that an earlier run has not brought online.
    package var blocksToProbe: Int { blocks.lazy.filter { $0.action == .probe && !$0.alreadyOnline }.count }
    package var bytesToProbe: UInt64 { UInt64(blocksToProbe) * blockSize }
}
