import Diagnostics
import MachineSources
import MemoryModel
import Planning

/// The kernel: its configuration, hotplug, probe or the checked add, hot-remove, the default online type.
extension DoctorCheck {
    static func kernel(_ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        let config = input.kernelConfig
        let machine = try? input.machine.get()
        let plan = input.plan.flatMap { try? $0.get() }
        if let config {
            findings.append(Finding(.ok, .kernelConfig, "kernel \(input.release ?? "?"): configuration read from \(config.path)"))
        } else if let release = input.release {
            let tried = ([KernelConfig.compressedPath] + KernelConfig.paths(release: release)).joined(separator: ", no ")
            let places = "/boot/config-\(release) or \(KernelConfig.modulesPath(release: release))"
            findings.append(
                Finding(
                    .warn, .kernelConfig,
                    "kernel \(release): no configuration (no \(tried)); the kernel checks below use what sysfs shows",
                    remedy: "install the kernel's configuration as \(places), or build the kernel with CONFIG_IKCONFIG_PROC=y"))
        } else {
            findings.append(
                Finding(
                    .warn, .kernelConfig,
                    "no \(KernelConfig.compressedPath) and the kernel release is unknown (no \(KernelConfig.releasePath)): no configuration read; the kernel checks below use what sysfs shows",
                    remedy:
                        "capture the machine with deferred-memd capture, which copies the release and its configuration (/boot/config-<release> or /usr/lib/modules/<release>/config)"
                ))
        }

        // Memory hotplug itself.
        if let config, !config.isEnabled("CONFIG_MEMORY_HOTPLUG") {
            findings.append(
                Finding(
                    .fail, .memoryHotplug, "CONFIG_MEMORY_HOTPLUG is not set in \(config.path): no memory block can be added or onlined",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTPLUG=y"))
        } else if !input.memoryDirectoryPresent {
            findings.append(
                Finding(
                    .fail, .memoryHotplug, "no \(MemoryBlockDirectory.path): this kernel shows no memory blocks",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTPLUG=y (and CONFIG_SPARSEMEM)"))
        } else {
            let size = machine.map { ", block size \(ByteCount.lsmemStyle($0.memory.blockSize))" } ?? ""
            findings.append(
                Finding(.ok, .memoryHotplug, config == nil ? "sysfs shows \(MemoryBlockDirectory.path)\(size)" : "CONFIG_MEMORY_HOTPLUG=y\(size)"))
        }

        // The probe interface.
        let hasProbe = machine?.memory.hasProbe ?? false
        let probeCount = plan?.blocksToProbe ?? 0
        let configProbe = config.map { $0.isEnabled("CONFIG_ARCH_MEMORY_PROBE") }
        if let deferred = machine?.deferredMemInit, deferred.checkedAdd {
            findings.append(
                Finding(
                    .ok, .probeInterface,
                    "the kernel's checked add (\(DeferredMemInit.onlinePath))"
                        + (probeCount > 0 ? ": \(probeCount) blocks to add, each on its candidate's node" : "")
                        + (hasProbe ? "; probe is not used" : "; no probe file needed")))
        } else if probeCount > 0 && !hasProbe {
            let why = configProbe == false ? "CONFIG_ARCH_MEMORY_PROBE is not set" : "no \(MemoryBlockDirectory.path)/probe"
            findings.append(
                Finding(
                    .fail, .probeInterface, "\(probeCount) blocks need probing but \(why): the deferred memory above the boot end cannot be added",
                    remedy: FindingCode.probeInterface.remedy))
        } else if configProbe == true && !hasProbe {
            findings.append(
                Finding(
                    .warn, .probeInterface, "\(config?.path ?? "the configuration") has CONFIG_ARCH_MEMORY_PROBE=y but sysfs has no probe file",
                    remedy: "check that \(config?.path ?? "the configuration") belongs to the running kernel (uname -r)"))
        } else if machine == nil {
            // The memory directory did not read: the plan check names the file; nothing to say about probe here.
        } else if hasProbe {
            findings.append(Finding(.ok, .probeInterface, "probe present" + (probeCount > 0 ? " (\(probeCount) blocks to probe)" : "")))
        } else {
            findings.append(Finding(.ok, .probeInterface, "no probe file; not needed: the plan probes nothing"))
        }

        // Hot-remove: without it the kernel shows no valid_zones, so no zone can be verified.
        let hasZones = machine?.memory.blocks.contains { !$0.validZones.isEmpty } ?? false
        if let config, !config.isEnabled("CONFIG_MEMORY_HOTREMOVE") {
            findings.append(
                Finding(
                    .warn, .hotRemove,
                    "CONFIG_MEMORY_HOTREMOVE is not set: the kernel shows no valid_zones, so the zone a block went to cannot be verified, and nothing onlined can be offlined again",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTREMOVE=y"))
        } else if machine != nil && !hasZones {
            findings.append(
                Finding(
                    .warn, .hotRemove, "no block shows valid_zones (CONFIG_MEMORY_HOTREMOVE off?): the zone a block went to cannot be verified",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTREMOVE=y"))
        } else if machine != nil {
            findings.append(Finding(.ok, .hotRemove, config == nil ? "valid_zones present" : "CONFIG_MEMORY_HOTREMOVE=y (valid_zones present)"))
        }

        // The default online type: the build's (6.14+: CONFIG_MHP_DEFAULT_ONLINE_TYPE_*; before: MEMORY_HOTPLUG_DEFAULT_ONLINE).
        let autoOnline = machine?.memory.autoOnlineBlocks
        if let config {
            let prefix = "CONFIG_MHP_DEFAULT_ONLINE_TYPE_"
            let chosen = config.options.filter { $0.key.hasPrefix(prefix) && $0.value == "y" }.keys.sorted().first
            let online: String? =
                if let chosen, chosen != prefix + "OFFLINE" { chosen } else if chosen == nil && config.isEnabled("CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE") {
                    "CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE"
                } else { nil }
            if let online {
                findings.append(
                    Finding(
                        .warn, .defaultOnlineType,
                        "\(online)=y: the kernel onlines added memory itself, in its own choice of zone, unless told otherwise (auto_online_blocks now '\(autoOnline ?? "absent")')",
                        remedy:
                            "add memhp_default_state=offline to the kernel command line (the daemon also switches auto_online_blocks to offline around its own probes, AutoOnline=switch)"
                    ))
            } else {
                findings.append(
                    Finding(.ok, .defaultOnlineType, "the kernel leaves added memory offline by default (\(chosen ?? "no default-online option"))"))
            }
        }
        if let autoOnline {
            if autoOnline == "offline" {
                findings.append(Finding(.ok, .autoOnlineBlocks, "auto_online_blocks is offline"))
            } else if probeCount > 0 && input.configuration?.autoOnline == .refuse {
                findings.append(
                    Finding(
                        .fail, .autoOnlineBlocks,
                        "auto_online_blocks is '\(autoOnline)' and AutoOnline=refuse: the \(probeCount) blocks to probe will not be probed",
                        remedy: "memhp_default_state=offline on the kernel command line, or AutoOnline=switch in /etc/deferred-memd.conf"))
            } else {
                findings.append(
                    Finding(
                        .warn, .autoOnlineBlocks,
                        "auto_online_blocks is '\(autoOnline)': memory added by anyone but the daemon (DIMMs, virtio-mem, another tool's probe) is onlined by the kernel in its own choice of zone"
                            + (probeCount > 0 ? "; the daemon switches it to offline around its probes and restores it" : ""),
                        remedy: "memhp_default_state=offline on the kernel command line"))
            }
        }
        return findings
    }
}
