/// A command line an `OptionTable` cannot take: which option, and what was wrong with it. Both binaries print the
/// same message.
package struct OptionError: Error, Equatable, CustomStringConvertible {
    package enum Problem: Equatable, Sendable {
        /// Not an option of this command (or not an option at all: a stray word).
        case unknown
        case needsValue
        /// `--flag=value`.
        case takesNoValue
        case badValue(String, expected: String)
        /// The options parse, but not together (`--fault` without `--simulate`).
        case combination(String)
    }

    /// As written on the line, dashes included.
    package let argument: String
    package let problem: Problem

    package init(_ argument: String, _ problem: Problem) {
        self.argument = argument
        self.problem = problem
    }

    package var description: String {
        switch problem {
        case .unknown: argument.hasPrefix("-") ? "unknown option '\(argument)'" : "unexpected argument '\(argument)'"
        case .needsValue: "\(argument) needs a value"
        case .takesNoValue: "\(argument) takes no value"
        case .badValue(let value, let expected): "\(argument) '\(value)': expected \(expected)"
        case .combination(let message): message
        }
    }
}
