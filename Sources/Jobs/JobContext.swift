import CLibrary
import Execution
import KernelFiles
import Logging
import MachineSources
import Reporting

/// What every job shares, made once per process by the front end: the logger, systemd notifications, how
/// kernels are made (tests wrap them to watch the writes), and where the job's text goes (tests capture it).
package struct JobContext: Sendable {
    package var logger: Logger
    /// Notifications to systemd, or nil outside a `Type=notify` service.
    package var notifications: RunNotifications?
    /// Makes the kernel a job asked for; the default makes it as asked.
    package var makeKernel: @Sendable (KernelChoice, KernelFiles) -> any HotplugKernel
    /// The job's output, terminators included: stdio's stdout by default, flushed at exit as `print` was.
    package var standardOutput: @Sendable (String) -> Void = { Swift.print($0, terminator: "") }
    /// Messages for people, terminators included: stderr with write(2) by default, unbuffered as `printError` was.
    package var standardError: @Sendable (String) -> Void = { CLibrary.writeAll(2, $0) }
    /// Whether `standardError` is a terminal, for the live progress line; a capture is not.
    package var standardErrorIsTerminal: @Sendable () -> Bool = { isatty(2) == 1 }

    package init(logger: Logger, notifications: RunNotifications? = nil, makeKernel: (@Sendable (KernelChoice, KernelFiles) -> any HotplugKernel)? = nil) {
        self.logger = logger
        self.notifications = notifications
        self.makeKernel = makeKernel ?? { choice, files in choice.make(files: files) }
    }

    /// The context of this process: a logger at `logLevel`, and notifications when systemd listens.
    package static func process(logLevel: Logger.Level, notify: Bool = true) -> JobContext {
        var logger = Logger(label: "deferred-memd")
        logger.logLevel = logLevel
        return JobContext(logger: logger, notifications: notify ? ServiceContext.notifications(environment: ServiceContext.environment()) : nil)
    }

    /// Runs `body` with a stop flag that SIGTERM and SIGINT set (taken by one watcher thread, so the write in
    /// flight always finishes), and stops watching when it returns.
    package func stoppable<Result>(_ body: (StopFlag) throws -> Result) rethrows -> Result {
        let stop = StopFlag()
        let signals = SignalWatcher(stop: stop)
        defer { signals.finish() }
        return try body(stop)
    }

    /// One result on the job's output.
    func print(_ text: String, terminator: String = "\n") {
        standardOutput(text + terminator)
    }

    /// One line on the job's stderr.
    func printError(_ text: String) {
        standardError(text + "\n")
    }

    /// Bad input: the message on stderr and to systemd, nothing written.
    func refuse(_ error: BadInput) -> ExitStatus {
        printError("error: \(error.message)")
        notifications?.failed("bad input: \(error.message)", errno: error.errno)
        return .badInput
    }
}
