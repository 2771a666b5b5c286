import MemoryModel

/// The memmap the blocks to probe take from memory already online, and whether free memory covers it.
extension Planner {
    /// A `struct page` per base page: the memmap of `bytes` of memory (1/64 of it with 4 KiB pages, 1/256 with 16 KiB).
    package static func memmapBytes(of bytes: UInt64, pageSize: UInt64) -> UInt64 {
        bytes / pageSize * 64
    }
    /// Free memory kept beyond the memmap: the kernel's min watermark (min_free_kbytes: 1.9 MiB at 256 MiB of
    /// boot memory), what each online keeps back (about 100–270 KiB less than the block came back free on 6.1), and
    /// the daemon's own growth after it read `MemFree` (Docs/reliability.md, "Scarce boot memory", has the figures).
    package static let memmapMargin: UInt64 = 16 << 20
    /// What a probe takes from kernel memory besides the memmap (measured on 6.1 x86: 2048–2108 KiB per 128 MiB
    /// block, 2048 of them memmap): the block's device and sysfs files, its resource and firmware map entries.
    package static let probeOverhead: UInt64 = 64 << 10

    /// Free memory against the memmap of the blocks to probe, nil when none is probed. The need follows the
    /// engine's order when memory is tight: Normal blocks first, each probed block onlined before the next probe,
    /// each Normal block's memory usable by the probes after it. Each probe costs its memmap and `probeOverhead`.
    static func memmapBudget(_ blocks: [Plan.Block], blockSize: UInt64, pageSize: UInt64, free: UInt64) -> MemmapBudget? {
        let perBlock = memmapBytes(of: blockSize, pageSize: pageSize)
        let pending = blocks.filter { !$0.alreadyOnline }
        let probes = UInt64(pending.lazy.filter { $0.action == .probe }.count)
        guard probes > 0 else { return nil }
        let memmap = probes * perBlock
        // Held: memmap allocated so far, less the memory Normal blocks brought (signed: Normal blocks may bring more).
        var held: Int64 = 0
        var peak: Int64 = 0
        for block in pending.filter({ $0.zone == .normal }) + pending.filter({ $0.zone == .movable }) {
            if block.action == .probe {
                held += Int64(perBlock + probeOverhead)
                peak = max(peak, held)
            }
            if block.zone == .normal { held -= Int64(blockSize) }
        }
        let need = UInt64(peak) + memmapMargin
        return MemmapBudget(free: free, memmap: memmap, need: need, tight: free < max(memmap * 2, memmap + memmapMargin))
    }
}
