import Diagnostics
import MachineSources
import MemoryModel
import Planning

/// memory_hotplug's module parameters: the online policy and where the memmap comes from.
extension DoctorCheck {
    static func parameters(_ input: DoctorInput) -> [Finding] {
        guard let parameters = input.parameters else {
            return [Finding(.ok, .onlinePolicy, "no \(MemoryHotplugParameters.path) (kernel before 5.15, or not captured)")]
        }
        var findings: [Finding] = []
        let policy = parameters.onlinePolicy ?? "contig-zones"
        let others = !input.udev.onlining.isEmpty || (try? input.machine.get())?.memory.autoOnlineBlocks.map { $0 != "offline" } == true
        if policy == "auto-movable" && others {
            findings.append(
                Finding(
                    .warn, .onlinePolicy,
                    "online_policy=auto-movable (auto_movable_ratio \(parameters.autoMovableRatio ?? "?")%, numa-aware \(parameters.autoMovableNUMAAware ?? "?")): the udev rule or auto-online below choose zones by that ratio, racing the daemon's plan",
                    remedy: "remove the other onliner (below), or set online_policy=contig-zones (memory_hotplug.online_policy= on the command line)"))
        } else {
            var message = "online_policy=\(policy)"
            if policy == "auto-movable" {
                message += " (auto_movable_ratio \(parameters.autoMovableRatio ?? "?")%; only plain 'online' uses it, and nothing else onlines here)"
            }
            findings.append(Finding(.ok, .onlinePolicy, message))
        }
        if let memmap = parameters.memmapOnMemory {
            let kernel = (try? input.machine.get())?.deferredMemInit
            findings.append(
                Finding(.ok, .memmapOnMemory, memmapOnMemory(memmap, checkedAdd: kernel?.checkedAdd == true, hosted: kernel?.memmapInBlock)))
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
}
