import Logging

/// The one logging bootstrap: the journal when stderr is the journal, plain lines on stderr otherwise.
package enum ServiceLogging {
    package static func bootstrap(environment: [String: String], identifier: String = "deferred-memd") {
        if JournalStream.isJournal(environment: environment) {
            LoggingSystem.bootstrap { _ in JournalLogHandler(identifier: identifier) }
        } else {
            LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        }
    }
}
