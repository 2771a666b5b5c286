/// CLOCK_MONOTONIC (ns) where a run's start-up passes from one phase to the next, for the report: the loader and the
/// runtime before `main`, then reading the machine, then planning, then the preparations before the engine starts
/// (`EngineResult.startedMonotonic`). 0: not known (a run not started by a binary, as in tests).
package struct StartupStamps: Sendable, Equatable {
    /// When the process's `main` began.
    package var main: UInt64 = 0
    /// When the machine and the configuration had been read.
    package var machineRead: UInt64 = 0
    /// When the plan had been computed.
    package var planned: UInt64 = 0

    package init(main: UInt64 = 0, machineRead: UInt64 = 0, planned: UInt64 = 0) {
        self.main = main
        self.machineRead = machineRead
        self.planned = planned
    }
}
