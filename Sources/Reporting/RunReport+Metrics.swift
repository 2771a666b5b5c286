extension RunReport {
    /// The report's figures as metrics; `endedAt` is wall-clock milliseconds.
    package func metrics(command: String, endedAt: UInt64) -> RunMetrics {
        RunMetrics(
            command: command, records: result.records, blockSize: plan.blockSize, durationNanoseconds: result.elapsedNanoseconds, exitStatus: status,
            endedAtMilliseconds: endedAt, warnings: plan.warnings)
    }
}
