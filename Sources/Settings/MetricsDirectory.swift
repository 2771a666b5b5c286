/// Where the Prometheus text files go (`[Metrics] Directory=`, `--metrics-directory`): node_exporter's textfile
/// collector directory, `/var/lib/prometheus/node-exporter` on Debian. Unset: no metrics.
///
/// One file per command (`deferred-memd-run.prom`, `-rescue.prom`, `-watch.prom`), so that a later `watch` burst
/// never hides what the boot's run left missing. The collector reads only `*.prom` files, and it reads them
/// while we write: every file is replaced by a rename in the same directory. The path is under `--sysroot`, like
/// everything else the daemon writes.
package struct MetricsDirectory: Sendable, Equatable {
    package let path: String

    /// An absolute path without NUL; trailing slashes dropped.
    package init?(parsing text: Substring) {
        guard text.hasPrefix("/"), !text.contains("\0") else { return nil }
        var path = String(text)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }

    package static let expected = "an absolute directory path, such as /var/lib/prometheus/node-exporter"

    /// The file `command` (`run`, `rescue`, `watch`) writes.
    package func file(for command: String) -> String {
        (path == "/" ? "" : path) + "/deferred-memd-\(command).prom"
    }
}
