import Foundation
import Testing
import TinyJSON

/// The report's JSON writer: what every run leaves in /run/deferred-memd/report.json and prints with --json.
@Suite("JSON writing", .fixtures)
struct JSONWritingTests {
    static let value = JSONValue.object([
        ("null", .null), ("yes", .bool(true)), ("no", .bool(false)),
        ("zero", .int(0)), ("negative", .int(-42)), ("least", .int(.min)), ("most", .uint(.max)), ("half", .double(0.5)),
        ("notFinite", .double(.infinity)),
        ("escapes", .string("quote \" backslash \\ newline \n return \r tab \t bell \u{7} unit \u{1f}")),
        ("unicode", .string("zone é, 日本, 🧠")),
        ("empty", .object([])), ("none", .array([])),
        ("nested", .array([.int(1), .array([.string("a")]), .object([("k", .uint(7))])])),
    ])

    @Test("every value written as JSON that both parsers read back, compact and indented")
    func roundTrip() throws {
        for indent in [nil, 2] as [Int?] {
            let text = Self.value.serialized(indent: indent)
            let parsed = try JSONValue(parsing: text)
            // Infinity has no JSON form: null.
            guard case .object(var members) = Self.value else { return }
            members[8].1 = .null
            #expect(parsed == .object(members), "\(text)")
            let foundation = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect((foundation["least"] as? NSNumber)?.int64Value == .min)
            #expect((foundation["most"] as? NSNumber)?.uint64Value == .max)
            #expect(foundation["escapes"] as? String == "quote \" backslash \\ newline \n return \r tab \t bell \u{7} unit \u{1f}")
            #expect(foundation["unicode"] as? String == "zone é, 日本, 🧠")
        }
    }

    @Test("the exact text: escapes as JSON spells them, digits, two spaces a level")
    func exactText() {
        #expect(JSONValue.quoted("a\"b\\c\nd\u{1}e") == #""a\"b\\c\nd\u0001e""#)
        #expect(JSONValue.array([.int(-7), .uint(1_000), .int(.min)]).serialized(indent: nil) == "[-7,1000,-9223372036854775808]")
        #expect(JSONValue.object([("a", .array([.null])), ("b", .object([]))]).serialized() == "{\n  \"a\": [\n    null\n  ],\n  \"b\": {}\n}")
    }
}
