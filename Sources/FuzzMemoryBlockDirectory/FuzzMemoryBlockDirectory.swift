import FuzzSupport
import KernelFiles
import MachineSources

/// `/sys` as a directory tree (a `FuzzTree` record list under `/sys`): the memory block directory
/// (`block_size_bytes`, `memoryN/{state,phys_index,valid_zones,nodeN}`) and the firmware memmap
/// (`/sys/firmware/memmap/N/{start,end,type}`), read as the daemon reads them.
let tree = FuzzTree(base: "/sys")

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    tree.fill(UnsafeBufferPointer(start: data, count: size))
    let files = KernelFiles(root: .init(tree.root))
    if let memory = try? MemoryBlockDirectory.read(from: files) {
        // The planner turns every block into its address range.
        for block in memory.blocks { _ = block.range(blockSize: memory.blockSize) }
    }
    if let memmap = try? FirmwareMemmap.read(from: files) { _ = memmap.ram }
    return 0
}

@main
enum FuzzMemoryBlockDirectory {
    static func main() { FuzzDriver.main("FuzzMemoryBlockDirectory") { fuzz($0, $1) } }
}
