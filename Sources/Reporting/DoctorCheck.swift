import MemoryModel
import Planning

/// The checks of `deferred-memd doctor`: a pure function from what was read to one finding per check.
///
/// The most common field failures of deferred onlining are in the machine around the daemon (a udev rule that
/// onlines first, a kernel without `probe`, a default online type, `mem=` inside a block, too little free memory
/// for the memmap), so each check names what it found and, when it is not ok, what to do.
package enum DoctorCheck {
    package static func findings(_ input: DoctorInput) -> [Finding] {
        var findings = kernel(input)
        if case .success(let machine) = input.machine {
            findings += commandLine(machine)
            findings += handover(machine)
        }
        findings += parameters(input)
        findings += udev(input)
        findings += plan(input)
        findings += lastRun(input)
        findings += planWarnings(input, shown: Set(findings.map(\.code)))
        findings += input.otherFailures.map {
            Finding(.fail, .source, $0)
        }
        return findings
    }

    /// Plan warnings that a check with another code covers, from the sources themselves. Any other warning whose
    /// code a check gave is not repeated either.
    package static let coveredBy: [FindingCode: FindingCode] = [.noProbeFile: .probeInterface, .noRAMMap: .deferredMissing]

    /// The plan's warnings that no check above gave under its own code, each a finding of its own.
    static func planWarnings(_ input: DoctorInput, shown: Set<FindingCode>) -> [Finding] {
        guard case .success(let plan)? = input.plan else { return [] }
        return plan.warnings.filter { !shown.contains($0.code) && !shown.contains(coveredBy[$0.code] ?? $0.code) }.map {
            Finding(.warn, $0.code, $0.message)
        }
    }
}
