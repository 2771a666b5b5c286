import MachineSources
import MemoryModel
import Planning

/// The checks of `deferred-memd doctor`: a pure function from what was read to one finding per check.
///
/// The most common field failures of deferred onlining are in the machine around the daemon (a udev rule that
/// onlines first, a kernel without `probe`, a default online type, `mem=` inside a block, too little free memory
/// for the memmap), so each check names what it found and, when it is not ok, what to do.
package enum DoctorCheck {
    package static func findings(_ input: DoctorInput) -> [DoctorFinding] {
        var findings = kernel(input)
        if case .success(let machine) = input.machine {
            findings += commandLine(machine)
            findings += handover(machine)
        }
        findings += parameters(input)
        findings += udev(input)
        findings += plan(input)
        findings += lastRun(input)
        findings += input.otherFailures.map {
            DoctorFinding(.fail, "source", $0, remedy: "make the file readable, or remove it if it does not belong to this machine")
        }
        return findings
    }

    private static let probeRemedy =
        "boot a kernel built with CONFIG_ARCH_MEMORY_PROBE=y (x86_64 and ppc64 have it; arm64 needs a vendor patch), or boot without mem= so that the memory is present at boot and only onlined"

    // MARK: kernel support

    static func kernel(_ input: DoctorInput) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let config = input.kernelConfig
        let machine = try? input.machine.get()
        let plan = input.plan.flatMap { try? $0.get() }
        if let config {
            findings.append(DoctorFinding(.ok, "kernel-config", "kernel \(input.release ?? "?"): configuration read from \(config.path)"))
        } else if let release = input.release {
            let tried = ([KernelConfig.compressedPath] + KernelConfig.paths(release: release)).joined(separator: ", no ")
            let places = "/boot/config-\(release) or \(KernelConfig.modulesPath(release: release))"
            findings.append(
                DoctorFinding(
                    .warn, "kernel-config",
                    "kernel \(release): no configuration (no \(tried)); the kernel checks below use what sysfs shows",
                    remedy: "install the kernel's configuration as \(places), or build the kernel with CONFIG_IKCONFIG_PROC=y"))
        } else {
            findings.append(
                DoctorFinding(
                    .warn, "kernel-config",
                    "no \(KernelConfig.compressedPath) and the kernel release is unknown (no \(KernelConfig.releasePath)): no configuration read; the kernel checks below use what sysfs shows",
                    remedy:
                        "capture the machine with deferred-memd capture, which copies the release and its configuration (/boot/config-<release> or /usr/lib/modules/<release>/config)"
                ))
        }

        // Memory hotplug itself.
        if let config, !config.isEnabled("CONFIG_MEMORY_HOTPLUG") {
            findings.append(
                DoctorFinding(
                    .fail, "memory-hotplug", "CONFIG_MEMORY_HOTPLUG is not set in \(config.path): no memory block can be added or onlined",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTPLUG=y"))
        } else if !input.memoryDirectoryPresent {
            findings.append(
                DoctorFinding(
                    .fail, "memory-hotplug", "no \(MemoryBlockDirectory.path): this kernel shows no memory blocks",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTPLUG=y (and CONFIG_SPARSEMEM)"))
        } else {
            let size = machine.map { ", block size \(ByteCount.lsmemStyle($0.memory.blockSize))" } ?? ""
            findings.append(
                DoctorFinding(.ok, "memory-hotplug", config == nil ? "sysfs shows \(MemoryBlockDirectory.path)\(size)" : "CONFIG_MEMORY_HOTPLUG=y\(size)"))
        }

        // The probe interface.
        let hasProbe = machine?.memory.hasProbe ?? false
        let probeCount = plan.map { $0.blocks.filter { $0.action == .probe && !$0.alreadyOnline }.count } ?? 0
        let configProbe = config.map { $0.isEnabled("CONFIG_ARCH_MEMORY_PROBE") }
        if let deferred = machine?.deferredMemInit, deferred.checkedAdd {
            findings.append(
                DoctorFinding(
                    .ok, "probe-interface",
                    "the kernel's checked add (\(DeferredMemInit.onlinePath))"
                        + (probeCount > 0 ? ": \(probeCount) blocks to add, each on its candidate's node" : "")
                        + (hasProbe ? "; probe is not used" : "; no probe file needed")))
        } else if probeCount > 0 && !hasProbe {
            let why = configProbe == false ? "CONFIG_ARCH_MEMORY_PROBE is not set" : "no \(MemoryBlockDirectory.path)/probe"
            findings.append(
                DoctorFinding(
                    .fail, "probe-interface", "\(probeCount) blocks need probing but \(why): the deferred memory above the boot end cannot be added",
                    remedy: probeRemedy))
        } else if configProbe == true && !hasProbe {
            findings.append(
                DoctorFinding(
                    .warn, "probe-interface", "\(config?.path ?? "the configuration") has CONFIG_ARCH_MEMORY_PROBE=y but sysfs has no probe file",
                    remedy: "check that \(config?.path ?? "the configuration") belongs to the running kernel (uname -r)"))
        } else if machine == nil {
            // The memory directory did not read: the plan check names the file; nothing to say about probe here.
        } else if hasProbe {
            findings.append(DoctorFinding(.ok, "probe-interface", "probe present" + (probeCount > 0 ? " (\(probeCount) blocks to probe)" : "")))
        } else {
            findings.append(DoctorFinding(.ok, "probe-interface", "no probe file; not needed: the plan probes nothing"))
        }

        // Hot-remove: without it the kernel shows no valid_zones, so no zone can be verified.
        let hasZones = machine?.memory.blocks.contains { !$0.validZones.isEmpty } ?? false
        if let config, !config.isEnabled("CONFIG_MEMORY_HOTREMOVE") {
            findings.append(
                DoctorFinding(
                    .warn, "hot-remove",
                    "CONFIG_MEMORY_HOTREMOVE is not set: the kernel shows no valid_zones, so the zone a block went to cannot be verified, and nothing onlined can be offlined again",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTREMOVE=y"))
        } else if machine != nil && !hasZones {
            findings.append(
                DoctorFinding(
                    .warn, "hot-remove", "no block shows valid_zones (CONFIG_MEMORY_HOTREMOVE off?): the zone a block went to cannot be verified",
                    remedy: "boot a kernel built with CONFIG_MEMORY_HOTREMOVE=y"))
        } else if machine != nil {
            findings.append(DoctorFinding(.ok, "hot-remove", config == nil ? "valid_zones present" : "CONFIG_MEMORY_HOTREMOVE=y (valid_zones present)"))
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
                    DoctorFinding(
                        .warn, "default-online-type",
                        "\(online)=y: the kernel onlines added memory itself, in its own choice of zone, unless told otherwise (auto_online_blocks now '\(autoOnline ?? "absent")')",
                        remedy:
                            "add memhp_default_state=offline to the kernel command line (the daemon also switches auto_online_blocks to offline around its own probes, AutoOnline=switch)"
                    ))
            } else {
                findings.append(
                    DoctorFinding(.ok, "default-online-type", "the kernel leaves added memory offline by default (\(chosen ?? "no default-online option"))"))
            }
        }
        if let autoOnline {
            if autoOnline == "offline" {
                findings.append(DoctorFinding(.ok, "auto-online-blocks", "auto_online_blocks is offline"))
            } else if probeCount > 0 && input.configuration?.autoOnline == .refuse {
                findings.append(
                    DoctorFinding(
                        .fail, "auto-online-blocks",
                        "auto_online_blocks is '\(autoOnline)' and AutoOnline=refuse: the \(probeCount) blocks to probe will not be probed",
                        remedy: "memhp_default_state=offline on the kernel command line, or AutoOnline=switch in /etc/deferred-memd.conf"))
            } else {
                findings.append(
                    DoctorFinding(
                        .warn, "auto-online-blocks",
                        "auto_online_blocks is '\(autoOnline)': memory added by anyone but the daemon (DIMMs, virtio-mem, another tool's probe) is onlined by the kernel in its own choice of zone"
                            + (probeCount > 0 ? "; the daemon switches it to offline around its probes and restores it" : ""),
                        remedy: "memhp_default_state=offline on the kernel command line"))
            }
        }
        return findings
    }

    // MARK: the command line

    /// Who adds the deferred memory: the daemon, the kernel after `deferred_mem.timeout=`, or the kernel method.
    package static func handover(_ machine: Machine) -> [DoctorFinding] {
        let line = machine.commandLine
        guard let state = machine.deferredMemInit?.handover else {
            guard line.deferredMemKernelMode || line.deferredMemTimeout != nil else { return [] }
            return [
                DoctorFinding(
                    .warn, "kernel-handover",
                    "deferred_mem.mode= or deferred_mem.timeout= is on the command line but the kernel has no \(KernelHandover.path): it will not add anything itself",
                    remedy: "boot a kernel with kernel/0002-deferred-mem-init.patch, or drop the parameters")
            ]
        }
        if line.deferredMemKernelMode {
            return [
                DoctorFinding(
                    .ok, "kernel-handover",
                    "deferred_mem.mode=kernel: the kernel adds the deferred memory itself (state: \(state.rawValue)); deferred-memd stands down")
            ]
        }
        let timeout =
            line.deferredMemTimeout.map { "the kernel takes over after \($0) s without a block coming online (deferred_mem.timeout=\($0))" }
            ?? "no deferred_mem.timeout=: the kernel takes over only when userspace writes 'done'"
        return [DoctorFinding(.ok, "kernel-handover", "state: \(state.rawValue); \(timeout)")]
    }

    static func commandLine(_ machine: Machine) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let line = machine.commandLine
        let blockSize = machine.memory.blockSize
        if let mem = RAMMap(machine: machine).memLimit {
            let remainder = mem % blockSize
            if remainder == 0 {
                findings.append(
                    DoctorFinding(.ok, "mem-limit", "mem=\(sizeArgument(mem)) ends on a block boundary (block size \(ByteCount.lsmemStyle(blockSize)))"))
            } else {
                let down = mem - remainder, up = down + blockSize
                let lost = blockSize - remainder
                findings.append(
                    DoctorFinding(
                        .warn, "mem-limit",
                        "mem=\(sizeArgument(mem)) ends inside memory\(mem / blockSize) (block size \(ByteCount.lsmemStyle(blockSize))): the kernel adds that block partly at boot, and its other \(ByteCount.describe(lost)) (\(lost) bytes) cannot be probed until reboot",
                        remedy: "use mem=\(sizeArgument(down)) or mem=\(sizeArgument(up)), whole blocks"))
            }
        } else {
            findings.append(DoctorFinding(.ok, "mem-limit", "no mem= on the command line: only present offline blocks are deferred"))
        }
        if let state = line.memhpDefaultState, state != "offline" {
            findings.append(
                DoctorFinding(
                    .warn, "memhp-default-state",
                    "memhp_default_state=\(state): the kernel onlines hot-added memory itself, in its own choice of zone, before the daemon sees it",
                    remedy:
                        "use memhp_default_state=offline (dropping it leaves the kernel's build default, online on Debian's 6.12 and later) and let deferred-memd choose the zones"
                ))
        } else if line.memhpDefaultState == nil, let mode = machine.memory.autoOnlineBlocks, mode != "offline" {
            findings.append(
                DoctorFinding(
                    .warn, "memhp-default-state",
                    "no memhp_default_state= and auto_online_blocks is '\(mode)' (the kernel's build default; Debian's 6.12 and later build CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO=y): DIMMs present at boot and hot-added memory are onlined by the kernel in its own choice of zone before the daemon sees them",
                    remedy: "add memhp_default_state=offline to the kernel command line"))
        } else {
            findings.append(DoctorFinding(.ok, "memhp-default-state", line.memhpDefaultState.map { "memhp_default_state=\($0)" } ?? "no memhp_default_state="))
        }
        if line.movableNode {
            findings.append(
                DoctorFinding(
                    .warn, "movable-node",
                    "movable_node: memory the firmware marks hotpluggable went to ZONE_MOVABLE at boot, and plain 'online' writes go there too",
                    remedy: "drop movable_node unless the firmware's hotpluggable memory must be removable; deferred-memd sets zones itself"))
        } else {
            findings.append(DoctorFinding(.ok, "movable-node", "no movable_node"))
        }
        if line.kernelCoreMirror {
            findings.append(
                DoctorFinding(
                    .warn, "kernelcore", "kernelcore=mirror is a boot-time policy, not an amount: ignored for deferred memory",
                    remedy: "set the deferred split with KernelCore=/MovableCore= in /etc/deferred-memd.conf or deferred_mem.kernelcore="))
        } else {
            var parts: [String] = []
            if let k = line.kernelCore { parts.append("kernelcore=\(k)") }
            if let m = line.movableCore { parts.append("movablecore=\(m)") }
            if let k = line.deferredKernelCore { parts.append("deferred_mem.kernelcore=\(k)") }
            if let m = line.deferredMovableCore { parts.append("deferred_mem.movablecore=\(m)") }
            findings.append(
                DoctorFinding(
                    .ok, "kernelcore",
                    parts.isEmpty
                        ? "no kernelcore=/movablecore= on the command line" : parts.joined(separator: " ") + " (the plan line says which source sets the split)"
                ))
        }
        if let marker = machine.crashKernelMarker {
            findings.append(
                DoctorFinding(
                    .warn, "crash-kernel", "this is a crash-dump kernel (\(marker)): nothing will be probed or onlined",
                    remedy: "nothing to do in a kdump kernel; if this is not one, remove elfcorehdr= from the command line"))
        } else {
            findings.append(DoctorFinding(.ok, "crash-kernel", "not a crash-dump kernel"))
        }
        return findings
    }

    /// A size as `mem=` takes it: the largest of G, M, K that divides it, else bytes.
    static func sizeArgument(_ bytes: UInt64) -> String {
        for (shift, suffix) in [(30, "G"), (20, "M"), (10, "K")] where bytes > 0 && bytes % (UInt64(1) << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }

    // MARK: module parameters

    static func parameters(_ input: DoctorInput) -> [DoctorFinding] {
        guard let parameters = input.parameters else {
            return [DoctorFinding(.ok, "online-policy", "no \(MemoryHotplugParameters.path) (kernel before 5.15, or not captured)")]
        }
        var findings: [DoctorFinding] = []
        let policy = parameters.onlinePolicy ?? "contig-zones"
        let others = !input.udev.onlining.isEmpty || (try? input.machine.get())?.memory.autoOnlineBlocks.map { $0 != "offline" } == true
        if policy == "auto-movable" && others {
            findings.append(
                DoctorFinding(
                    .warn, "online-policy",
                    "online_policy=auto-movable (auto_movable_ratio \(parameters.autoMovableRatio ?? "?")%, numa-aware \(parameters.autoMovableNUMAAware ?? "?")): the udev rule or auto-online below choose zones by that ratio, racing the daemon's plan",
                    remedy: "remove the other onliner (below), or set online_policy=contig-zones (memory_hotplug.online_policy= on the command line)"))
        } else {
            var message = "online_policy=\(policy)"
            if policy == "auto-movable" {
                message += " (auto_movable_ratio \(parameters.autoMovableRatio ?? "?")%; only plain 'online' uses it, and nothing else onlines here)"
            }
            findings.append(DoctorFinding(.ok, "online-policy", message))
        }
        if let memmap = parameters.memmapOnMemory {
            let kernel = (try? input.machine.get())?.deferredMemInit
            findings.append(
                DoctorFinding(.ok, "memmap-on-memory", memmapOnMemory(memmap, checkedAdd: kernel?.checkedAdd == true, hosted: kernel?.memmapInBlock)))
        }
        return findings
    }

    /// Where the added blocks' memmap comes from. Only the checked add (and the kernel's own adds) ask for
    /// MHP_MEMMAP_ON_MEMORY; the probe file passes MHP_NONE whatever the parameter says. `hosted`: the kernel's
    /// own word (deferred_mem_init/memmap_on_memory), where it gives one.
    static func memmapOnMemory(_ value: String, checkedAdd: Bool, hosted: Bool?) -> String {
        switch (value != "N", checkedAdd) {
        case (true, true) where hosted == false:
            "memmap_on_memory=\(value), but \(DeferredMemInit.memmapInBlockPath) reads 0: a block cannot hold its own memmap on this kernel (struct page, page or pageblock size), so each comes from memory already online"
        case (true, true):
            "memmap_on_memory=\(value): the checked add hosts each block's memmap in the block itself, not in memory already online"
        case (false, true):
            "memmap_on_memory=N: each added block's memmap (1/64 of it with 4 KiB pages) is allocated from memory already online, at first the boot memory; memory_hotplug.memmap_on_memory=1 on the command line puts it in the block itself (the checked add asks for it; ZONE_MOVABLE then has no 1 GiB pages)"
        case (true, false):
            "memmap_on_memory=\(value): hot-added DIMMs carry their own memmap; probe never does, so probed blocks still take theirs from free memory"
        case (false, false):
            "memmap_on_memory=N"
        }
    }

    // MARK: other onliners

    static func udev(_ input: DoctorInput) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for rule in input.udev.onlining {
            let remedy =
                rule.path.hasPrefix(UdevRules.directories[0] + "/")
                ? "delete line \(rule.line) of \(rule.path), then udevadm control --reload"
                : "mask it: ln -s /dev/null \(UdevRules.maskPath(rule.name)) (this disables the whole file; or copy it there and delete line \(rule.line)), then udevadm control --reload"
            findings.append(
                DoctorFinding(
                    .fail, "udev-rule",
                    "\(rule.path):\(rule.line) onlines memory (\(rule.action)): it races the daemon for every block the kernel adds, in its own choice of zone",
                    remedy: remedy))
        }
        if input.udev.onlining.isEmpty {
            let masked = input.udev.masked.isEmpty ? "" : "; masked: " + input.udev.masked.map(\.name).joined(separator: ", ")
            findings.append(DoctorFinding(.ok, "udev-rules", "no udev rule onlines memory (\(input.udev.filesRead) rule files read\(masked))"))
        }
        if input.watchEnabled, let rule = input.udev.onlining.first {
            findings.append(
                DoctorFinding(
                    .fail, "udev-and-watch",
                    "deferred-memd-watch.service is enabled and \(rule.name) also onlines memory: both act on every hot-added block, and whichever writes first chooses the zone",
                    remedy: "keep one: mask \(rule.name) (ln -s /dev/null \(UdevRules.maskPath(rule.name))) or systemctl disable deferred-memd-watch.service"))
        } else {
            findings.append(
                DoctorFinding(
                    .ok, "udev-and-watch",
                    input.watchEnabled ? "deferred-memd-watch.service is the only onliner of hot-added memory" : "deferred-memd-watch.service is not enabled"))
        }
        return findings
    }

    // MARK: the plan

    /// Plan warnings that other checks already cover, from the sources themselves.
    private static let coveredWarnings: Set<PlanWarning.Code> = [
        .movableRatio, .memmapHeadroom, .autoOnlineBlocks, .noProbeFile, .kernelcoreMirror, .movableNode, .memhpDefaultState, .crashKernel, .noRAMMap,
    ]

    static func plan(_ input: DoctorInput) -> [DoctorFinding] {
        let machine: Machine
        switch input.machine {
        case .failure(let failure):
            return [
                DoctorFinding(
                    .fail, "plan", "the machine cannot be read: \(failure.message)",
                    remedy: "fix or remove the file named; deferred-memd refuses to write anything (exit 2) until it parses")
            ]
        case .success(let read): machine = read
        }
        let plan: Plan
        switch input.plan {
        case .failure(let failure)?:
            return [
                DoctorFinding(
                    .fail, "plan", "no plan: \(failure.message)",
                    remedy: "fix the value named; deferred-memd refuses to write anything (exit 2) until it parses")
            ]
        case nil: return []
        case .success(let made)?: plan = made
        }
        var findings: [DoctorFinding] = []
        let blockSize = plan.blockSize
        let probe = plan.blocks.filter { $0.action == .probe }.count
        findings.append(
            DoctorFinding(
                .ok, "plan",
                "source \(plan.source.rawValue): \(ByteCount.describe(plan.totalBytes)) deferred in \(plan.blocks.count) blocks (\(probe) by probe, \(plan.blocks.count - probe) present); split \(PlanReport.describe(plan.split)): Normal \(ByteCount.describe(plan.bytes(in: .normal))), Movable \(ByteCount.describe(plan.bytes(in: .movable)))"
            ))

        // MOVABLE:KERNEL per node, boot memory counting as kernel as in the planner.
        let planned = Set(plan.blocks.map(\.index))
        var kernel: [Int: UInt64] = [:], movable: [Int: UInt64] = [:]
        for block in machine.memory.blocks where block.state == .online && !planned.contains(block.index) {
            if block.onlineZone == .movable {
                movable[block.numaNode ?? 0, default: 0] += blockSize
            } else {
                kernel[block.numaNode ?? 0, default: 0] += blockSize
            }
        }
        for block in plan.blocks {
            if block.zone == .movable { movable[block.node, default: 0] += blockSize } else { kernel[block.node, default: 0] += blockSize }
        }
        let nodes = Set(kernel.keys).union(movable.keys).sorted()
        let perNode = nodes.map { node in
            "node \(node) \(ByteCount.oneDecimal(numerator: movable[node] ?? 0, denominator: max(kernel[node] ?? 0, 1))):1"
        }.joined(separator: ", ")
        if let warning = plan.warnings.first(where: { $0.code == .movableRatio }) {
            findings.append(
                DoctorFinding(
                    .warn, "movable-ratio", "\(warning.message) (\(perNode))",
                    remedy:
                        "give ZONE_NORMAL more of the deferred memory: KernelCore= (e.g. KernelCore=25%) in /etc/deferred-memd.conf or deferred_mem.kernelcore="
                ))
        } else {
            findings.append(DoctorFinding(.ok, "movable-ratio", "MOVABLE:KERNEL \(perNode.isEmpty ? "no memory" : perNode), at most 3:1"))
        }

        let probeBytes = UInt64(plan.blocks.lazy.filter { $0.action == .probe && !$0.alreadyOnline }.count) * blockSize
        let memmap = Planner.memmapBytes(of: probeBytes, pageSize: machine.pageSize)
        if let warning = plan.warnings.first(where: { $0.code == .memmapHeadroom }) {
            findings.append(
                DoctorFinding(
                    .warn, "memmap-headroom", warning.message,
                    remedy:
                        "defer less memory (a larger mem=), or free memory before the run; Normal blocks are onlined first so that their memory feeds the rest")
            )
        } else if let meminfo = machine.meminfo {
            findings.append(
                DoctorFinding(
                    .ok, "memmap-headroom",
                    memmap == 0
                        ? "nothing to probe: no memmap to allocate (free \(ByteCount.describe(meminfo.memFree)))"
                        : "free \(ByteCount.describe(meminfo.memFree)) for the \(ByteCount.describe(memmap)) memmap of \(ByteCount.describe(probeBytes)) to probe"
                ))
        } else {
            findings.append(DoctorFinding(.ok, "memmap-headroom", "no /proc/meminfo: headroom unknown (\(ByteCount.describe(memmap)) of memmap to allocate)"))
        }

        let carveOuts = plan.skipped.compactMap { skip -> String? in if case .reserved(let name) = skip.reason { name } else { nil } }
        let partial = plan.skipped.filter { if case .reserved = $0.reason { false } else { true } }.reduce(0) { $0 + $1.bytes }
        var skippedMessage =
            carveOuts.isEmpty
            ? "no carve-out in the way" : "\(carveOuts.count) blocks skipped for carve-outs (\(Array(Set(carveOuts)).sorted().joined(separator: ", ")))"
        skippedMessage += partial == 0 ? "; no RAM lost to partial blocks" : "; \(ByteCount.describe(partial)) (\(partial) bytes) lost in partial blocks"
        findings.append(DoctorFinding(.ok, "skipped", skippedMessage))

        for warning in plan.warnings where !coveredWarnings.contains(warning.code) {
            findings.append(DoctorFinding(.warn, warning.code.rawValue, warning.message, remedy: remedy(for: warning.code)))
        }
        return findings
    }

    static func remedy(for code: PlanWarning.Code) -> String {
        switch code {
        case .boundsOnly: "give the kernel a RAM map (devicetree memory nodes, or /sys/firmware/memmap with CONFIG_FIRMWARE_MEMMAP)"
        case .noRAMMap:
            "boot a kernel with /sys/kernel/deferred_mem_init (its bounds say where deferred RAM is; under UEFI the EFI stub drops the devicetree's memory nodes), or one whose devicetree memory nodes or /sys/firmware/memmap (x86, CONFIG_FIRMWARE_MEMMAP) describe DRAM; or boot without mem="
        case .mapBeyondDRAMEnd: "check the vendor's bootmem_end_of_dram against the devicetree"
        case .absentWithoutLimit: "boot with mem= if that memory is meant to be deferred; else nothing to do"
        case .splitClamped: "lower the kernel's deferred_kernelcore/deferred_movablecore, or set the split in /etc/deferred-memd.conf"
        case .configuration: "fix the key named in /etc/deferred-memd.conf"
        case .commandLine: "write the word as the kernel reads it (mem=2G, not mem=2GB), or drop it; the plan follows the kernel meanwhile"
        case .planJournalIgnored: "remove /run/deferred-memd/plan.json; the next run writes a fresh one"
        case .blockGoingOffline: "wait for the offline to finish, then re-run"
        case .numaNodeViaProbe: "nothing the daemon can do: probe cannot choose a node (boot without mem= for that node's memory)"
        case .outsideCandidates: "nothing to do: the kernel keeps those blocks for what it reserved before mem= (see kernel/README.md, the candidates)"
        case .bootSizedHashTables: "add the values above to the kernel command line; they take effect at the next boot"
        default: "see deferred-memd plan"
        }
    }

    // MARK: the last run

    static func lastRun(_ input: DoctorInput) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        if let run = input.lastRun {
            if run.exitCode == 0 {
                findings.append(DoctorFinding(.ok, "last-run", run.summary))
            } else {
                let blocks = run.problems.isEmpty ? "" : "; " + run.problems.prefix(8).joined(separator: ", ") + (run.problems.count > 8 ? ", …" : "")
                // A run that failed no block stopped before any (bad input, no RAM map, no room for the memmap):
                // its summary says why, and there is no errno to look up.
                let remedy =
                    run.problems.isEmpty
                    ? "the summary says why; the other findings here and deferred-memd plan say what to change, then deferred-memd run"
                    : "see /run/deferred-memd/report.json and journalctl -u deferred-memd for each block's errno; deferred-memd run finishes what is left"
                findings.append(DoctorFinding(.fail, "last-run", "exit \(run.exitCode): \(run.summary)\(blocks)", remedy: remedy))
            }
        } else if input.lastRunUnreadable {
            findings.append(
                DoctorFinding(
                    .warn, "last-run", "/run/deferred-memd/report.json is not a report this daemon wrote", remedy: "remove it; the next run writes a new one"))
        } else {
            findings.append(DoctorFinding(.ok, "last-run", "no run this boot (no /run/deferred-memd/report.json)"))
        }
        guard case .success(let machine) = input.machine, case .success(let plan)? = input.plan, plan.crashKernel == nil else { return findings }
        let missing = StatusReport.missingBytes(plan, directory: machine.memory)
        if let unlocated = plan.deferredMemoryUnlocated {
            findings.append(
                DoctorFinding(
                    .fail, "deferred-missing", "the memory mem= hides is not online, and cannot be: \(unlocated.message)",
                    remedy: remedy(for: .noRAMMap)))
        } else if plan.blocks.isEmpty {
            findings.append(DoctorFinding(.ok, "deferred-missing", "nothing deferred"))
        } else if missing == 0 {
            findings.append(DoctorFinding(.ok, "deferred-missing", "all \(ByteCount.describe(plan.totalBytes)) of deferred memory is online"))
        } else if input.lastRun != nil {
            findings.append(
                DoctorFinding(
                    .fail, "deferred-missing",
                    "\(ByteCount.describe(missing)) of \(ByteCount.describe(plan.totalBytes)) deferred memory is still not online after the last run",
                    remedy: "deferred-memd status shows which blocks; deferred-memd run finishes them"))
        } else {
            findings.append(
                DoctorFinding(
                    .warn, "deferred-missing",
                    "\(ByteCount.describe(missing)) of \(ByteCount.describe(plan.totalBytes)) deferred memory is not online yet, and no run is recorded",
                    remedy: "systemctl status deferred-memd.service (is it enabled?), or deferred-memd run"))
        }
        return findings
    }
}
