/// One long option of a command, written once: its name, what it takes, its help, and how its text sets the job.
/// Both front ends parse with it (`OptionTable`), and the help, the boot binary's usage and the docs' check read it:
/// adding an option is one entry here plus its use.
///
/// The tables are built at every boot before the first write, so what only help and errors need (a choice's
/// spellings) is computed when asked, not when the table is built.
package struct CommandOption<Job>: Sendable {
    /// `--name` without its dashes.
    package let name: String
    package let help: String
    package let takesValue: Bool
    /// The value's placeholder in help (`DIR`, `serial|per-zone`) and what an error says was expected.
    let describe: @Sendable () -> (placeholder: String, expected: String)
    /// Sets the job from the value (nil for a flag); false: a value it cannot take.
    let apply: @Sendable (inout Job, String?) -> Bool

    /// A flag: present, it sets the job.
    package static func flag(_ name: String, help: String, _ set: @escaping @Sendable (inout Job) -> Void) -> Self {
        Self(name: name, help: help, takesValue: false, describe: { ("", "") }) { job, _ in
            set(&job)
            return true
        }
    }

    /// An option with a value that `parse` reads, or refuses with `expected`.
    package static func value<Value>(
        _ name: String, _ placeholder: String, help: String, parse: @escaping @Sendable (String) -> Value?, expected: String,
        _ set: @escaping @Sendable (inout Job, Value) -> Void
    ) -> Self {
        Self(name: name, help: help, takesValue: true, describe: { (placeholder, expected) }) { job, text in
            guard let text, let value = parse(text) else { return false }
            set(&job, value)
            return true
        }
    }

    /// An option whose value is one of a fixed set of spellings; help and errors list them.
    package static func choice<Value: RawRepresentable & CaseIterable & SendableMetatype>(
        _ name: String, help: String, _ set: @escaping @Sendable (inout Job, Value) -> Void
    ) -> Self where Value.RawValue == String {
        let describe: @Sendable () -> (String, String) = {
            let spellings = Value.allCases.map { $0.rawValue }
            return (spellings.joined(separator: "|"), spellings.joined(separator: " or "))
        }
        return Self(name: name, help: help, takesValue: true, describe: describe) { job, text in
            guard let text, let value = Value(rawValue: text) else { return false }
            set(&job, value)
            return true
        }
    }

    /// A text taken as it is (a path, a size the job checks when it reads the machine).
    package static func text(_ name: String, _ placeholder: String, help: String, _ set: @escaping @Sendable (inout Job, String) -> Void) -> Self {
        value(name, placeholder, help: help, parse: { $0 }, expected: placeholder, set)
    }

    /// The same option on a job that holds this one, reached through `part` (a closure, not a key path: a key
    /// path's metadata costs ~100 k instructions to instantiate at start-up, before the first write).
    package func lifted<Outer>(_ part: @escaping @Sendable (inout Outer, (inout Job) -> Bool) -> Bool) -> CommandOption<Outer> {
        let apply = self.apply
        return CommandOption<Outer>(name: name, help: help, takesValue: takesValue, describe: describe) { outer, text in
            part(&outer) { apply(&$0, text) }
        }
    }

    /// The value's placeholder in help; nil for a flag.
    package var valueName: String? { takesValue ? describe().placeholder : nil }

    /// `--name VALUE`, or `--name` for a flag.
    package var usage: String { valueName.map { "--\(name) \($0)" } ?? "--\(name)" }
}
