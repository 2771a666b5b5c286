import FuzzSupport
import KernelFiles
import MachineSources

/// `/proc/device-tree` as a directory tree (nodes as directories, properties as files), read and its memory
/// extracted as the daemon reads a devicetree machine. The input is a `FuzzTree` record list.
let tree = FuzzTree(base: "/proc/device-tree")

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    tree.fill(UnsafeBufferPointer(start: data, count: size))
    let files = KernelFiles(root: .init(tree.root))
    guard var root = try? DevicetreeDirectory.read(from: files, at: tree.base) else { return 0 }
    root.name = ""
    _ = try? DevicetreeMemory.extract(root: root, reservations: [], source: tree.base)
    return 0
}

@main
enum FuzzDevicetreeDirectory {
    static func main() { FuzzDriver.main("FuzzDevicetreeDirectory") { fuzz($0, $1) } }
}
