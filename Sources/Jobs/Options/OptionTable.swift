/// A command's long options, in the order help lists them: the one parser both binaries use for `run`, `rescue`
/// and `plan --check` (`--name value` and `--name=value`; a value never starts with `--`), and the source of
/// their help and usage lines.
package struct OptionTable<Job>: Sendable {
    package let options: [CommandOption<Job>]

    package init(_ options: [CommandOption<Job>]) {
        self.options = options
    }

    /// The options of a part of the job (`MachineSelection` in `RunJob`), reached through `access`, then these.
    package init<Part>(
        _ part: OptionTable<Part>, _ options: [CommandOption<Job>] = [], access: @escaping @Sendable (inout Job, (inout Part) -> Bool) -> Bool
    ) {
        self.options = part.options.map { $0.lifted(access) } + options
    }

    package static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.options + rhs.options) }

    /// `job` with every option of `arguments` applied, in order (a repeated option applies again).
    package func parse(_ arguments: some Sequence<String>, onto job: Job) throws(OptionError) -> Job {
        var job = job
        var arguments = arguments.makeIterator()
        while let argument = arguments.next() {
            guard argument.hasPrefix("--"), argument.count > 2 else { throw OptionError(argument, .unknown) }
            // Names compared as substrings of the argument: no string is built unless the line is wrong.
            let equals = argument.firstIndex(of: "=")
            let written = argument[..<(equals ?? argument.endIndex)]
            let inline = equals.map { String(argument[argument.index(after: $0)...]) }
            guard let option = options.first(where: { written.dropFirst(2) == $0.name }) else { throw OptionError(String(written), .unknown) }
            var value: String? = nil
            if !option.takesValue {
                guard inline == nil else { throw OptionError(String(written), .takesNoValue) }
            } else if let inline {
                value = inline
            } else {
                guard let following = arguments.next(), !following.hasPrefix("--") else { throw OptionError(String(written), .needsValue) }
                value = following
            }
            guard option.apply(&job, value) else { throw OptionError(String(written), .badValue(value ?? "", expected: option.describe().expected)) }
        }
        return job
    }

    /// The option `--name`: for ArgumentParser's declarations of the same options in the commands that do not
    /// parse with tables (`plan`, `watch`), which take their help from here; `OptionParityTests` checks the names.
    package subscript(name: String) -> CommandOption<Job> {
        guard let option = options.first(where: { $0.name == name }) else { preconditionFailure("no option --\(name)") }
        return option
    }

    /// Every `--name`, for completions and the docs' check.
    package var names: [String] { options.map { "--" + $0.name } }

    /// `[--sysroot DIR] [--json] …`, wrapped to `width` with continuation lines indented by `indent`.
    package func synopsis(width: Int = 100, indent: Int = 0) -> String {
        var lines: [String] = []
        var line = ""
        for part in options.map({ "[\($0.usage)]" }) {
            if !line.isEmpty && indent + line.count + 1 + part.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + part
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }

    /// One entry per option, its help wrapped beside it, as ArgumentParser lays out its own options (76 columns:
    /// ArgumentParser wraps a discussion again at 80, counting the indentation it adds). No empty line, before or
    /// after: the man page carries the discussion as it is, and lintian fails the package on an empty roff line.
    package func help(width: Int = 76) -> String {
        let column = 28
        let margin = String(repeating: " ", count: column)
        var entries: [String] = []
        for option in options {
            let head = "  " + option.usage
            var lines = head.count < column - 1 ? [head + String(repeating: " ", count: column - head.count)] : [head, margin]
            for word in option.help.split(separator: " ") {
                let last = lines[lines.count - 1]
                if last.count > column && last.count + 1 + word.count > width { lines.append(margin) }
                lines[lines.count - 1] += (lines[lines.count - 1].count > column ? " " : "") + word
            }
            entries.append(lines.joined(separator: "\n"))
        }
        return entries.joined(separator: "\n")
    }
}
