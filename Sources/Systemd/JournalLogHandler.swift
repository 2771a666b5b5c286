import CLibrary
import CSystemd
import KernelFiles
import Logging
import SystemPackage

/// swift-log handler that writes structured journal entries through `sd_journal_sendv`.
///
/// Use it only when `JournalStream.standardErrorIsJournal` says so: with no journald listening, sendv drops
/// entries without an error, and plain lines on stderr would have been seen.
package struct JournalLogHandler: LogHandler {
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    private let identifier: String

    package init(identifier: String) {
        self.identifier = identifier
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = JournalEntry.fields(
            identifier: identifier, level: event.level, message: "\(event.message)", metadata: merged,
            file: event.file, function: event.function, line: event.line)
        JournalEntry.send(fields)
    }
}
