/// What a run does when `auto_online_blocks` is not `offline` and blocks need probing (`[Run] AutoOnline=`,
/// `--auto-online`).
package enum AutoOnlinePolicy: String, ConfigurationChoice {
    /// Set it to `offline` for the run and restore it afterwards (a crashed run's value is restored by the next).
    case `switch`
    /// Leave it alone and probe nothing: the kernel would pick each probed block's zone.
    case refuse
}
