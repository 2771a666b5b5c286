import Diagnostics
import MemoryModel
import Planning

/// Other onliners: udev rules, and the watch service beside them.
extension DoctorCheck {
    static func udev(_ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        for rule in input.udev.onlining {
            let remedy =
                rule.path.hasPrefix(UdevRules.directories[0] + "/")
                ? "delete line \(rule.line) of \(rule.path), then udevadm control --reload"
                : "mask it: ln -s /dev/null \(UdevRules.maskPath(rule.name)) (this disables the whole file; or copy it there and delete line \(rule.line)), then udevadm control --reload"
            findings.append(
                Finding(
                    .fail, .udevRule,
                    "\(rule.path):\(rule.line) onlines memory (\(rule.action)): it races the daemon for every block the kernel adds, in its own choice of zone",
                    remedy: remedy))
        }
        if input.udev.onlining.isEmpty {
            let masked = input.udev.masked.isEmpty ? "" : "; masked: " + input.udev.masked.map(\.name).joined(separator: ", ")
            findings.append(Finding(.ok, .udevRules, "no udev rule onlines memory (\(input.udev.filesRead) rule files read\(masked))"))
        }
        if input.watchEnabled, let rule = input.udev.onlining.first {
            findings.append(
                Finding(
                    .fail, .udevAndWatch,
                    "deferred-memd-watch.service is enabled and \(rule.name) also onlines memory: both act on every hot-added block, and whichever writes first chooses the zone",
                    remedy: "keep one: mask \(rule.name) (ln -s /dev/null \(UdevRules.maskPath(rule.name))) or systemctl disable deferred-memd-watch.service"))
        } else {
            findings.append(
                Finding(
                    .ok, .udevAndWatch,
                    input.watchEnabled ? "deferred-memd-watch.service is the only onliner of hot-added memory" : "deferred-memd-watch.service is not enabled"))
        }
        return findings
    }
}
