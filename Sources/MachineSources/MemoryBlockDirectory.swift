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
        for name in names where name.hasPrefix("memory") {
            // The kernel's names are decimal digits only (`Int` alone would take `memory+5` for memory5).
            let digits = name.dropFirst("memory".count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(digits) else { continue }
            // Every block becomes an address range: one past the 64-bit address space is bad input, not a trap.
            let (end, overflow) = UInt64(index).addingReportingOverflow(1)
            guard !overflow, !end.multipliedReportingOverflow(by: blockSize).overflow else {
                throw SourceError(
                    path: path + "/" + name, value: name,
                    expected: "a block inside the 64-bit address space (block_size_bytes \(Hex.prefixed(blockSize)))")
            }
            blocks.append(try readBlock(index, from: files))
        }
        blocks.sort { $0.index < $1.index }
        let autoOnline: String?
        do { autoOnline = try optional(files.readValue(path + "/auto_online_blocks")) } catch { throw SourceError(error) }
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

    /// A value, or nil when the file does not exist (one open instead of a stat and an open).
    static func optional(_ read: @autoclosure () throws(KernelFileError) -> String) throws(KernelFileError) -> String? {
        do { return try read() } catch  where error.errno == .noSuchFileOrDirectory { return nil }
    }

    /// Reads one block's state, zones, node link and checks `phys_index` against its name.
    package static func readBlock(_ index: Int, from files: KernelFiles) throws(SourceError) -> MemoryBlock {
        let directory = blockDirectory(index)
        let stateText: String, zonesText: String, entries: [String]
        do {
            stateText = try files.readValue(directory + "/state")
            zonesText = try Self.optional(files.readValue(directory + "/valid_zones")) ?? ""
            entries = try files.list(directory)
        } catch {
            throw SourceError(error)
        }
        guard let state = MemoryBlock.State(rawValue: stateText) else {
            throw SourceError(path: directory + "/state", value: stateText.debugDescriptionTrimmed, expected: "online, offline or going-offline")
        }
        if entries.contains("phys_index") {
            let physText: String
            do { physText = try files.readValue(directory + "/phys_index") } catch { throw SourceError(error) }
            guard let phys = Int(physText, radix: 16), phys == index else {
                throw SourceError(
                    path: directory + "/phys_index", value: physText.debugDescriptionTrimmed,
                    expected: "the block id \(index) as hex (\(Hex.zeroPadded(UInt64(index), width: 8)))")
            }
        }
        let node = entries.lazy.compactMap { name -> Int? in
            guard name.hasPrefix("node") else { return nil }
            return Int(name.dropFirst(4))
        }.first
        return MemoryBlock(index: index, state: state, validZones: zonesText.split(separator: " ").map(String.init), numaNode: node)
    }
}
