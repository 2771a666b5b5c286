/// A uevent about one memory block, reduced to what `watch` needs.
package struct BlockEvent: Sendable, Equatable {
    package enum Action: String, Sendable {
        /// A block was added (probe, ACPI DIMM hot-add, virtio-mem): the one `watch` acts on.
        case add
        case remove
        case online
        case offline
        case other
    }

    package var action: Action
    /// N of `memoryN`.
    package var index: Int

    package init(action: Action, index: Int) {
        self.action = action
        self.index = index
    }

    /// From a uevent's action and device name (`add`, `memory42`); nil for other devices.
    package init?(action: String, sysname: String) {
        guard sysname.hasPrefix("memory"), let index = Int(sysname.dropFirst("memory".count)), index >= 0 else { return nil }
        self.init(action: Action(rawValue: action) ?? .other, index: index)
    }
}
