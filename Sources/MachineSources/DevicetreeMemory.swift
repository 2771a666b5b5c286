import KernelFiles
import MemoryModel

/// What the devicetree says about memory: DRAM banks (`device_type = "memory"` nodes) and static carve-outs
/// (`/reserved-memory` children with a `reg`, and the blob's `/memreserve/` entries).
///
/// Follows drivers/of/fdt.c `early_init_dt_scan_memory`: `linux,usable-memory` over `reg`, cells counted by
/// the root's `#address-cells`/`#size-cells` (Linux defaults 1/1 when absent).
package struct DevicetreeMemory: Sendable, Equatable {
    package struct Bank: Sendable, Equatable {
        package var range: AddressRange
        package var node: String
        package var numaNode: Int?
        package init(range: AddressRange, node: String, numaNode: Int?) {
            self.range = range
            self.node = node
            self.numaNode = numaNode
        }
    }

    /// Where the tree was read from: a directory or the blob.
    package var source: String
    package var banks: [Bank]
    package var reserved: [FirmwareCarveOut]
    package var warnings: [String]
    /// The memory nodes' paths in the order the kernel walks them (`for_each_node_by_type`): the blob's order when
    /// `/sys/firmware/fdt` is readable, else the directory's (by name: sysfs does not keep the tree's order).
    package var memoryNodeOrder: [String] = []

    /// `/chosen/linux,usable-memory-range`: a crash-dump kernel's own RAM; nothing outside it is usable.
    package var usableMemoryRange: RangeSet?
    /// `/chosen/linux,elfcorehdr`: this is a crash-dump kernel (the crashed kernel's memory is being dumped).
    package var crashDumpHeader = false

    package init(source: String, banks: [Bank], reserved: [FirmwareCarveOut], warnings: [String]) {
        self.source = source
        self.banks = banks
        self.reserved = reserved
        self.warnings = warnings
    }

    /// The banks, limited to `linux,usable-memory-range` when the tree has one.
    package var ram: RangeSet {
        let banks = RangeSet(banks.map(\.range))
        return usableMemoryRange.map { banks.intersection($0) } ?? banks
    }

    /// NUMA node of the bank holding `address`, if the tree says.
    package func numaNode(at address: UInt64) -> Int? {
        banks.first { $0.range.start <= address && address < $0.range.end }?.numaNode
    }

    static let blobPath = "/sys/firmware/fdt"

    /// The paths of `root`'s enabled memory nodes, in its order.
    static func memoryNodes(of root: DevicetreeNode) -> [String] {
        root.children.filter { $0.string("device_type") == "memory" && $0.isEnabled }.map { "/" + $0.name }
    }

    /// Reads the directory form when present, with what only the blob has: its `/memreserve/` entries (the
    /// directory has no header) and, when there are several memory nodes, their order. Else the blob alone. `nil`
    /// when the machine has no devicetree, or a tree without memory nodes (UEFI machines take memory from the EFI
    /// map instead).
    package static func read(from files: KernelFiles) throws(SourceError) -> DevicetreeMemory? {
        if let directory = DevicetreeDirectory.candidates.first(where: { files.isDirectory($0) }) {
            let root = try DevicetreeDirectory.read(from: files, at: directory, selection: directorySelection)
            // The kernel does not keep /memreserve/ memory out of a hot-add: probing it would hand firmware's
            // memory to the page allocator. A blob that cannot be read leaves them unknown, said in a warning.
            var reservations: [AddressRange] = []
            var blobWarning: String?
            // QEMU's blob is 1 MiB, mostly padding: its first page (the header, then the /memreserve/ entries) is
            // read, and the rest only when the entries run on or the memory nodes' order is wanted.
            func blob() throws(SourceError) -> [UInt8] {
                do { return try files.readBytes(blobPath) } catch { throw SourceError(error) }
            }
            if let size = files.size(blobPath) {
                do throws(SourceError) {
                    let start: [UInt8]
                    do { start = try files.readBytes(blobPath, limit: 4096) } catch { throw SourceError(error) }
                    if let fromStart = try FlattenedDevicetree.reservations(start: start, fileSize: size, path: blobPath) {
                        reservations = fromStart
                    } else {
                        reservations = try FlattenedDevicetree.reservations(bytes: try blob(), path: blobPath)
                    }
                } catch {
                    blobWarning = "\(error); its /memreserve/ entries are unknown, and not kept out of the plan"
                }
            }
            var memory = try extract(root: root, reservations: reservations, source: directory)
            if let blobWarning { memory?.warnings.append(blobWarning) }
            if (memory?.memoryNodeOrder.count ?? 0) > 1, blobWarning == nil, let bytes = try? blob(),
                let blob = try? FlattenedDevicetree(bytes: bytes, path: blobPath)
            {
                let order = memoryNodes(of: blob.root)
                if Set(order) == Set(memory?.memoryNodeOrder ?? []) { memory?.memoryNodeOrder = order }
            }
            return memory
        }
        guard files.exists(blobPath) else { return nil }
        let bytes: [UInt8]
        do { bytes = try files.readBytes(blobPath) } catch { throw SourceError(error) }
        let blob = try FlattenedDevicetree(bytes: bytes, path: blobPath)
        return try extract(root: blob.root, reservations: blob.reservations, source: blobPath)
    }

    /// What `extract` reads of a tree, and no more is opened of the directory form: the root's cells, a memory
    /// node's status, ranges and NUMA id, `/reserved-memory`'s cells and its children's status and ranges,
    /// `/chosen`'s kdump properties. A name used below and missing here would be absent from the directory form only
    /// (a test and the fuzz target compare the two reads).
    package static let directorySelection = DevicetreeDirectory.Selection.parts(
        .init(
            root: ["#address-cells", "#size-cells"], child: [],
            byType: ["memory": ["status", "reg", "linux,usable-memory", "numa-node-id"]],
            byName: [
                "reserved-memory": (own: ["#address-cells", "#size-cells"], children: ["status", "reg"]),
                "chosen": (own: ["linux,elfcorehdr", "linux,usable-memory-range"], children: []),
            ]))

    package static func extract(root: DevicetreeNode, reservations: [AddressRange], source: String) throws(SourceError) -> DevicetreeMemory? {
        let addressCells = try cells(root, "#address-cells", default: 1, source: source, nodePath: "")
        let sizeCells = try cells(root, "#size-cells", default: 1, source: source, nodePath: "")
        var banks: [Bank] = []
        var warnings: [String] = []
        var sawMemoryNode = false
        for node in root.children where node.string("device_type") == "memory" && node.isEnabled {
            sawMemoryNode = true
            let nodePath = "/" + node.name
            // The kernel takes linux,usable-memory whenever it exists, even empty (it checks the pointer, not the
            // length): an empty one gives no memory from this node, whatever reg says.
            let property = node.properties["linux,usable-memory"]
            if property?.isEmpty == true {
                warnings.append("\(source)\(nodePath)/linux,usable-memory is empty: no memory from this node, as the kernel takes none")
                continue
            }
            let propertyName = property == nil ? "reg" : "linux,usable-memory"
            guard let cellsBytes = property ?? node.properties["reg"] else {
                warnings.append("\(source)\(nodePath): memory node without reg, ignored")
                continue
            }
            let entries = try decodeRanges(
                cellsBytes, addressCells: addressCells, sizeCells: sizeCells,
                path: "\(source)\(nodePath)/\(propertyName)")
            let numaNode = try node.properties["numa-node-id"].map { bytes throws(SourceError) -> Int in
                guard bytes.count == 4 else {
                    throw SourceError(path: "\(source)\(nodePath)/numa-node-id", value: "\(bytes.count) bytes", expected: "one 32-bit cell")
                }
                return Int(bigEndianCells(bytes[...]))
            }
            for entry in entries {
                guard entry.size > 0 else {
                    warnings.append(
                        "\(source)\(nodePath)/\(propertyName): entry at \(Hex.prefixed(entry.start)) has size 0 (not filled in by the bootloader), skipped")
                    continue
                }
                banks.append(Bank(range: entry.range, node: nodePath, numaNode: numaNode))
            }
        }
        var reserved = reservations.map { FirmwareCarveOut(name: "/memreserve/", range: $0) }
        if let reservedMemory = root.child(named: "reserved-memory") {
            let childAddressCells = try cells(reservedMemory, "#address-cells", default: addressCells, source: source, nodePath: "/reserved-memory")
            let childSizeCells = try cells(reservedMemory, "#size-cells", default: sizeCells, source: source, nodePath: "/reserved-memory")
            for child in reservedMemory.children where child.isEnabled {
                guard let reg = child.properties["reg"] else { continue }
                let path = "\(source)/reserved-memory/\(child.name)/reg"
                for entry in try decodeRanges(reg, addressCells: childAddressCells, sizeCells: childSizeCells, path: path) where entry.size > 0 {
                    reserved.append(FirmwareCarveOut(name: "/reserved-memory/\(child.name)", range: entry.range))
                }
            }
        }
        // A kdump kernel's tree (kexec fills /chosen): its own memory, and the marker that the rest is being dumped.
        var usable: RangeSet?
        var crashDump = false
        if let chosen = root.child(named: "chosen") {
            crashDump = chosen.properties["linux,elfcorehdr"] != nil
            if let bytes = chosen.properties["linux,usable-memory-range"] {
                let path = "\(source)/chosen/linux,usable-memory-range"
                usable = RangeSet(try decodeRanges(bytes, addressCells: addressCells, sizeCells: sizeCells, path: path).map(\.range))
            }
        }
        guard sawMemoryNode else {
            guard !reserved.isEmpty || crashDump || usable != nil else { return nil }
            var memory = DevicetreeMemory(source: source, banks: [], reserved: reserved, warnings: warnings)
            memory.usableMemoryRange = usable
            memory.crashDumpHeader = crashDump
            return memory
        }
        guard !banks.isEmpty else {
            throw SourceError(path: "\(source)", value: "memory nodes with no non-empty range", expected: "at least one memory node with a non-zero size")
        }
        banks.sort { $0.range < $1.range }
        for (lower, upper) in zip(banks, banks.dropFirst()) where lower.range.overlaps(upper.range) {
            warnings.append("\(source): memory \(lower.node) \(lower.range) overlaps \(upper.node) \(upper.range); merged as memblock does")
        }
        var memory = DevicetreeMemory(source: source, banks: banks, reserved: reserved, warnings: warnings)
        memory.usableMemoryRange = usable
        memory.crashDumpHeader = crashDump
        memory.memoryNodeOrder = memoryNodes(of: root)
        return memory
    }

    struct Entry {
        var start: UInt64
        var size: UInt64
        var range: AddressRange { AddressRange(start: start, end: start + size) }
    }

    static func decodeRanges(_ bytes: [UInt8], addressCells: Int, sizeCells: Int, path: String) throws(SourceError) -> [Entry] {
        let stride = (addressCells + sizeCells) * 4
        guard !bytes.isEmpty, bytes.count % stride == 0 else {
            throw SourceError(
                path: path, value: "\(bytes.count) bytes",
                expected: "a multiple of \(stride) bytes (#address-cells \(addressCells) + #size-cells \(sizeCells), 4 bytes each)")
        }
        var entries: [Entry] = []
        var offset = 0
        while offset < bytes.count {
            let start = bigEndianCells(bytes[offset..<offset + addressCells * 4])
            let size = bigEndianCells(bytes[offset + addressCells * 4..<offset + stride])
            guard AddressRange(start: start, size: size) != nil else {
                throw SourceError(path: path, value: "\(Hex.prefixed(start)) size \(Hex.prefixed(size))", expected: "a range inside the 64-bit address space")
            }
            entries.append(Entry(start: start, size: size))
            offset += stride
        }
        return entries
    }

    static func cells(_ node: DevicetreeNode, _ property: String, default fallback: Int, source: String, nodePath: String) throws(SourceError) -> Int {
        guard let bytes = node.properties[property] else { return fallback }
        let path = "\(source)\(nodePath)/\(property)"
        guard bytes.count == 4 else { throw SourceError(path: path, value: "\(bytes.count) bytes", expected: "one 32-bit cell") }
        let value = bigEndianCells(bytes[...])
        guard value == 1 || value == 2 else { throw SourceError(path: path, value: "\(value)", expected: "1 or 2 cells") }
        return Int(value)
    }

    static func bigEndianCells(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
