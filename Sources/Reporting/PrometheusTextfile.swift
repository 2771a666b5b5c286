/// The Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector reads it: for
/// each family a `# HELP` and a `# TYPE` line, then its samples, together.
///
/// Numbers are formatted here, by hand: the boot binary links no Foundation, and `String(Double)` would print
/// `1.764e+09` for a timestamp, which Prometheus reads but people grep badly.
package struct PrometheusTextfile: Sendable, Equatable {
    package enum Kind: String, Sendable {
        case gauge, counter
    }

    package struct Sample: Sendable, Equatable {
        package var labels: [(String, String)]
        package var value: String

        package init(_ labels: [(String, String)] = [], _ value: String) {
            self.labels = labels
            self.value = value
        }

        package static func == (lhs: Sample, rhs: Sample) -> Bool {
            lhs.value == rhs.value && lhs.labels.map(\.0) == rhs.labels.map(\.0) && lhs.labels.map(\.1) == rhs.labels.map(\.1)
        }
    }

    package struct Family: Sendable, Equatable {
        package var name: String
        package var help: String
        package var kind: Kind
        package var samples: [Sample]

        package init(_ name: String, _ kind: Kind, help: String, _ samples: [Sample]) {
            self.name = name
            self.help = help
            self.kind = kind
            self.samples = samples
        }
    }

    package var families: [Family]

    package init(_ families: [Family]) { self.families = families }

    /// The file's text; a family without samples is left out (its HELP alone would say nothing).
    package var text: String {
        var out = ""
        for family in families where !family.samples.isEmpty {
            out += "# HELP \(family.name) \(Self.escapedHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                out += family.name
                if !sample.labels.isEmpty {
                    out += "{" + sample.labels.map { "\($0.0)=\"\(Self.escapedLabel($0.1))\"" }.joined(separator: ",") + "}"
                }
                out += " \(sample.value)\n"
            }
        }
        return out
    }

    /// HELP text: backslash and newline escaped.
    static func escapedHelp(_ text: String) -> String { escaped(text, quote: false) }

    /// A label value: backslash, double quote and newline escaped.
    static func escapedLabel(_ text: String) -> String { escaped(text, quote: true) }

    /// The text format's escapes: backslash and newline always, the double quote inside label values only.
    private static func escaped(_ text: String, quote: Bool) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"" where quote: out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// `value / 10^scale` in decimal, without trailing zeros: (412_000_000, 9) → `0.412`, (5, 0) → `5`.
    package static func decimal(_ value: UInt64, scale: Int) -> String {
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let whole = value / divisor
        var fraction = value % divisor
        guard fraction > 0 else { return "\(whole)" }
        var digits = scale
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = "\(fraction)"
        return "\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }
}
