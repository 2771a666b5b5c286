import Logging

/// The one logging bootstrap: the journal when stderr is the journal, plain lines on stderr otherwise.
package enum ServiceLogging {
    package static func bootstrap(environment: [String: String], identifier: String = "deferred-memd") {
        if JournalStream.isJournal(environment: environment) {
            // One library for every logger; it is opened by the first entry, not here.
            let library = LibSystemd()
            LoggingSystem.bootstrap { _ in JournalLogHandler(identifier: identifier, library: library) }
        } else {
            LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        }
    }
}
