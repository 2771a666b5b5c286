import KernelFiles
import SystemPackage

/// Bounded retries with exponential backoff for the errnos that mean "not now": EBUSY, EAGAIN, EINTR, ENOMEM.
package struct RetryPolicy: Sendable, Equatable {
    package var maxAttempts: Int
    package var initialBackoffNanoseconds: UInt64

    package init(maxAttempts: Int = 5, initialBackoffNanoseconds: UInt64 = 10_000_000) {
        self.maxAttempts = maxAttempts
        self.initialBackoffNanoseconds = initialBackoffNanoseconds
    }

    package static let transient: Set<Errno> = [.resourceBusy, .resourceTemporarilyUnavailable, .interrupted, .noMemory]

    /// Backoff before attempt `attempt + 1` (10 ms, 20 ms, 40 ms, ...).
    package func backoff(after attempt: Int) -> UInt64 {
        initialBackoffNanoseconds << UInt64(max(0, min(attempt - 1, 10)))
    }
}
