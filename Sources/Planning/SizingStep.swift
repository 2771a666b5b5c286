/// What the daemon does with one boot-sized value after a run: the write and the value it gives, or why it is left.
package struct SizingStep: Sendable, Equatable, CustomStringConvertible {
    package let setting: SizedSetting
    package let before: String
    /// The value the change gives, as the kernel will show it; nil when the value is left alone.
    package let after: String?
    package let change: SizingChange?
    /// Why: the formula behind the new value, or what makes the value someone else's.
    package let reason: String

    package init(setting: SizedSetting, before: String, after: String? = nil, change: SizingChange? = nil, reason: String) {
        self.setting = setting
        self.before = before
        self.after = after
        self.change = change
        self.reason = reason
    }

    package var description: String {
        if let after { return "\(setting): \(before) → \(after) (\(reason))" }
        return "\(setting): \(before), left alone: \(reason)"
    }
}
