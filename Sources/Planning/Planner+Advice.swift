import MachineSources
import MemoryModel

/// What the plan warns about, from the rules it shares with `doctor`.
extension Planner {
    /// The plan with its memmap budget and the warnings of every rule it shares with `doctor`.
    func withAdvice(_ plan: Plan, machine: Machine) -> Plan {
        var plan = plan
        let pageSize = machine.pageSize
        plan.pageSize = pageSize
        let balance = ZoneBalance(machine: machine, plan: plan)
        // MemFree less ZONE_MOVABLE's free pages (a boot with kernelcore= or movable_node has some): GFP_KERNEL only.
        let movableFree = machine.zoneSpans?.movableFreeBytes(pageSize: pageSize) ?? 0
        if machine.deferredMemInit?.addsHostTheirMemmap != true, let meminfo = machine.meminfo,
            let budget = Self.memmapBudget(
                plan.blocks, blockSize: plan.blockSize, pageSize: pageSize, free: meminfo.memFree - min(movableFree, meminfo.memFree))
        {
            plan.memmapBudget = budget
            if budget.tight { plan.normalFirst = true }
        }
        let findings: [Finding?] = [
            balance.finding, PlanRules.memmap(machine, plan), PlanRules.autoOnlineBlocks(machine, plan), PlanRules.probeFile(machine, plan),
            PlanRules.bounceBuffer(machine, plan),
            MachineRules.movableNode(machine), MachineRules.memhpDefaultState(machine), MachineRules.kernelcore(machine),
        ]
        plan.warnings += findings.compactMap { $0.flatMap(PlanWarning.init) }
        if let warning = Self.hashTableWarning(boot: balance.bootBytes, full: balance.kernelBytes + balance.movableBytes, machine: machine) {
            plan.warnings.append(warning)
        }
        return plan
    }

    /// The tables the kernel sized for `boot` bytes that would be larger for `full`, unless the command line sizes
    /// them: each with its entries now and the value that sizes it for all the memory at the next boot.
    static func hashTableWarning(boot: UInt64, full: UInt64, machine: Machine) -> PlanWarning? {
        guard full > boot, boot > 0 else { return nil }
        let pageSize = machine.pageSize
        let small = HashTable.all.compactMap { table -> (HashTable, UInt64, UInt64)? in
            guard !machine.commandLine.hashEntries.contains(table.parameter) else { return nil }
            let now = table.entries(ramBytes: boot, pageSize: pageSize), wanted = table.entries(ramBytes: full, pageSize: pageSize)
            return wanted > now ? (table, now, wanted) : nil
        }
        guard !small.isEmpty else { return nil }
        let tables = small.map { "\($0.0.name) \($0.1) entries (\($0.2) for all of it)" }.joined(separator: ", ")
        let words = small.map { "\($0.0.parameter)=\($0.2)" }.joined(separator: " ")
        return PlanWarning(
            .bootSizedHashTables,
            "hash tables sized at boot for \(ByteCount.describe(boot)) and fixed for good: \(tables); for the next boot, sized for \(ByteCount.describe(full)): \(words)"
        )
    }
}
