import Synchronization

/// What `auto_online_blocks` holds during an auto-zone run: the zone command the last probe was made under.
///
/// Set by `AutoOnlineSwitch.prepare` to the first probed block's zone, switched by the executor only when the
/// zone changes (Normal blocks first, then Movable: two switches in all). nil once a switch failed: the value the
/// kernel holds is then not known, and every later block takes the two-write path. Shared by reference so the
/// engine's one serial worker and the verification after it see the same value.
package final class AutoZoneSetting: Sendable {
    private let value: Mutex<String?>

    package init(current: String) {
        value = Mutex(current)
    }

    package var current: String? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
