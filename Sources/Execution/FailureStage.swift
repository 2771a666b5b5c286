/// Where a block's bringing-online failed.
package enum FailureStage: String, Sendable, CaseIterable {
    /// Adding the block (`probe`), or the block did not appear after it.
    case probe
    /// Onlining it (`memoryN/state`).
    case online
    /// Reading the block's state before or after the writes.
    case read
    /// The re-read after the last write: the block is no longer online as planned.
    case verify
}
