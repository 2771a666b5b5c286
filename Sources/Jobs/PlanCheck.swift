import Execution
import KernelFiles
import Logging
import MachineSources
import MemoryModel
import Reporting
import Synchronization
import TinyJSON
#if canImport(Glibc)
import Glibc
#endif

/// `plan --check`, for `ExecCondition=`: 0 when there is memory to bring online, 1 when there is none. Bad input
/// is 0 too: it must not skip the service; `run` then fails loudly and the safety net runs.
public enum PlanCheck {
    public static func status(_ machine: MachineSelection) -> Int32 {
        guard let (_, _, plan) = try? machine.loadPlan() else { return ExitStatus.success }
        return plan.blocks.contains(where: { !$0.alreadyOnline }) ? ExitStatus.success : ExitStatus.nothingDone
    }
}
