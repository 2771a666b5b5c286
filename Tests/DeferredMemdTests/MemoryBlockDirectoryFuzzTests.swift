import Execution
import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Settings
import Testing

@Suite("Fuzz findings: the memory block directory", .fixtures)
struct MemoryBlockDirectoryFuzzTests {
    /// A FuzzTree record list (`path NUL u16-length content`) written under `/sys` in `root`.
    static func writeRecords(_ data: [UInt8], in root: URL) throws {
        var cursor = 0
        while cursor < data.count {
            let pathEnd = data[cursor...].firstIndex(of: 0) ?? data.count
            let path = String(decoding: data[cursor..<pathEnd], as: UTF8.self)
            let length = Int(data[pathEnd + 1]) << 8 | Int(data[pathEnd + 2])
            let content = String(decoding: data[(pathEnd + 3)..<(pathEnd + 3 + length)], as: UTF8.self)
            try Fixture.write(content, to: "/sys/" + path, in: root)
            cursor = pathEnd + 3 + length
        }
    }

    @Test(
        "a block index whose address range leaves the 64-bit address space is a SourceError naming it (was a trap in MemoryBlock.range)",
        arguments: ["memory-block-index-overflow"])
    func indexOverflow(finding: String) throws {
        let root = try Fixture.temporaryDirectory()
        try Self.writeRecords(Array(try Data(contentsOf: FuzzRegressionTests.findings.appendingPathComponent(finding))), in: root)
        let error = #expect(throws: SourceError.self) { try MemoryBlockDirectory.read(from: KernelFiles(root: .init(root.path))) }
        #expect(error?.path == "/sys/devices/system/memory/memory70368744177664")
        #expect(error?.expected.contains("64-bit address space") == true)
    }

    @Test("names that are not memory + decimal digits are not blocks (memory+5 was read as memory5)", arguments: ["memory+5", "memory-0", "memory٣"])
    func signedNames(name: String) throws {
        let root = try Fixture.temporaryDirectory()
        try Fixture.write("8000000\n", to: "/sys/devices/system/memory/block_size_bytes", in: root)
        try Fixture.write("online\n", to: "/sys/devices/system/memory/\(name)/state", in: root)
        try Fixture.write("offline\n", to: "/sys/devices/system/memory/memory5/state", in: root)
        let memory = try MemoryBlockDirectory.read(from: KernelFiles(root: .init(root.path)))
        #expect(memory.blocks.map(\.index) == [5])
        #expect(memory.blocks.map(\.state) == [.offline])
    }
}
