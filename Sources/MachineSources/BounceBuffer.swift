import KernelFiles

/// What the files say about swiotlb's bounce buffer, through which the kernel maps memory a device cannot address
/// (a 32-bit DMA mask, no IOMMU). The kernel sets it up once, at boot, or never: when the memory it booted with
/// reaches above what 32-bit DMA addresses (x86 `pci_swiotlb_detect()`: `max_possible_pfn` above 4 GiB, which
/// every ACPI SRAT memory range also raises; arm64 `mem_init()`: `max_pfn` above the DMA zone's limit), or when the
/// command line asks (`swiotlb=…,force`, x86 `iommu=soft`). `mem=` below 4 GiB leaves a kernel without one, and
/// memory added later does not change that.
package struct BounceBuffer: Sendable, Equatable {
    /// debugfs's `swiotlb/io_tlb_nslabs` (5.10 writes 0 there without a buffer; 6.1 leaves the file out): true with
    /// slabs, false without, nil when debugfs does not show the directory (not mounted, or no swiotlb built).
    package var hasSlabs: Bool?
    /// `/sys/firmware/acpi/tables/SRAT` exists: its ranges may have raised x86's `max_possible_pfn` above `mem=`.
    package var sratPresent = false

    package static let debugfsDirectory = "/sys/kernel/debug/swiotlb"
    package static let sratPath = "/sys/firmware/acpi/tables/SRAT"

    package init(hasSlabs: Bool? = nil, sratPresent: Bool = false) {
        self.hasSlabs = hasSlabs
        self.sratPresent = sratPresent
    }

    /// Never fails: these are hints, and a file that does not read says nothing.
    package static func read(from files: KernelFiles) -> BounceBuffer {
        var slabs: Bool?
        if let value = try? files.readValue(debugfsDirectory + "/io_tlb_nslabs") {
            slabs = value != "0"
        } else if files.isDirectory(debugfsDirectory) {
            slabs = false
        }
        return BounceBuffer(hasSlabs: slabs, sratPresent: files.exists(sratPath))
    }
}
