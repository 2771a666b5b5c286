import CLibrary
import Logging

/// swift-log handler that writes structured journal entries through `sd_journal_sendv`.
///
/// Use it only when `JournalStream.isJournal` says so: with no journald listening, sendv drops entries without an
/// error, and plain lines on stderr would have been seen. Where libsystemd is missing, each entry goes to that
/// same stream as one line with its priority prefix.
package struct JournalLogHandler: LogHandler {
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    private let identifier: String
    private let library: LibSystemd
    private let stream: Int32

    /// `stream`: the descriptor systemd connected to the journal (stderr), for entries libsystemd cannot send.
    package init(identifier: String, library: LibSystemd, stream: Int32 = 2) {
        self.identifier = identifier
        self.library = library
        self.stream = stream
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        guard let sendv = library.entries?.journalSendv else {
            CLibrary.writeAll(stream, JournalEntry.streamLine(level: event.level, message: "\(event.message)", metadata: merged))
            return
        }
        let fields = JournalEntry.fields(
            identifier: identifier, level: event.level, message: "\(event.message)", metadata: merged,
            file: event.file, function: event.function, line: event.line)
        JournalEntry.send(fields, through: sendv)
    }
}
