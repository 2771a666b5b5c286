import Execution
import KernelFiles
import MachineSources
import MemoryModel
import Synchronization
import SystemPackage

/// The kernel taken out: every write succeeds at once and is counted, and each block keeps only the state the
/// engine's reads must see (absent → offline after a probe → online in the zone asked for). No files, no time.
///
/// For measuring the engine's own cost per block; it models no errors, locks or latency (`SimulatedKernel` does).
package final class CountingKernel: HotplugKernel {
    struct Counts {
        var writes = 0
        var reads = 0
        /// Per block index: nil absent, "" offline, else the online zone's kernel name.
        var zones: [Int: String] = [:]
    }

    package let blockSize: UInt64
    private let state: Mutex<Counts>

    /// `present` blocks exist (offline) from the start; the rest appear when probed.
    package init(blockSize: UInt64, present: [Int] = []) {
        self.blockSize = blockSize
        var counts = Counts()
        counts.zones.reserveCapacity(present.count)
        for index in present { counts.zones[index] = "" }
        state = Mutex(counts)
    }

    package var writeCount: Int { state.withLock { $0.writes } }
    package var readCount: Int { state.withLock { $0.reads } }

    package func write(_ operation: KernelWrite) throws(KernelFileError) {
        let failure = state.withLock { counts -> Errno? in
            counts.writes += 1
            switch operation {
            case .probe(let address):
                let index = Int(address / blockSize)
                guard counts.zones[index] == nil else { return .fileExists }
                counts.zones[index] = ""
                return nil
            case .checkedAdd(let address, let zone):
                let index = Int(address / blockSize)
                guard counts.zones[index]?.isEmpty ?? true else { return .fileExists }
                counts.zones[index] = zone.rawValue
                return nil
            case .blockState(let index, let command):
                guard let zone = counts.zones[index] else { return .noSuchFileOrDirectory }
                guard zone.isEmpty else { return .invalidArgument }
                counts.zones[index] = command == .onlineMovable ? "Movable" : "Normal"
                return nil
            case .autoOnlineBlocks, .handover:
                return nil
            }
        }
        if let failure { throw KernelFileError(.write, pathString: operation.path, errno: failure, value: operation.value) }
    }

    package func read(_ machinePath: String) throws(KernelFileError) -> String {
        let value = state.withLock { counts -> String? in
            counts.reads += 1
            guard let (index, name) = MemoryBlockDirectory.blockAttribute(of: machinePath), let zone = counts.zones[index] else { return nil }
            switch name {
            case "state": return zone.isEmpty ? "offline" : "online"
            case "valid_zones": return zone.isEmpty ? "Normal Movable" : zone
            default: return nil
            }
        }
        guard let value else { throw KernelFileError(.open, pathString: machinePath, errno: .noSuchFileOrDirectory) }
        return value
    }
}
