import Foundation
import Reporting
import Testing

/// The exit codes are written once, in `ExitStatus`: the help prints its table, and every document that lists the
/// codes or names one beside its case must say the same.
@Suite("Every document states the exit codes as ExitStatus defines them", .fixtures)
struct ExitStatusDocsTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: Fixture.repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every file of the repository with this extension under `folder`.
    static func files(under folder: String, ending suffix: String) throws -> [String] {
        let root = Fixture.repository.appendingPathComponent(folder).path
        return try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(suffix) }.map { "\(folder)/\($0)" }.sorted()
    }

    /// Each "exit N (`ExitStatus.name`)" in `text` (also "exits", any case, the code and the case on two lines).
    static func namedCodes(in text: String) -> [(written: Int32?, name: String)] {
        let marker = "(`ExitStatus."
        var found: [(Int32?, String)] = []
        var rest = text[...]
        while let range = rest.range(of: marker) {
            let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber }
            let words = rest[..<range.lowerBound].suffix(40).split(whereSeparator: \.isWhitespace).suffix(2).map(String.init)
            if words.count == 2, ["exit", "exits"].contains(words[0].lowercased()) {
                found.append((Int32(words[1]), String(name)))
            }
            rest = rest[range.upperBound...]
        }
        return found
    }

    @Test("README.md and deferred-memd.8.md list the codes exactly as ExitStatus.table() prints them")
    func tables() throws {
        for path in ["README.md", "Docs/deferred-memd.8.md"] {
            #expect(try Self.text(path).contains(ExitStatus.table()), "\(path): its exit-code table differs from ExitStatus.table()")
        }
    }

    @Test("the generated man page carries every line of the table (scripts/generate-manual.sh after a change)")
    func manPage() throws {
        let manual = try Self.text("Docs/man/deferred-memd.8")
        for line in ExitStatus.table().split(separator: "\n") {
            #expect(manual.contains(line), "Docs/man/deferred-memd.8 lacks '\(line)': run scripts/generate-manual.sh")
        }
    }

    /// "exits 5 (`ExitStatus.memoryShortfall`)": wherever a document or a comment names a code beside its case.
    @Test("a code written beside its ExitStatus case, in Docs, README.md or a source comment, is that case's")
    func namedCodes() throws {
        let paths = try ["README.md"] + Self.files(under: "Docs", ending: ".md") + Self.files(under: "Sources", ending: ".swift")
        var named = 0
        for path in paths {
            for (written, name) in Self.namedCodes(in: try Self.text(path)) {
                let status = ExitStatus.allCases.first { "\($0)" == name }
                #expect(status != nil, "\(path): no ExitStatus.\(name)")
                #expect(
                    status == nil || status?.rawValue == written, "\(path): exit \(written ?? -1) beside ExitStatus.\(name), which is \(status?.rawValue ?? -1)"
                )
                named += 1
            }
        }
        // The three places that name one today (design.md twice, Finding.Severity): the check has something to check.
        #expect(named >= 3)
    }
}
