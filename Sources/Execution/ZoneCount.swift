import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Synchronization

/// Planned and online blocks of one node and zone.
public struct ZoneCount: Sendable, Equatable {
    public var planned = 0
    public var online = 0
}
