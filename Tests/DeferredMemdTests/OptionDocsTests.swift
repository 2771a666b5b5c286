import Foundation
import Jobs
import Testing

/// The options are written once, in the jobs' option tables: the help and the boot binary's usage print them, and
/// the documents' synopses of `run` and `rescue` must be the tables' own, so that a new option cannot be left out.
@Suite("README.md and deferred-memd.8.md show run's and rescue's options as their tables list them", .fixtures)
struct OptionDocsTests {
    /// `deferred-memd run    [--sysroot DIR] …` with its continuation lines, as the documents' synopses align them.
    static func synopsis(_ command: String, _ table: some SynopsisTable) -> String {
        let head = "deferred-memd " + command.padding(toLength: 7, withPad: " ", startingAt: 0)
        return head + table.synopsis(width: 120, indent: head.count)
    }

    @Test("each document's synopsis of run and rescue is the table's", arguments: ["README.md", "Docs/deferred-memd.8.md"])
    func synopses(_ path: String) throws {
        let text = try String(contentsOf: Fixture.repository.appendingPathComponent(path), encoding: .utf8)
        for expected in [Self.synopsis("run", RunJob.options), Self.synopsis("rescue", RescueJob.options)] {
            #expect(text.contains(expected), "\(path) lacks the synopsis its table prints:\n\(expected)")
        }
    }

    @Test("the generated man page, which carries run's and rescue's option help, has no empty line (lintian fails the .deb on one)")
    func manPageHasNoEmptyLine() throws {
        let manual = try String(contentsOf: Fixture.repository.appendingPathComponent("Docs/man/deferred-memd.8"), encoding: .utf8)
        let empty = manual.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated().filter { $0.element.isEmpty }.map { $0.offset + 1 }
        #expect(empty.isEmpty, "Docs/man/deferred-memd.8: empty lines \(empty); keep them out of the commands' discussions, then scripts/generate-manual.sh")
    }
}

/// An option table of any job, for the synopsis.
protocol SynopsisTable {
    func synopsis(width: Int, indent: Int) -> String
}

extension OptionTable: SynopsisTable {}
