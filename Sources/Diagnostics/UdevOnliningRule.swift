/// One udev rule that onlines memory blocks: it matches the memory subsystem and writes `state` or `online`
/// (or runs a command that does), so it races the daemon for every block the kernel adds.
package struct UdevOnliningRule: Sendable, Equatable {
    /// The file's name (`40-redhat.rules`): what masks it.
    package var name: String
    /// The machine path of the file that is in effect.
    package var path: String
    /// The first physical line of the rule (continuation lines joined).
    package var line: Int
    /// The rule as written, continuations joined.
    package var text: String
    /// What it writes: `ATTR{state}="$env{.state}"`, `RUN+="…"`.
    package var action: String

    package init(name: String, path: String, line: Int, text: String, action: String) {
        self.name = name
        self.path = path
        self.line = line
        self.text = text
        self.action = action
    }
}
