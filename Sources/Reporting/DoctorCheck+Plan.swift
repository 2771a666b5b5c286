import MachineSources
import MemoryModel
import Planning

/// The plan: what it defers and how it splits, and the plan rules it shares with the planner.
extension DoctorCheck {
    static func plan(_ input: DoctorInput) -> [Finding] {
        let machine: Machine
        switch input.machine {
        case .failure(let failure):
            return [
                Finding(
                    .fail, .plan, "the machine cannot be read: \(failure.message)",
                    remedy: "fix or remove the file named; deferred-memd refuses to write anything (exit 2) until it parses")
            ]
        case .success(let read): machine = read
        }
        let plan: Plan
        switch input.plan {
        case .failure(let failure)?:
            return [
                Finding(
                    .fail, .plan, "no plan: \(failure.message)",
                    remedy: "fix the value named; deferred-memd refuses to write anything (exit 2) until it parses")
            ]
        case nil: return []
        case .success(let made)?: plan = made
        }
        var findings: [Finding] = []
        let probe = plan.blocks.filter { $0.action == .probe }.count
        findings.append(
            Finding(
                .ok, .plan,
                "source \(plan.source.rawValue): \(ByteCount.describe(plan.totalBytes)) deferred in \(plan.blocks.count) blocks (\(probe) by probe, \(plan.blocks.count - probe) present); split \(PlanReport.describe(plan.split)): Normal \(ByteCount.describe(plan.bytes(in: .normal))), Movable \(ByteCount.describe(plan.bytes(in: .movable)))"
            ))

        findings += [PlanRules.movableRatio(machine, plan), PlanRules.memmap(machine, plan)]

        let carveOuts = plan.skipped.compactMap { skip -> String? in if case .reserved(let name) = skip.reason { name } else { nil } }
        let partial = plan.skipped.filter { if case .reserved = $0.reason { false } else { true } }.reduce(0) { $0 + $1.bytes }
        var skippedMessage =
            carveOuts.isEmpty
            ? "no carve-out in the way" : "\(carveOuts.count) blocks skipped for carve-outs (\(Array(Set(carveOuts)).sorted().joined(separator: ", ")))"
        skippedMessage += partial == 0 ? "; no RAM lost to partial blocks" : "; \(ByteCount.describe(partial)) (\(partial) bytes) lost in partial blocks"
        findings.append(Finding(.ok, .skipped, skippedMessage))

        return findings
    }
}
