/// The two zones the daemon places deferred memory in.
///
/// Boot memory may also sit in DMA or DMA32; for the daemon those count as kernel (unmovable) memory.
package enum Zone: String, Sendable, Hashable, CaseIterable, Comparable {
    case normal = "Normal"
    case movable = "Movable"

    /// What is written to `memoryN/state` to put a block in this zone.
    package var onlineCommand: String {
        switch self {
        case .normal: "online_kernel"
        case .movable: "online_movable"
        }
    }

    package static func < (lhs: Zone, rhs: Zone) -> Bool { lhs == .normal && rhs == .movable }

    /// Classifies one zone name from `valid_zones`: `nil` for `none` or unknown names.
    package init?(kernelZoneName name: Substring) {
        switch name {
        case "Normal", "DMA", "DMA32", "HighMem", "Device": self = .normal
        case "Movable": self = .movable
        default: return nil
        }
    }
}
