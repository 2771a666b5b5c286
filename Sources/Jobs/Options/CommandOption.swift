/// One long option of a command, written once: its name, what it takes, its help, and how its text sets the job.
/// Both front ends parse with it (`OptionTable`), and the help, the boot binary's usage and the docs' check read it:
/// adding an option is one entry here plus its use.
package struct CommandOption<Job>: Sendable {
    /// `--name` without its dashes.
    package let name: String
    /// The value's placeholder in help (`DIR`, `serial|per-zone`); nil for a flag.
    package let valueName: String?
    package let help: String
    /// Sets the job from the value (nil for a flag); a value it cannot take returns what was expected.
    let apply: @Sendable (inout Job, String?) -> String?

    /// A flag: present, it sets the job.
    package static func flag(_ name: String, help: String, _ set: @escaping @Sendable (inout Job) -> Void) -> Self {
        Self(name: name, valueName: nil, help: help) { job, _ in
            set(&job)
            return nil
        }
    }

    /// An option with a value that `parse` reads, or refuses with `expected`.
    package static func value<Value>(
        _ name: String, _ valueName: String, help: String, parse: @escaping @Sendable (String) -> Value?, expected: String,
        _ set: @escaping @Sendable (inout Job, Value) -> Void
    ) -> Self {
        Self(name: name, valueName: valueName, help: help) { job, text in
            guard let text, let value = parse(text) else { return expected }
            set(&job, value)
            return nil
        }
    }

    /// An option whose value is one of a fixed set of spellings; help and errors list them.
    package static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, help: String, _ set: @escaping @Sendable (inout Job, Value) -> Void
    ) -> Self where Value.RawValue == String {
        let spellings = Value.allCases.map(\.rawValue)
        let values = Dictionary(uniqueKeysWithValues: Value.allCases.map { ($0.rawValue, $0) })
        return value(name, spellings.joined(separator: "|"), help: help, parse: { values[$0] }, expected: spellings.joined(separator: " or "), set)
    }

    /// A text taken as it is (a path, a size the job checks when it reads the machine).
    package static func text(_ name: String, _ valueName: String, help: String, _ set: @escaping @Sendable (inout Job, String) -> Void) -> Self {
        value(name, valueName, help: help, parse: { $0 }, expected: valueName, set)
    }

    /// The same option on a job that holds this one at `path`.
    package func lifted<Outer>(_ path: WritableKeyPath<Outer, Job> & Sendable) -> CommandOption<Outer> {
        let apply = self.apply
        return CommandOption<Outer>(name: name, valueName: valueName, help: help) { outer, text in apply(&outer[keyPath: path], text) }
    }

    /// `--name VALUE`, or `--name` for a flag.
    package var usage: String { valueName.map { "--\(name) \($0)" } ?? "--\(name)" }
}
