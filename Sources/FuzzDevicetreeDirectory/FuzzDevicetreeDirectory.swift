import FuzzSupport
import KernelFiles
import MachineSources

/// `/proc/device-tree` as a directory tree (nodes as directories, properties as files), read and its memory
/// extracted as the daemon reads a devicetree machine. The input is a `FuzzTree` record list. The daemon reads only
/// `DevicetreeMemory.directorySelection` of the tree; what it extracts from that must be what it would from all of it.
let tree = FuzzTree(base: "/proc/device-tree")

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    tree.fill(UnsafeBufferPointer(start: data, count: size))
    let files = KernelFiles(root: .init(tree.root))
    guard let root = try? DevicetreeDirectory.read(from: files, at: tree.base, selection: DevicetreeMemory.directorySelection) else { return 0 }
    let selected = Result { () throws(SourceError) in try DevicetreeMemory.extract(root: root, reservations: [], source: tree.base) }
    // Files the selection skips may not read at all; then there is nothing to compare.
    guard let whole = try? DevicetreeDirectory.read(from: files, at: tree.base, selection: .all) else { return 0 }
    let fromWhole = Result { () throws(SourceError) in try DevicetreeMemory.extract(root: whole, reservations: [], source: tree.base) }
    switch (selected, fromWhole) {
    case (.success(let a), .success(let b)) where a == b: break
    case (.failure(let a), .failure(let b)) where a.description == b.description: break
    default: fatalError("the selected part of the tree extracts \(selected), the whole tree \(fromWhole)")
    }
    return 0
}

@main
enum FuzzDevicetreeDirectory {
    static func main() { FuzzDriver.main("FuzzDevicetreeDirectory") { fuzz($0, $1) } }
}
