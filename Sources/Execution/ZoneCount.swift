import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Planning
import Synchronization

/// Planned and online blocks of one node and zone.
package struct ZoneCount: Sendable, Equatable {
    package var planned = 0
    package var online = 0
}
