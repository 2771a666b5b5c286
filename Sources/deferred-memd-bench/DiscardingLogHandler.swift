import Execution
import Logging
import MachineSources
import MemoryModel
import Planning
import Synchronization

/// A log handler at `info` that drops everything: the level check is what the engine pays in production.
struct DiscardingLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {}
}
