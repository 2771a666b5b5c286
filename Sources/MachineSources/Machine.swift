import KernelFiles

/// Everything the daemon learns about the machine, read once at start from the files under one root.
package struct Machine: Sendable, Equatable {
    package var memory: MemoryBlockDirectory
    package var deferredMemInit: DeferredMemInit?
    package var devicetree: DevicetreeMemory?
    package var firmwareMemmap: FirmwareMemmap?
    package var commandLine: KernelCommandLine
    package var meminfo: Meminfo?
    /// `/proc/zoneinfo`: where `online_kernel` lands (DMA, DMA32 or Normal).
    package var zoneSpans: ZoneSpans?
    /// `/proc/iomem`'s System RAM: what the kernel manages, to the byte.
    package var systemRAM: SystemRAMResources?
    /// `/proc/vmcore` exists: a crash-dump kernel, with the crashed kernel's memory to save.
    package var vmcorePresent = false
    /// `uname -r`: which node `probe` gives a block depends on it (`ProbeNode`).
    package var kernelRelease: KernelRelease?
    /// Each online CPU's capacity, where the kernel shows it (arm64): where the workers run on a big.LITTLE machine.
    package var cpuCapacities: CPUCapacities?
    /// Whether the kernel has swiotlb's bounce buffer, as far as the files say.
    package var bounceBuffer = BounceBuffer()

    /// The kernel's base page size (`BasePageSize`): the unit of `/proc/zoneinfo`'s page frame numbers.
    package var pageSize: UInt64 {
        BasePageSize.infer(meminfo: meminfo, zoneSpans: zoneSpans)
    }

    /// Why this is a crash-dump (kdump) kernel, or nil. Such a kernel must never probe or online: the RAM it does
    /// not use belongs to the crashed kernel being dumped.
    package var crashKernelMarker: String? {
        Self.crashKernelMarker(
            elfCoreHeader: commandLine.elfCoreHeader, vmcorePresent: vmcorePresent, devicetreeCrashDump: devicetree?.crashDumpHeader == true)
    }

    /// `/proc/vmcore`: the crashed kernel's memory, which only a crash-dump kernel offers.
    package static let vmcorePath = "/proc/vmcore"

    /// The one rule behind both markers below: which sign wins, and how it is named.
    package static func crashKernelMarker(elfCoreHeader: Bool, vmcorePresent: Bool, devicetreeCrashDump: Bool) -> String? {
        if elfCoreHeader { return "elfcorehdr= on the kernel command line" }
        if vmcorePresent { return "\(vmcorePath) exists" }
        if devicetreeCrashDump { return "/chosen/linux,elfcorehdr in the devicetree" }
        return nil
    }

    /// `crashKernelMarker` from the files, each sign read on its own: for the safety net on a tree whose sources do
    /// not read as a whole (`read` throws), which must still never online on a crash-dump kernel. Where `read`
    /// succeeds, the answer is its machine's. A devicetree that does not parse cannot show its sign.
    package static func crashKernelMarker(in files: KernelFiles) -> String? {
        let devicetree = try? DevicetreeMemory.read(from: files)
        return crashKernelMarker(
            elfCoreHeader: KernelCommandLine.namesElfCoreHeader((try? files.readText(KernelCommandLine.path)) ?? ""),
            vmcorePresent: files.exists(vmcorePath), devicetreeCrashDump: devicetree?.crashDumpHeader == true)
    }

    package init(
        memory: MemoryBlockDirectory, deferredMemInit: DeferredMemInit? = nil, devicetree: DevicetreeMemory? = nil,
        firmwareMemmap: FirmwareMemmap? = nil, commandLine: KernelCommandLine = KernelCommandLine(), meminfo: Meminfo? = nil,
        zoneSpans: ZoneSpans? = nil, systemRAM: SystemRAMResources? = nil, vmcorePresent: Bool = false,
        kernelRelease: KernelRelease? = nil, cpuCapacities: CPUCapacities? = nil, bounceBuffer: BounceBuffer = BounceBuffer()
    ) {
        self.bounceBuffer = bounceBuffer
        self.cpuCapacities = cpuCapacities
        self.memory = memory
        self.deferredMemInit = deferredMemInit
        self.devicetree = devicetree
        self.firmwareMemmap = firmwareMemmap
        self.commandLine = commandLine
        self.meminfo = meminfo
        self.zoneSpans = zoneSpans
        self.systemRAM = systemRAM
        self.vmcorePresent = vmcorePresent
        self.kernelRelease = kernelRelease
    }

    /// Reads every source. A malformed file is an error; an absent optional source is `nil`.
    package static func read(from files: KernelFiles) throws(SourceError) -> Machine {
        let cmdlineText: String
        if files.exists(KernelCommandLine.path) {
            do { cmdlineText = try files.readText(KernelCommandLine.path) } catch { throw SourceError(error) }
        } else {
            cmdlineText = ""
        }
        return Machine(
            memory: try MemoryBlockDirectory.read(from: files),
            deferredMemInit: try DeferredMemInit.read(from: files),
            devicetree: try DevicetreeMemory.read(from: files),
            firmwareMemmap: try FirmwareMemmap.read(from: files),
            commandLine: try KernelCommandLine(parsing: cmdlineText),
            meminfo: try Meminfo.read(from: files),
            zoneSpans: try ZoneSpans.read(from: files),
            systemRAM: try SystemRAMResources.read(from: files),
            vmcorePresent: files.exists(vmcorePath), kernelRelease: KernelRelease.read(from: files),
            cpuCapacities: try CPUCapacities.read(from: files), bounceBuffer: BounceBuffer.read(from: files))
    }
}
