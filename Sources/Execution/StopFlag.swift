import Synchronization

/// Set once to ask the workers to stop after the write in flight; the first reason given is kept.
package final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    private let reasonStore = Mutex<StopReason?>(nil)

    package init() {}

    package func request(_ reason: StopReason) {
        reasonStore.withLock { if $0 == nil { $0 = reason } }
        flag.store(true, ordering: .releasing)
    }

    package var isRequested: Bool { flag.load(ordering: .acquiring) }
    package var reason: StopReason? { reasonStore.withLock { $0 } }
}
