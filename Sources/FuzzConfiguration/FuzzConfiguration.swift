import FuzzSupport
import MachineSources
import Settings

/// `/etc/deferred-memd.conf` (and its drop-ins): the INI text applied as the daemon applies each file.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var configuration = Configuration()
    _ = try? configuration.apply(text: FuzzDriver.text(data, size), path: Configuration.mainPath)
    return 0
}

@main
enum FuzzConfiguration {
    static func main() { FuzzDriver.main("FuzzConfiguration") { fuzz($0, $1) } }
}
