/// Planned and online blocks of one node and zone.
package struct ZoneCount: Sendable, Equatable {
    package var planned = 0
    package var online = 0

    package init(planned: Int = 0, online: Int = 0) {
        self.planned = planned
        self.online = online
    }
}
