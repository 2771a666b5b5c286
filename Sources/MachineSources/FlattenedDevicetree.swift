import MemoryModel

/// A parser for the flattened devicetree format (`/sys/firmware/fdt`, a `.dtb`).
///
/// The blob comes from the bootloader and may be truncated or corrupt; every offset and length is checked
/// against the blob before it is read, and every failure names the header field or token at fault.
package struct FlattenedDevicetree: Sendable {
    package static let magic: UInt32 = 0xd00d_feed
    static let headerSize = 40

    package let root: DevicetreeNode
    /// The header's memory reservation block (`/memreserve/` entries): also memory the kernel must not use.
    package let reservations: [AddressRange]

    enum Token: UInt32 {
        case beginNode = 1
        case endNode = 2
        case property = 3
        case nop = 4
        case end = 9
    }

    /// The big-endian 32-bit word at `offset` (the caller has checked that four bytes are there).
    static func u32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// The header's memory reservation block alone, without the structure block: for a machine whose tree is
    /// read from the directory form, which has no `/memreserve/`.
    package static func reservations(bytes: [UInt8], path: String) throws(SourceError) -> [AddressRange] {
        // Never nil: the block is checked to end inside the blob, and all of it is here.
        try reservations(start: bytes, fileSize: bytes.count, path: path) ?? []
    }

    /// The same from the blob's `start` only, of a file of `fileSize` bytes (the header and this block come first,
    /// so a page usually holds both); nil when the block runs past `start`.
    package static func reservations(start bytes: [UInt8], fileSize: Int, path: String) throws(SourceError) -> [AddressRange]? {
        func fail(_ value: String, _ expected: String) -> SourceError {
            SourceError(path: path, value: value, expected: expected)
        }
        guard bytes.count >= Self.headerSize else {
            throw fail("\(bytes.count) bytes", "a flattened devicetree of at least \(Self.headerSize) bytes (truncated header)")
        }
        func u32(_ offset: Int) -> UInt32 { Self.u32(bytes, at: offset) }
        let magic = u32(0)
        guard magic == Self.magic else { throw fail(Hex.prefixed(UInt64(magic)), "FDT magic 0xd00dfeed") }
        let totalSize = Int(u32(4))
        guard totalSize >= Self.headerSize, totalSize <= fileSize else {
            throw fail("totalsize \(totalSize)", "a totalsize between \(Self.headerSize) and the blob's \(fileSize) bytes (truncated blob)")
        }
        let reserveOffset = Int(u32(16))
        guard reserveOffset >= Self.headerSize, reserveOffset % 8 == 0, reserveOffset < totalSize else {
            throw fail("off_mem_rsvmap \(reserveOffset)", "an 8-aligned reservation block inside the blob's \(totalSize) bytes")
        }
        // (address, size) u64 pairs ending with (0, 0).
        var reservations: [AddressRange] = []
        var cursor = reserveOffset
        while true {
            guard cursor + 16 <= totalSize else {
                throw fail("off_mem_rsvmap \(reserveOffset)", "a reservation block ending with a (0, 0) entry inside the blob")
            }
            guard cursor + 16 <= bytes.count else { return nil }
            let address = UInt64(u32(cursor)) << 32 | UInt64(u32(cursor + 4))
            let size = UInt64(u32(cursor + 8)) << 32 | UInt64(u32(cursor + 12))
            cursor += 16
            if address == 0 && size == 0 { break }
            guard let range = AddressRange(start: address, size: size) else {
                throw fail("/memreserve/ \(Hex.prefixed(address)) size \(Hex.prefixed(size))", "a reservation inside the 64-bit address space")
            }
            reservations.append(range)
        }
        return reservations
    }

    package init(bytes: [UInt8], path: String) throws(SourceError) {
        // First, as it checks the header's size, magic and totalsize too.
        let reservations = try Self.reservations(bytes: bytes, path: path)
        func fail(_ value: String, _ expected: String) -> SourceError {
            SourceError(path: path, value: value, expected: expected)
        }
        func u32(_ offset: Int) -> UInt32 { Self.u32(bytes, at: offset) }
        let totalSize = Int(u32(4))
        let version = u32(20), lastCompatible = u32(24)
        guard version >= 16, lastCompatible <= 17 else {
            throw fail("version \(version), last_comp_version \(lastCompatible)", "FDT version 16 or 17")
        }
        let structOffset = Int(u32(8)), stringsOffset = Int(u32(12))
        let stringsSize = Int(u32(32))
        let structSize = version >= 17 ? Int(u32(36)) : totalSize - min(structOffset, totalSize)
        guard structOffset >= Self.headerSize, structOffset % 4 == 0, structOffset <= totalSize, structSize <= totalSize - structOffset else {
            throw fail("off_dt_struct \(structOffset), size_dt_struct \(structSize)", "a 4-aligned structure block inside the blob's \(totalSize) bytes")
        }
        guard stringsOffset <= totalSize, stringsSize <= totalSize - stringsOffset else {
            throw fail("off_dt_strings \(stringsOffset), size_dt_strings \(stringsSize)", "a strings block inside the blob's \(totalSize) bytes")
        }
        // Structure block.
        let structEnd = structOffset + structSize
        /// The string and where its NUL is (a name that is not UTF-8 decodes longer than its bytes).
        func cString(from start: Int, limit: Int) -> (string: String, end: Int)? {
            var end = start
            while end < limit, bytes[end] != 0 { end += 1 }
            guard end < limit else { return nil }
            return (String(decoding: bytes[start..<end], as: UTF8.self), end)
        }
        var stack: [DevicetreeNode] = []
        var root: DevicetreeNode?
        var cursor = structOffset
        parsing: while true {
            guard cursor + 4 <= structEnd else { throw fail("structure block ends at \(structEnd)", "an FDT_END token before the end of the structure block") }
            let raw = u32(cursor)
            let tokenOffset = cursor
            cursor += 4
            guard let token = Token(rawValue: raw) else {
                throw fail("token \(Hex.prefixed(UInt64(raw))) at offset \(tokenOffset)", "a structure token (BEGIN_NODE, END_NODE, PROP, NOP or END)")
            }
            switch token {
            case .beginNode:
                guard let (name, nameEnd) = cString(from: cursor, limit: structEnd) else {
                    throw fail("node name at offset \(cursor)", "a NUL-terminated node name inside the structure block")
                }
                cursor = (nameEnd + 1 + 3) & ~3
                guard stack.count < 64 else { throw fail("node depth 64 at offset \(tokenOffset)", "nodes nested less than 64 deep") }
                guard root == nil else { throw fail("second root node at offset \(tokenOffset)", "one root node") }
                stack.append(DevicetreeNode(name: name))
            case .endNode:
                guard let node = stack.popLast() else { throw fail("END_NODE at offset \(tokenOffset)", "END_NODE only inside a node") }
                if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
            case .property:
                guard cursor + 8 <= structEnd else {
                    throw fail("property header at offset \(tokenOffset)", "a property length and name offset inside the structure block")
                }
                let length = Int(u32(cursor)), nameOffset = Int(u32(cursor + 4))
                cursor += 8
                guard !stack.isEmpty else { throw fail("property at offset \(tokenOffset)", "properties only inside a node") }
                guard length <= structEnd - cursor else {
                    throw fail("property length \(length) at offset \(tokenOffset)", "a property value inside the structure block")
                }
                guard nameOffset < stringsSize, let (name, _) = cString(from: stringsOffset + nameOffset, limit: stringsOffset + stringsSize) else {
                    throw fail(
                        "property name offset \(nameOffset) at offset \(tokenOffset)", "a NUL-terminated name inside the \(stringsSize)-byte strings block")
                }
                stack[stack.count - 1].properties[name] = Array(bytes[cursor..<cursor + length])
                cursor = (cursor + length + 3) & ~3
            case .nop:
                continue
            case .end:
                guard stack.isEmpty, root != nil else { throw fail("FDT_END at offset \(tokenOffset)", "FDT_END after the root node is closed") }
                break parsing
            }
        }
        guard let root else { throw fail("no root node", "a root node") }
        self.root = root
        self.reservations = reservations
    }
}
