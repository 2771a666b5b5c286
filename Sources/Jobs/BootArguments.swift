/// The boot path's parser for what the units run: `run` and `plan --check` at every boot, `rescue` when it fails,
/// with the options a unit, a drop-in or a benchmark passes.
///
/// swift-argument-parser builds its model of a command by reflection (`Mirror`, a protocol-conformance scan per
/// option type): 13 M instructions, ≈ 3.5 ms before the first sysfs write (Docs/performance.md), and it links
/// FoundationEssentials (+7.5 MB). So these commands' options are the jobs' `OptionTable`s, which both binaries
/// parse with: the boot binary (`deferred-memd-boot`) has no other parser, and `deferred-memd` runs these lines
/// here before ArgumentParser (which then only gives help and, from the same tables, the same errors).
package enum BootArguments {
    /// The command, or nil when the line is not one the boot path runs (another command, `plan` without
    /// `--check`, help); a line it runs whose options are wrong is an `OptionError`.
    package static func command(_ arguments: [String]) throws(OptionError) -> BootCommand? {
        guard let name = arguments.first else { return nil }
        let options = arguments.dropFirst()
        guard !options.contains(where: { $0 == "--help" || $0 == "-h" }) else { return nil }
        switch name {
        case "run": return .run(try RunJob.parse(options))
        case "plan":
            guard options.contains("--check") else { return nil }
            return .planCheck(PlanCheck(machine: try MachineSelection.options.parse(options.filter { $0 != "--check" }, onto: MachineSelection())))
        case "rescue": return .rescue(try RescueJob.options.parse(options, onto: RescueJob()))
        default: return nil
        }
    }

    /// What the boot binary prints with a line it cannot run.
    package static var usage: String {
        let run = "deferred-memd-boot run "
        let plan = "deferred-memd-boot plan --check "
        let rescue = "deferred-memd-boot rescue "
        return """
            usage: \(run)\(RunJob.options.synopsis(width: 120, indent: run.count + 7))
                   \(plan)\(MachineSelection.options.synopsis(width: 120, indent: plan.count + 7))
                   \(rescue)\(RescueJob.options.synopsis(width: 120, indent: rescue.count + 7))
            Help and every other command: deferred-memd(8), the command-line tool, which takes the same options.
            """
    }
}
