import MemoryModel

/// One `/sys/devices/system/memory/memoryN` as the kernel reports it.
public struct MemoryBlock: Sendable, Equatable {
    public enum State: String, Sendable {
        case online
        case offline
        case goingOffline = "going-offline"
    }

    public var index: Int
    public var state: State
    /// `valid_zones` words: the block's zone when online (`none` when it spans zones), the candidates when
    /// offline, first = what plain `online` would pick.
    public var validZones: [String]
    public var numaNode: Int?

    public init(index: Int, state: State, validZones: [String], numaNode: Int?) {
        self.index = index
        self.state = state
        self.validZones = validZones
        self.numaNode = numaNode
    }

    /// The zone an online block is in, for the daemon's two-way split (DMA/DMA32 count as kernel zones).
    public var onlineZone: Zone? {
        guard state == .online, validZones.count == 1 else { return nil }
        return Zone(kernelZoneName: Substring(validZones[0]))
    }

    public func range(blockSize: UInt64) -> AddressRange {
        AddressRange(start: UInt64(index) * blockSize, end: UInt64(index + 1) * blockSize)
    }
}
