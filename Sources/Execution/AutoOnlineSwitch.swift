import KernelFiles
import MemoryModel
import Settings
import SystemPackage

/// What the daemon does when `auto_online_blocks` is not `offline` and blocks need probing.
///
/// With it on, each probe write also onlines the block, in the kernel's choice of zone, before the daemon can
/// choose. `switch` (the default) sets it to `offline` for the run and restores it afterwards; the original value
/// is kept in `/run/deferred-memd/auto_online_blocks.saved` first, so a run that crashed is restored by the next.
/// `refuse` leaves it alone and does nothing. With the auto-zone probe method (`ProbeMethod`) and `switch`, it is
/// set to the zone being probed instead of `offline`, saved and restored the same way.
package struct AutoOnlineSwitch: Sendable {
    package static let attribute = "/sys/devices/system/memory/auto_online_blocks"
    package static let saved = "/run/deferred-memd/auto_online_blocks.saved"

    package let state: RuntimeState
    package let kernel: any HotplugKernel

    package init(state: RuntimeState, kernel: any HotplugKernel) {
        self.state = state
        self.kernel = kernel
    }

    package enum Preparation: Equatable, Sendable {
        case nothingToDo
        case switched(from: String)
        case refused(current: String)
        /// Auto-zone: set to `to`, the first probed block's zone (`online_kernel`/`online_movable`); the executor
        /// switches it per zone and `restore` puts `from` back.
        case autoZone(from: String, to: String)
        /// The kernel refused the zone name (EINVAL: before Linux 5.7 it takes `online` and `offline` only), or
        /// the write failed otherwise: two writes per block, prepared as `then`.
        indirect case zonesRefused(errno: Errno, then: Preparation)
    }

    /// Before the first probe. `autoZone` is the zone of the first block to probe when the run would probe with
    /// one write per block (nil: two writes). Returns what was done; throws when the switch itself failed.
    ///
    /// The value the machine had is saved before anything is written, for auto-zone even when it is `offline`:
    /// a run killed with `online_movable` in place must not leave the next hot-added DIMM onlined Movable.
    package func prepare(needsProbe: Bool, policy: AutoOnlinePolicy, autoZone: Zone? = nil) throws(KernelFileError) -> Preparation {
        guard let current = try KernelFiles.ifPresent(kernel.read(Self.attribute)) else {
            return .nothingToDo  // a kernel without memory hotplug's auto-online knob
        }
        // A crashed run left its saved value: that is the original, whatever the attribute says now.
        let saved = try? state.readValue(Self.saved)
        let original = saved ?? current
        guard needsProbe else {
            try restore()
            return .nothingToDo
        }
        // `refuse` means another agent owns the value: it is never written, whatever the method.
        guard let autoZone, policy == .switch else {
            return try twoWrite(current: current, original: original, saved: saved != nil, policy: policy)
        }
        if saved == nil { try state.replace(Self.saved, text: original + "\n") }
        let wanted = autoZone.onlineCommand
        do throws(KernelFileError) {
            if current != wanted { try kernel.write(.autoOnlineBlocks(wanted)) }
        } catch {
            return .zonesRefused(errno: error.errno, then: try twoWrite(current: current, original: original, saved: true, policy: policy))
        }
        return .autoZone(from: original, to: wanted)
    }

    /// Off for the run, as before auto-zone: `switched`, or nothing when it is `offline` already.
    private func twoWrite(current: String, original: String, saved: Bool, policy: AutoOnlinePolicy) throws(KernelFileError) -> Preparation {
        guard original != "offline" else {
            try restore()
            return .nothingToDo
        }
        if policy == .refuse && !saved { return .refused(current: current) }
        if !saved { try state.replace(Self.saved, text: original + "\n") }
        if current != "offline" { try kernel.write(.autoOnlineBlocks("offline")) }
        return .switched(from: original)
    }

    /// Puts back the value a run (this one or a crashed one) saved; no-op when nothing was saved.
    package func restore() throws(KernelFileError) {
        guard let original = try? state.readValue(Self.saved) else { return }
        let current = try? kernel.read(Self.attribute)
        if current != original { try kernel.write(.autoOnlineBlocks(original)) }
        try state.remove(Self.saved)
    }
}
