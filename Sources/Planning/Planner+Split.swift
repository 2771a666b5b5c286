import MachineSources
import MemoryModel
import Settings

/// The split: how many deferred blocks go to the kernel zone, and which ones on each node.
extension Planner {
    /// Kernel rules (mm/mm_init.c): only movablecore → the rest is Normal; only kernelcore → the rest is
    /// Movable; both → kernelcore wins, `max(kernelcore, total − movablecore)`. The kernel zone rounds up.
    /// Amounts larger than the memory are clamped with a warning when `clamp` (the kernel's own request, or a
    /// hot-added burst that happens to be small), and bad input otherwise.
    func normalBlockCount(total: Int, blockSize: UInt64, split: SplitRequest, clamp: Bool? = nil, warnings: inout [PlanWarning]) throws(SourceError) -> Int {
        guard total > 0 else { return 0 }
        let totalBytes = UInt64(total) * blockSize
        func amount(_ request: SizeRequest?, name: String) throws(SourceError) -> UInt64? {
            guard let request else { return nil }
            let bytes = request.bytes(of: totalBytes)
            guard bytes > totalBytes else { return bytes }
            if clamp ?? split.isFromKernel {
                warnings.append(
                    PlanWarning(
                        .splitClamped,
                        "\(split.source): \(name) \(ByteCount.describe(bytes)) is more than the \(ByteCount.describe(totalBytes)) of deferred memory that can be added; clamped, as the kernel clamps it"
                    ))
                return totalBytes
            }
            throw SourceError(
                path: origin(of: split, name: name), value: "\(key(of: split, name: name))=\(request.spelled)",
                expected: "at most the \(ByteCount.describe(totalBytes)) (\(totalBytes) bytes) of deferred memory this machine has")
        }
        let kernel = try amount(split.kernelCore, name: "kernelcore")
        let movable = try amount(split.movableCore, name: "movablecore")
        let kernelBytes: UInt64
        switch (kernel, movable) {
        case (nil, nil): kernelBytes = totalBytes
        case (let k?, nil): kernelBytes = k
        case (nil, let m?): kernelBytes = totalBytes - m
        case (let k?, let m?): kernelBytes = max(k, totalBytes - m)
        }
        return Int((kernelBytes + blockSize - 1) / blockSize)
    }

    /// The key as the source spells it: `MovableCore` in the configuration, `--movablecore` as a flag.
    private func key(of split: SplitRequest, name: String) -> String {
        switch split.source {
        case .flags: "--\(name)"
        case .configuration: name == "kernelcore" ? "KernelCore" : "MovableCore"
        case .deferredMemCommandLine: "deferred_mem.\(name)"
        case .deferredMemInit: "deferred_\(name)"
        case .kernelCommandLine, .none: name
        }
    }

    private func origin(of split: SplitRequest, name: String) -> String {
        switch split.source {
        case .flags: "--\(name)"
        case .configuration(let files): files.last ?? "configuration"
        case .deferredMemCommandLine, .kernelCommandLine: KernelCommandLine.path
        case .deferredMemInit: DeferredMemInit.directory
        case .none: "default"
        }
    }

    /// Spreads the Normal blocks over nodes in proportion to each node's deferred blocks (largest remainder),
    /// then, per node, gives Normal the lowest addresses and Movable the rest.
    func assignZones(_ blocks: inout [Plan.Block], normalCount: Int) {
        let total = blocks.count
        guard total > 0 else { return }
        var positionsByNode: [Int: [Int]] = [:]
        for (position, block) in blocks.enumerated() { positionsByNode[block.node, default: []].append(position) }
        let nodes = positionsByNode.keys.sorted()
        var shares: [Int: Int] = [:]
        var remainders: [(node: Int, remainder: Int)] = []
        var assigned = 0
        for node in nodes {
            let count = positionsByNode[node]?.count ?? 0
            let exact = normalCount * count
            shares[node] = exact / total
            assigned += exact / total
            remainders.append((node, exact % total))
        }
        remainders.sort { ($0.remainder, -$0.node) > ($1.remainder, -$1.node) }
        for entry in remainders.prefix(normalCount - assigned) { shares[entry.node, default: 0] += 1 }
        for node in nodes {
            let share = shares[node] ?? 0
            for (rank, position) in (positionsByNode[node] ?? []).enumerated() {
                blocks[position].zone = rank < share ? .normal : .movable
            }
        }
    }

}
