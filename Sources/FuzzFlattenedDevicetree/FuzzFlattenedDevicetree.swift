import FuzzSupport
import MachineSources

/// A `/sys/firmware/fdt` blob: parsed, and its memory extracted, as the daemon reads a devicetree machine.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = "/sys/firmware/fdt"
    guard let blob = try? FlattenedDevicetree(bytes: FuzzDriver.bytes(data, size), path: path) else { return 0 }
    _ = try? DevicetreeMemory.extract(root: blob.root, reservations: blob.reservations, source: path)
    return 0
}

@main
enum FuzzFlattenedDevicetree {
    static func main() { FuzzDriver.main("FuzzFlattenedDevicetree") { fuzz($0, $1) } }
}
