import KernelFiles
import MachineSources
import Settings

/// Copies every file the daemon reads from a machine into a directory, so the machine can be planned offline
/// (`--sysroot DIR`) or attached to a bug report. Reads only; writes only under the destination.
package struct MachineCapture: Sendable {
    /// Trees copied whole (directories) or as single files, when present.
    package static let paths =
        [
            MemoryBlockDirectory.path, DeferredMemInit.directory, FirmwareMemmap.directory,
            "/proc/device-tree", "/sys/firmware/fdt", KernelCommandLine.path, Meminfo.path, ZoneSpans.path, SystemRAMResources.path,
            Configuration.mainPath, Configuration.dropInDirectory, "/run/deferred-memd/report.json", "/run/deferred-memd/rescue.json",
            "/sys/module/memory_hotplug/parameters",
            // What `doctor` reads besides: the kernel's release (and so its configuration: KernelConfig.paths) and the udev rules.
            KernelConfig.releasePath,
        ] + UdevRules.directories

    package let source: KernelFiles
    package let destination: KernelFiles

    package init(source: KernelFiles, destination: KernelFiles) {
        self.source = source
        self.destination = destination
    }

    /// Returns how many files were copied. Unreadable attributes (write-only `probe`) become empty files, so the
    /// copy still shows they exist.
    @discardableResult
    package func run() throws(KernelFileError) -> Int {
        var count = 0
        for path in Self.paths where source.exists(path) {
            // /proc/device-tree is a symlink to /sys/firmware/devicetree/base: copy what it points at.
            count += try copy(path, depth: 0)
        }
        for path in CPUCapacities.files(in: source) { count += try copy(path, depth: 0) }
        if let release = KernelConfig.release(from: source) {
            for path in KernelConfig.paths(release: release) where source.exists(path) {
                count += try copy(path, depth: 0)
            }
        }
        return count
    }

    private func copy(_ path: String, depth: Int) throws(KernelFileError) -> Int {
        guard depth < 16 else { return 0 }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !parent.isEmpty { try destination.createDirectory(parent) }
        if depth > 0, let target = try? source.readLink(path) {
            // Inside sysfs, links (memoryN/nodeY, subsystem, ...) are kept as links, never followed.
            try? destination.remove(path)
            try destination.createSymlink(path, pointingTo: target)
            return 1
        }
        if source.isDirectory(path) {
            try destination.createDirectory(path)
            var count = 0
            for name in try source.list(path).sorted() where name != "uevent" && name != "power" {
                count += try copy(path + "/" + name, depth: depth + 1)
            }
            return count
        }
        let bytes: [UInt8]
        do {
            bytes = try source.readBytes(path)
        } catch  where error.errno == .permissionDenied || error.errno == .invalidArgument || error.errno == .ioError {
            bytes = []
        }
        try destination.createFile(path, contents: bytes)
        return 1
    }
}
