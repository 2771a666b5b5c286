import MemoryModel
import Planning

/// The last run's report, and the deferred memory still missing.
extension DoctorCheck {
    static func lastRun(_ input: DoctorInput) -> [Finding] {
        var findings: [Finding] = []
        if let run = input.lastRun {
            if run.exitCode == 0 {
                findings.append(Finding(.ok, .lastRun, run.summary))
            } else {
                let blocks = run.problems.isEmpty ? "" : "; " + run.problems.prefix(8).joined(separator: ", ") + (run.problems.count > 8 ? ", …" : "")
                // A run that failed no block stopped before any (bad input, no RAM map, no room for the memmap):
                // its summary says why, and there is no errno to look up.
                let remedy =
                    run.problems.isEmpty
                    ? "the summary says why; the other findings here and deferred-memd plan say what to change, then deferred-memd run"
                    : "see /run/deferred-memd/report.json and journalctl -u deferred-memd for each block's errno; deferred-memd run finishes what is left"
                findings.append(Finding(.fail, .lastRun, "exit \(run.exitCode): \(run.summary)\(blocks)", remedy: remedy))
            }
        } else if input.lastRunUnreadable {
            findings.append(
                Finding(
                    .warn, .lastRun, "/run/deferred-memd/report.json is not a report this daemon wrote", remedy: "remove it; the next run writes a new one"))
        } else {
            findings.append(Finding(.ok, .lastRun, "no run this boot (no /run/deferred-memd/report.json)"))
        }
        guard case .success(let machine) = input.machine, case .success(let plan)? = input.plan, plan.crashKernel == nil else { return findings }
        let missing = StatusReport.missingBytes(plan, directory: machine.memory)
        if let unlocated = plan.deferredMemoryUnlocated {
            findings.append(
                Finding(
                    .fail, .deferredMissing, "the memory mem= hides is not online, and cannot be: \(unlocated.message)",
                    remedy: FindingCode.noRAMMap.remedy))
        } else if plan.blocks.isEmpty {
            findings.append(Finding(.ok, .deferredMissing, "nothing deferred"))
        } else if missing == 0 {
            findings.append(Finding(.ok, .deferredMissing, "all \(ByteCount.describe(plan.totalBytes)) of deferred memory is online"))
        } else if input.lastRun != nil {
            findings.append(
                Finding(
                    .fail, .deferredMissing,
                    "\(ByteCount.describe(missing)) of \(ByteCount.describe(plan.totalBytes)) deferred memory is still not online after the last run",
                    remedy: "deferred-memd status shows which blocks; deferred-memd run finishes them"))
        } else {
            findings.append(
                Finding(
                    .warn, .deferredMissing,
                    "\(ByteCount.describe(missing)) of \(ByteCount.describe(plan.totalBytes)) deferred memory is not online yet, and no run is recorded",
                    remedy: "systemctl status deferred-memd.service (is it enabled?), or deferred-memd run"))
        }
        return findings
    }
}
