/// A setting with a fixed set of spellings (`Workers=serial`, `--auto-online refuse`): parsed once, at the
/// edge, and the allowed values in every message come from the same list.
package protocol ConfigurationChoice: RawRepresentable, CaseIterable, Sendable, Equatable where RawValue == String {}

extension ConfigurationChoice {
    /// `per-zone or serial`.
    package static var expected: String { allCases.map(\.rawValue).joined(separator: " or ") }

    package init?(parsing text: Substring) {
        self.init(rawValue: String(text))
    }
}
