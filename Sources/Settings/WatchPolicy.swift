/// Which zone `watch` gives hot-added blocks (`[Watch] Policy=`, `--policy`).
package enum WatchPolicy: String, ConfigurationChoice {
    /// The configured split, applied to each burst of added blocks.
    case split
    /// The kernel's `online_policy=auto-movable` rule: a burst goes Movable while MOVABLE:KERNEL stays under the ratio.
    case autoMovable = "auto-movable"
}
