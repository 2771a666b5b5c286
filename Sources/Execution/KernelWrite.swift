import MachineSources
import MemoryModel

/// One write the daemon makes to a memory-hotplug attribute: what `HotplugKernel.write` takes.
///
/// The machine path and the bytes are built here and only here, so that the stand-in kernels switch over what
/// was asked instead of parsing paths and values back. `value` is exactly what the kernel receives, and what a dry
/// run prints.
package enum KernelWrite: Sendable, Equatable {
    /// What `memoryN/state` takes (the kernel's online types).
    package enum StateCommand: String, Sendable, Equatable {
        /// The kernel picks the zone (rescue: any zone beats offline).
        case online
        case onlineKernel = "online_kernel"
        case onlineMovable = "online_movable"
        /// Never written by the daemon; the stand-in kernels take it as the kernel does, for tests.
        case offline

        /// The command that puts a block in `zone`.
        package init(_ zone: Zone) {
            switch zone {
            case .normal: self = .onlineKernel
            case .movable: self = .onlineMovable
            }
        }
    }

    /// `probe`: adds the block at `address`.
    case probe(address: UInt64)
    /// `memoryN/state`.
    case blockState(index: Int, command: StateCommand)
    /// `auto_online_blocks`. Text, not a type: a run puts back whatever the machine had.
    case autoOnlineBlocks(String)
    /// `deferred_mem_init/online` (kernel/0002): adds a candidate block and onlines it in `zone`, in one write.
    case checkedAdd(address: UInt64, zone: Zone)
    /// `deferred_mem_init/state`: the daemon's side of the handover.
    case handover(KernelHandover)

    /// The attribute written, as a machine path (`/sys/devices/system/memory/probe`).
    package var path: String {
        switch self {
        case .probe: MemoryBlockDirectory.path + "/probe"
        case .blockState(let index, _): MemoryBlockDirectory.attribute("state", of: index)
        case .autoOnlineBlocks: AutoOnlineSwitch.attribute
        case .checkedAdd: DeferredMemInit.onlinePath
        case .handover: KernelHandover.path
        }
    }

    /// The bytes written, without a newline: `0x` hex for addresses (`kstrtoull(buf, 0)` for probe, `%llx` for the
    /// checked add).
    package var value: String {
        switch self {
        case .probe(let address): Hex.prefixed(address)
        case .blockState(_, let command): command.rawValue
        case .autoOnlineBlocks(let setting): setting
        case .checkedAdd(let address, let zone): Hex.prefixed(address) + " " + zone.onlineCommand
        case .handover(let word): word.rawValue
        }
    }
}
