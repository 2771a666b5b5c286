import Foundation
import KernelFiles
import MachineSources
import Testing

@Suite("Each block's NUMA node, as sysfs links it both ways", .fixtures)
struct BlockNodeTests {
    @Test("the node directories' memoryN links give each block's node (a listing a node, not a block), as the blocks' own links do")
    func nodesFromTheNodeDirectories() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let files = KernelFiles(root: .init(root.path))
        let fromBlocks = try MemoryBlockDirectory.read(from: files)
        #expect(Set(fromBlocks.blocks.compactMap(\.numaNode)) == [0, 1])
        // The other direction of each link, as the kernel makes it (register_memory_block_under_node), beside what
        // else a node directory holds.
        let fileManager = FileManager.default
        let memory = root.appendingPathComponent("sys/devices/system/memory")
        let nodes = root.appendingPathComponent("sys/devices/system/node")
        var links: [URL] = []
        for block in try fileManager.contentsOfDirectory(atPath: memory.path) where block.hasPrefix("memory") {
            for link in try fileManager.contentsOfDirectory(atPath: memory.appendingPathComponent(block).path) where link.hasPrefix("node") {
                let node = nodes.appendingPathComponent(link)
                try fileManager.createDirectory(at: node.appendingPathComponent("memory_side_cache"), withIntermediateDirectories: true)
                try "0-1\n".write(to: node.appendingPathComponent("cpulist"), atomically: false, encoding: .utf8)
                try fileManager.createSymbolicLink(atPath: node.appendingPathComponent(block).path, withDestinationPath: "../../memory/\(block)")
                links.append(memory.appendingPathComponent(block).appendingPathComponent(link))
            }
        }
        #expect(try MemoryBlockDirectory.read(from: files) == fromBlocks)
        // The node directories are what is read now: without the blocks' own links, the same nodes.
        for link in links { try fileManager.removeItem(at: link) }
        #expect(try MemoryBlockDirectory.read(from: files) == fromBlocks)
    }
}
