/// Where `watch` gets its events: libudev's monitor on a real system, a scripted list in tests.
///
/// Used from the one watch thread only.
package protocol BlockEventSource: AnyObject {
    /// The next event, or nil when none came within `timeoutNanoseconds`.
    func next(timeoutNanoseconds: UInt64) throws -> BlockEvent?
    /// True once the source can produce no more events (a scripted source ran out).
    var isExhausted: Bool { get }
}
