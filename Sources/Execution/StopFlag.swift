import Synchronization

/// Set once to ask the workers to stop after the write in flight; the first reason given is kept.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    private let reasonStore = Mutex<StopReason?>(nil)

    public init() {}

    public func request(_ reason: StopReason) {
        reasonStore.withLock { if $0 == nil { $0 = reason } }
        flag.store(true, ordering: .releasing)
    }

    public var isRequested: Bool { flag.load(ordering: .acquiring) }
    public var reason: StopReason? { reasonStore.withLock { $0 } }
}
