import MachineSources

/// Rules over what was read about the machine alone: the command-line words that change who onlines memory and
/// into which zone. The planner carries the ones that warn; `doctor` prints each.
package enum MachineRules {
    /// `memhp_default_state=` other than offline, or none while `auto_online_blocks` is not offline (the kernel's
    /// build default, CONFIG_MHP_DEFAULT_ONLINE_TYPE_*, before 6.14 MEMORY_HOTPLUG_DEFAULT_ONLINE: Debian's 6.12 and
    /// later build it as "auto", so DIMMs present at boot are online before the daemon starts).
    package static func memhpDefaultState(_ machine: Machine) -> Finding {
        let stated = machine.commandLine.memhpDefaultState
        if let state = stated, state != "offline" {
            return Finding(
                .warn, .memhpDefaultState,
                "memhp_default_state=\(state) on the kernel command line: hot-added memory is onlined by the kernel in its own choice of zone before the daemon sees it",
                remedy:
                    "use memhp_default_state=offline (dropping it leaves the kernel's build default, online on Debian's 6.12 and later) and let deferred-memd choose the zones"
            )
        }
        if stated == nil, let mode = machine.memory.autoOnlineBlocks, mode != "offline" {
            return Finding(
                .warn, .memhpDefaultState,
                "no memhp_default_state= on the kernel command line and auto_online_blocks is '\(mode)' (the kernel's build default): hot-added memory and DIMMs present at boot are onlined by the kernel in its own choice of zone before the daemon sees it"
            )
        }
        return Finding(.ok, .memhpDefaultState, stated.map { "memhp_default_state=\($0)" } ?? "no memhp_default_state=")
    }

    /// `movable_node`: the firmware's hotpluggable memory is in ZONE_MOVABLE from boot.
    package static func movableNode(_ machine: Machine) -> Finding {
        guard machine.commandLine.movableNode else { return Finding(.ok, .movableNode, "no movable_node") }
        return Finding(
            .warn, .movableNode,
            "movable_node is on the kernel command line: memory the firmware marks hotpluggable was put in ZONE_MOVABLE at boot, and blocks others online with plain 'online' go there too; the ratio above counts what is online now"
        )
    }

    /// The split's words on the command line; `kernelcore=mirror` is a boot-time policy, not an amount.
    package static func kernelcore(_ machine: Machine) -> Finding {
        let line = machine.commandLine
        if line.kernelCoreMirror {
            return Finding(.warn, .kernelcoreMirror, "kernelcore=mirror is a boot-time policy, not an amount; ignored for deferred memory")
        }
        var parts: [String] = []
        if let k = line.kernelCore { parts.append("kernelcore=\(k)") }
        if let m = line.movableCore { parts.append("movablecore=\(m)") }
        if let k = line.deferredKernelCore { parts.append("deferred_mem.kernelcore=\(k)") }
        if let m = line.deferredMovableCore { parts.append("deferred_mem.movablecore=\(m)") }
        return Finding(
            .ok, .kernelcore,
            parts.isEmpty
                ? "no kernelcore=/movablecore= on the command line" : parts.joined(separator: " ") + " (the plan line says which source sets the split)")
    }

    /// A crash-dump (kdump) kernel: the RAM it does not use is the crashed kernel's, waiting to be saved.
    package static func crashKernel(_ machine: Machine) -> Finding {
        guard let marker = machine.crashKernelMarker else { return Finding(.ok, .crashKernel, "not a crash-dump kernel") }
        return Finding(
            .warn, .crashKernel,
            "this is a crash-dump kernel (\(marker)): the memory it does not use belongs to the crashed kernel being dumped; nothing is probed or onlined"
        )
    }
}
