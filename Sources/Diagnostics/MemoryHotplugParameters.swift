import KernelFiles
import MachineSources

/// `/sys/module/memory_hotplug/parameters`: how the kernel picks a zone for a plain `online` (5.15+) and whether
/// hot-added memory carries its own memmap. Values as the kernel prints them; nil where the file is absent.
package struct MemoryHotplugParameters: Sendable, Equatable {
    package static let path = "/sys/module/memory_hotplug/parameters"

    /// `contig-zones` (default) or `auto-movable`.
    package var onlinePolicy: String?
    /// Percent of kernel memory `auto-movable` lets ZONE_MOVABLE reach (default 301).
    package var autoMovableRatio: String?
    /// `Y`/`N`: whether `auto-movable` also counts per node.
    package var autoMovableNUMAAware: String?
    /// `Y`/`N` (or `force` on newer kernels): whether drivers' hot-added memory holds its own memmap.
    package var memmapOnMemory: String?

    package init(onlinePolicy: String? = nil, autoMovableRatio: String? = nil, autoMovableNUMAAware: String? = nil, memmapOnMemory: String? = nil) {
        self.onlinePolicy = onlinePolicy
        self.autoMovableRatio = autoMovableRatio
        self.autoMovableNUMAAware = autoMovableNUMAAware
        self.memmapOnMemory = memmapOnMemory
    }

    /// Nil when the directory is absent (no memory hotplug, or a capture without it).
    package static func read(from files: KernelFiles) throws(SourceError) -> MemoryHotplugParameters? {
        guard files.isDirectory(path) else { return nil }
        func value(_ name: String) throws(SourceError) -> String? {
            do { return try KernelFiles.ifPresent(files.readValue(path + "/" + name)) } catch { throw SourceError(error) }
        }
        return MemoryHotplugParameters(
            onlinePolicy: try value("online_policy"), autoMovableRatio: try value("auto_movable_ratio"),
            autoMovableNUMAAware: try value("auto_movable_numa_aware"), memmapOnMemory: try value("memmap_on_memory"))
    }
}
