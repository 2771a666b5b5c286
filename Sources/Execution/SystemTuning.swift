import MachineSources
import Planning

/// The writes that size the system again once memory is online, and the one read that is not a file under the
/// sysroot (PID 1's limits: `ProtectProc=invisible` hides `/proc/1` from the unit; prlimit(2) still reads them).
/// The machine's own (`LiveTuning`), a model over a fake tree, or a recorder for the dry run.
package protocol SystemTuning: Sendable {
    func initLimit(_ limit: InitLimit) throws(TuningError) -> ResourceLimit
    func apply(_ change: SizingChange) throws(TuningError)
}
