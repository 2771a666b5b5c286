/// A node and a zone as `valid_zones` names it (DMA, Normal, Movable): what the run's totals are logged by, in
/// node order.
struct NodeZone: Hashable, Comparable {
    let node: Int
    let zone: String

    static func < (lhs: NodeZone, rhs: NodeZone) -> Bool {
        (lhs.node, lhs.zone) < (rhs.node, rhs.zone)
    }
}
