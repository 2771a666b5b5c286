import Execution
import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Settings
import Testing

/// Found while writing FuzzFlattenedDevicetree (by reading, not by the fuzzer: no crash, a misread): a node name
/// that is not UTF-8 decodes longer than its bytes, and the parser stepped over the next token by that length.
@Suite("Fuzz findings: the devicetree blob", .fixtures)
struct FlattenedDevicetreeFuzzTests {
    static func be32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    /// A blob with one memory node named `name` (raw bytes): `reg = <0x80000000 0x40000000>`, one cell each.
    static func blob(memoryNodeName name: [UInt8]) -> [UInt8] {
        let strings = Array("device_type\0reg\0".utf8)
        func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + Array(repeating: 0, count: (4 - bytes.count % 4) % 4) }
        var structure = be32(1) + [0, 0, 0, 0]  // BEGIN_NODE ""
        structure += be32(1) + padded(name + [0])
        structure += be32(3) + be32(7) + be32(0) + padded(Array("memory\0".utf8))  // device_type
        structure += be32(3) + be32(8) + be32(12) + be32(0x8000_0000) + be32(0x4000_0000)  // reg
        structure += be32(2) + be32(2) + be32(9)  // END_NODE, END_NODE, END
        let reserveOffset = 40, structOffset = 56
        let stringsOffset = structOffset + structure.count
        let total = stringsOffset + strings.count
        var header = be32(FlattenedDevicetree.magic) + be32(UInt32(total)) + be32(UInt32(structOffset)) + be32(UInt32(stringsOffset))
        header += be32(UInt32(reserveOffset)) + be32(17) + be32(16) + be32(0) + be32(UInt32(strings.count)) + be32(UInt32(structure.count))
        return header + Array(repeating: 0, count: 16) + structure + strings
    }

    @Test("a node name that is not UTF-8 is stepped over by its bytes", arguments: [Array("memory@80000000".utf8), [0xFF, 0xFE], [0x6D, 0xC3]])
    func nonUTF8NodeName(name: [UInt8]) throws {
        let blob = try FlattenedDevicetree(bytes: Self.blob(memoryNodeName: name), path: "/sys/firmware/fdt")
        let memory = try #require(try DevicetreeMemory.extract(root: blob.root, reservations: blob.reservations, source: "/sys/firmware/fdt"))
        #expect(memory.banks.map(\.range) == [AddressRange(start: 0x8000_0000, end: 0xC000_0000)])
    }
}
