import KernelFiles
import MemoryModel

/// `/sys/devices/system/memory`: the block size, every present block, and the hotplug knobs.
package struct MemoryBlockDirectory: Sendable, Equatable {
    package static let path = "/sys/devices/system/memory"
    /// `/sys/devices/system/memory/memory`, to which a block's index is appended.
    package static let blockPrefix = path + "/memory"

    /// `/sys/devices/system/memory/memory42`.
    package static func blockDirectory(_ index: Int) -> String {
        blockPrefix + String(index)
    }

    /// `/sys/devices/system/memory/memory42/state`, by appends (interpolation costs a dynamic `description`
    /// call per segment, and the engine builds three of these per block).
    package static func attribute(_ name: String, of index: Int) -> String {
        var path = blockPrefix
        path.reserveCapacity(blockPrefix.utf8.count + 21 + name.utf8.count)
        path += String(index)
        path += "/"
        path += name
        return path
    }

    /// `…/memory42/state` → (42, "state"); nil for any other path. Allocation-free: the counting kernel of the
    /// benchmarks parses every path the engine writes.
    package static func blockAttribute(of machinePath: String) -> (index: Int, name: Substring)? {
        let utf8 = machinePath.utf8
        guard utf8.starts(with: blockPrefix.utf8) else { return nil }
        var index = 0
        var position = utf8.index(utf8.startIndex, offsetBy: blockPrefix.utf8.count)
        guard position != utf8.endIndex else { return nil }
        while position != utf8.endIndex, case let byte = utf8[position], byte != UInt8(ascii: "/") {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), index < Int.max / 10 - 9 else { return nil }
            index = index * 10 + Int(byte - UInt8(ascii: "0"))
            position = utf8.index(after: position)
        }
        guard position != utf8.endIndex else { return nil }
        return (index, Substring(utf8[utf8.index(after: position)...]))
    }

    /// The block a path under `memoryN/` belongs to.
    package static func blockIndex(of machinePath: String) -> Int? {
        blockAttribute(of: machinePath)?.index
    }

    package var blockSize: UInt64
    /// Present blocks, sorted by index. Ids can have gaps (holes between DRAM banks).
    package var blocks: [MemoryBlock]
    /// `auto_online_blocks`: what the kernel does with a block it adds (`offline` unless configured).
    package var autoOnlineBlocks: String?
    /// Whether `probe` exists (CONFIG_ARCH_MEMORY_PROBE).
    package var hasProbe: Bool

    package init(blockSize: UInt64, blocks: [MemoryBlock], autoOnlineBlocks: String?, hasProbe: Bool) {
        self.blockSize = blockSize
        self.blocks = blocks
        self.autoOnlineBlocks = autoOnlineBlocks
        self.hasProbe = hasProbe
    }

    package static func read(from files: KernelFiles) throws(SourceError) -> MemoryBlockDirectory {
        let blockSize = try readBlockSize(from: files)
        let names: [String]
        do { names = try files.list(path) } catch { throw SourceError(error) }
        var blocks: [MemoryBlock] = []
        blocks.reserveCapacity(names.count)
        let nodes = try blockNodes(from: files)
        for name in names {
            guard let index = number(name, after: "memory") else { continue }
            // Every block becomes an address range: one past the 64-bit address space is bad input, not a trap.
            let (end, overflow) = UInt64(index).addingReportingOverflow(1)
            guard !overflow, !end.multipliedReportingOverflow(by: blockSize).overflow else {
                throw SourceError(
                    path: path + "/" + name, value: name,
                    expected: "a block inside the 64-bit address space (block_size_bytes \(Hex.prefixed(blockSize)))")
            }
            blocks.append(try readBlock(index, nodes: nodes, from: files))
        }
        blocks.sort { $0.index < $1.index }
        let autoOnline: String?
        do { autoOnline = try KernelFiles.ifPresent(files.readValue(path + "/auto_online_blocks")) } catch { throw SourceError(error) }
        return MemoryBlockDirectory(
            blockSize: blockSize, blocks: blocks, autoOnlineBlocks: autoOnline, hasProbe: files.exists(path + "/probe"))
    }

    /// `block_size_bytes`: hex without `0x` (e.g. `8000000` = 128 MiB); must be a power of two.
    package static func readBlockSize(from files: KernelFiles) throws(SourceError) -> UInt64 {
        let file = path + "/block_size_bytes"
        let text: String
        do { text = try files.readValue(file) } catch { throw SourceError(error) }
        guard !text.isEmpty, text.allSatisfy(\.isHexDigit), let size = UInt64(text, radix: 16) else {
            throw SourceError(path: file, value: text.debugDescriptionTrimmed, expected: "hex digits without 0x, such as 8000000")
        }
        guard size >= 4096, size & (size - 1) == 0 else {
            throw SourceError(path: file, value: text, expected: "a power of two of at least 4 KiB")
        }
        return size
    }

    /// `memory42` → 42 for `prefix` `memory`; nil for any other name. The kernel's names are decimal digits only
    /// (`Int` alone would take `memory+5` for memory5, and the node directories also hold `memory_side_cache`).
    static func number(_ name: String, after prefix: String) -> Int? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    static let nodePath = "/sys/devices/system/node"

    /// Each block's NUMA node from the node directories' `memoryN` links, one listing a node rather than one a block
    /// (the kernel links both ways: `nodeN/memoryM` and `memoryM/nodeN`). The lowest node for a block linked to
    /// several. nil when there is no node directory (CONFIG_NUMA off, where blocks have no node link either, or a
    /// capture without it): then each block's own directory is listed.
    static func blockNodes(from files: KernelFiles) throws(SourceError) -> [Int: Int]? {
        guard files.isDirectory(nodePath) else { return nil }
        var nodes: [Int: Int] = [:]
        do {
            for name in try files.directories(in: nodePath) {
                guard let node = number(name, after: "node") else { continue }
                for entry in try files.list(nodePath + "/" + name) {
                    guard let index = number(entry, after: "memory") else { continue }
                    nodes[index] = min(nodes[index] ?? node, node)
                }
            }
        } catch {
            throw SourceError(error)
        }
        return nodes
    }

    /// Reads one block's state, zones and node and checks `phys_index` against its name. `nodes`: each block's
    /// node, when `blockNodes` found the node directories; else the block's directory is listed for its link.
    package static func readBlock(_ index: Int, nodes: [Int: Int]? = nil, from files: KernelFiles) throws(SourceError) -> MemoryBlock {
        let directory = blockDirectory(index)
        let stateText: String, zonesText: String, physText: String?, node: Int?
        do {
            stateText = try files.readValue(directory + "/state")
            zonesText = try KernelFiles.ifPresent(files.readValue(directory + "/valid_zones")) ?? ""
            if let nodes {
                node = nodes[index]
                physText = try KernelFiles.ifPresent(files.readValue(directory + "/phys_index"))
            } else {
                let entries = try files.list(directory)
                node = entries.lazy.compactMap { number($0, after: "node") }.first
                physText = entries.contains("phys_index") ? try files.readValue(directory + "/phys_index") : nil
            }
        } catch {
            throw SourceError(error)
        }
        guard let state = MemoryBlock.State(rawValue: stateText) else {
            throw SourceError(path: directory + "/state", value: stateText.debugDescriptionTrimmed, expected: "online, offline or going-offline")
        }
        if let physText {
            guard let phys = Int(physText, radix: 16), phys == index else {
                throw SourceError(
                    path: directory + "/phys_index", value: physText.debugDescriptionTrimmed,
                    expected: "the block id \(index) as hex (\(Hex.zeroPadded(UInt64(index), width: 8)))")
            }
        }
        return MemoryBlock(index: index, state: state, validZones: zonesText.split(separator: " ").map(String.init), numaNode: node)
    }
}
