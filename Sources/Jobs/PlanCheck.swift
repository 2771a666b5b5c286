import Reporting

/// `plan --check`, for `ExecCondition=`: 0 when there is memory to bring online, 1 when there is none. Bad input
/// is 0 too: it must not skip the service; `run` then fails loudly and the safety net runs. So is `mem=` with no
/// RAM map to locate the rest (arm64 under UEFI without the vendor interface): the device is stuck at its boot
/// memory, and a skipped unit would say nothing about it.
package struct PlanCheck: Sendable, Equatable {
    package var machine = MachineSelection()

    package init(machine: MachineSelection = MachineSelection()) {
        self.machine = machine
    }

    package func run() -> ExitStatus {
        guard let (_, _, plan) = try? machine.loadPlan() else { return .success }
        if plan.deferredMemoryUnlocated != nil { return .success }
        return plan.blocks.contains(where: { !$0.alreadyOnline }) ? .success : .nothingDone
    }
}
