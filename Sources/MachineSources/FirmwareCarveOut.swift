import MemoryModel

/// RAM the firmware or the command line keeps from Linux: a devicetree `/reserved-memory` child or `/memreserve/`
/// entry, or an x86 `memmap=` carve-out (`$`, `!`, `#`, `%`). A block that overlaps one is never probed.
package struct FirmwareCarveOut: Sendable, Equatable {
    /// Where it was declared, as the plan names it (`/reserved-memory/modem@8b000000`, `memmap=64M$0x180000000`).
    package var name: String
    package var range: AddressRange

    package init(name: String, range: AddressRange) {
        self.name = name
        self.range = range
    }
}
