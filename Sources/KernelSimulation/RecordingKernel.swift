import Execution
import KernelFiles
import MachineSources
import MemoryModel
import Synchronization
import SystemPackage

/// The kernel of a dry run: reads come from the machine's tree, writes are recorded and applied to an overlay in
/// memory, never to the tree. A probe made while `auto_online_blocks` names a zone leaves the block online in it.
///
/// The engine runs against it exactly as against the live kernel, so what a dry run prints is, by construction,
/// the writes the real run makes. The overlay models what the engine's later reads must see: a probed block
/// exists (offline) and a block onlined (or added by the checked add) is online in the zone asked for. It refuses
/// what the kernel refuses that the engine reacts to: `probe` of a block that exists (EEXIST), the checked add of one
/// online (EEXIST), `state` of a block that does not (ENOENT), of one already in that state (EINVAL), or any write
/// to a file the machine does not have (ENOENT).
package final class RecordingKernel: HotplugKernel {
    private struct Overlay {
        var writes: [KernelWrite] = []
        /// Attribute path → the value a read now returns.
        var values: [String: String] = [:]
    }

    package let files: KernelFiles
    package let blockSize: UInt64
    private let overlay = Mutex(Overlay())

    package init(files: KernelFiles, blockSize: UInt64) {
        self.files = files
        self.blockSize = blockSize
    }

    /// Every write so far, in the order the engine made them.
    package var writes: [KernelWrite] { overlay.withLock { $0.writes } }

    /// What `auto_online_blocks` takes (Linux 5.7+; a dry run assumes a kernel that takes zone names).
    static let onlineTypes = ["offline", "online", "online_kernel", "online_movable"]

    /// Block `index` online by `command` (`online`, `online_kernel`, `online_movable`).
    private static func online(_ index: Int, _ command: String, in overlay: inout Overlay) {
        overlay.values[MemoryBlockDirectory.attribute("state", of: index)] = "online"
        let zones = MemoryBlockDirectory.attribute("valid_zones", of: index)
        switch command {
        case "online_movable": overlay.values[zones] = "Movable"
        case "online_kernel": overlay.values[zones] = "Normal"
        default: overlay.values[zones] = nil
        }
    }

    package func read(_ machinePath: String) throws(KernelFileError) -> String {
        if let value = overlay.withLock({ $0.values[machinePath] }) { return value }
        return try files.readValue(machinePath)
    }

    package func write(_ operation: KernelWrite) throws(KernelFileError) {
        let machinePath = operation.path
        let refusal: Errno? = overlay.withLock { overlay -> Errno? in
            overlay.writes.append(operation)
            switch operation {
            case .probe(let address):
                guard files.exists(machinePath) else { return .noSuchFileOrDirectory }
                guard address % blockSize == 0 else { return .invalidArgument }
                let index = Int(address / blockSize)
                let state = MemoryBlockDirectory.attribute("state", of: index)
                guard overlay.values[state] == nil && !files.exists(state) else { return .fileExists }
                overlay.values[state] = "offline"
                overlay.values[MemoryBlockDirectory.attribute("valid_zones", of: index)] = "Normal Movable"
                // auto_online_blocks onlines the block inside the probe write, as a `state` write of its value.
                let autoOnline = overlay.values[AutoOnlineSwitch.attribute] ?? (try? files.readValue(AutoOnlineSwitch.attribute)) ?? "offline"
                if autoOnline != "offline" { Self.online(index, autoOnline, in: &overlay) }
                return nil
            case .checkedAdd(let address, let zone):
                // The checked add: the block appears online in the zone named (the kernel's checks are its own).
                guard files.exists(machinePath) else { return .noSuchFileOrDirectory }
                guard address % blockSize == 0 else { return .invalidArgument }
                let index = Int(address / blockSize)
                let state = MemoryBlockDirectory.attribute("state", of: index)
                guard (overlay.values[state] ?? (try? files.readValue(state))) != "online" else { return .fileExists }
                Self.online(index, zone.onlineCommand, in: &overlay)
                return nil
            case .autoOnlineBlocks(let setting):
                guard overlay.values[machinePath] != nil || files.exists(machinePath) else { return .noSuchFileOrDirectory }
                guard Self.onlineTypes.contains(setting) else { return .invalidArgument }
                overlay.values[machinePath] = setting
                return nil
            case .blockState(let index, let command):
                guard let current = overlay.values[machinePath] ?? (try? files.readValue(machinePath)) else { return .noSuchFileOrDirectory }
                let online = command != .offline
                guard online != (current == "online") else { return .invalidArgument }
                if online {
                    Self.online(index, command.rawValue, in: &overlay)
                } else {
                    overlay.values[machinePath] = "offline"
                    overlay.values[MemoryBlockDirectory.attribute("valid_zones", of: index)] = nil
                }
                return nil
            case .handover(let word):
                guard overlay.values[machinePath] != nil || files.exists(machinePath) else { return .noSuchFileOrDirectory }
                overlay.values[machinePath] = word.rawValue
                return nil
            }
        }
        if let refusal { throw KernelFileError(.write, pathString: machinePath, errno: refusal, value: operation.value) }
    }
}
