import Diagnostics
import FuzzSupport
import MachineSources

/// What `doctor` reads besides the plan's sources: `/proc/config.gz` (the package's own inflate, on the raw bytes),
/// a kernel configuration and udev rule files (as text). Every input goes through all three.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let text = Gzip.decompress(bytes, limit: 1 << 20) {
        _ = KernelConfig.parse(String(decoding: text, as: UTF8.self), path: KernelConfig.compressedPath).isEnabled("CONFIG_MEMORY_HOTPLUG")
    }
    let text = FuzzDriver.text(data, size)
    _ = KernelConfig.parse(text, path: "/boot/config-fuzz")
    _ = UdevRules.onliningRules(in: text, name: "fuzz.rules", path: "/etc/udev/rules.d/fuzz.rules")
    return 0
}

@main
enum FuzzDoctorSources {
    static func main() { FuzzDriver.main("FuzzDoctorSources") { fuzz($0, $1) } }
}
