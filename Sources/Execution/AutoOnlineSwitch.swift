import KernelFiles
import MachineSources

/// What the daemon does when `auto_online_blocks` is not `offline` and blocks need probing.
///
/// With it on, each probe write also onlines the block, in the kernel's choice of zone, before the daemon can
/// choose. `switch` (the default) sets it to `offline` for the run and restores it afterwards; the original value
/// is kept in `/run/deferred-memd/auto_online_blocks.saved` first, so a run that crashed is restored by the next.
/// `refuse` leaves it alone and does nothing.
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
    }

    /// Before the first probe. Returns what was done; throws when the switch itself failed.
    package func prepare(needsProbe: Bool, policy: AutoOnlinePolicy) throws(KernelFileError) -> Preparation {
        let current: String
        do {
            current = try kernel.read(Self.attribute)
        } catch  where error.errno == .noSuchFileOrDirectory {
            return .nothingToDo  // a kernel without memory hotplug's auto-online knob
        }
        // A crashed run left its saved value: that is the original, whatever the attribute says now.
        let saved = try? state.readValue(Self.saved)
        let original = saved ?? current
        guard needsProbe, original != "offline" else {
            try restore()
            return .nothingToDo
        }
        if policy == .refuse && saved == nil { return .refused(current: current) }
        if saved == nil { try state.replace(Self.saved, text: original + "\n") }
        if current != "offline" { try kernel.write("offline", to: Self.attribute) }
        return .switched(from: original)
    }

    /// Puts back the value a run (this one or a crashed one) saved; no-op when nothing was saved.
    package func restore() throws(KernelFileError) {
        guard let original = try? state.readValue(Self.saved) else { return }
        let current = try? kernel.read(Self.attribute)
        if current != original { try kernel.write(original, to: Self.attribute) }
        try state.remove(Self.saved)
    }
}
