/// A uevent about one memory block, reduced to what `watch` needs.
public struct BlockEvent: Sendable, Equatable {
    public enum Action: String, Sendable {
        /// A block was added (probe, ACPI DIMM hot-add, virtio-mem): the one `watch` acts on.
        case add
        case remove
        case online
        case offline
        case other
    }

    public var action: Action
    /// N of `memoryN`.
    public var index: Int

    public init(action: Action, index: Int) {
        self.action = action
        self.index = index
    }

    /// From a uevent's action and device name (`add`, `memory42`); nil for other devices.
    public init?(action: String, sysname: String) {
        guard sysname.hasPrefix("memory"), let index = Int(sysname.dropFirst("memory".count)), index >= 0 else { return nil }
        self.init(action: Action(rawValue: action) ?? .other, index: index)
    }
}
