import MemoryModel

/// One `/sys/devices/system/memory/memoryN` as the kernel reports it.
package struct MemoryBlock: Sendable, Equatable {
    package enum State: String, Sendable {
        case online
        case offline
        case goingOffline = "going-offline"
    }

    package var index: Int
    package var state: State
    /// `valid_zones` words: the block's zone when online (`none` when it spans zones), the candidates when
    /// offline, first = what plain `online` would pick.
    package var validZones: [String]
    package var numaNode: Int?

    package init(index: Int, state: State, validZones: [String], numaNode: Int?) {
        self.index = index
        self.state = state
        self.validZones = validZones
        self.numaNode = numaNode
    }

    /// The zone an online block is in, for the daemon's two-way split (DMA/DMA32 count as kernel zones).
    package var onlineZone: Zone? {
        guard state == .online, validZones.count == 1 else { return nil }
        return Zone(kernelZoneName: Substring(validZones[0]))
    }

    package func range(blockSize: UInt64) -> AddressRange {
        AddressRange(start: UInt64(index) * blockSize, end: UInt64(index + 1) * blockSize)
    }
}
