import Diagnostics
import Execution
import KernelFiles
import MachineSources
import Planning
import Reporting

/// `doctor` as a value: reads everything around the daemon under `--sysroot` (kernel configuration, command line,
/// module parameters, udev rules, the plan, the last run) and prints one finding per check. Reads only: nothing is
/// written, not even under `/run`; a source that cannot be read is a finding, not an error.
package struct DoctorJob: Sendable, Equatable {
    package var machine = MachineSelection()
    package var json = false

    /// A `.wants` link for the watch unit under /etc/systemd/system: `systemctl enable` made one.
    static let watchUnit = "deferred-memd-watch.service"
    static let unitDirectory = "/etc/systemd/system"

    package init() {}

    package func run(context: JobContext) -> ExitStatus {
        let findings = DoctorCheck.findings(read())
        context.print(json ? DoctorReport.json(findings).serialized() : DoctorReport.text(findings), terminator: json ? "\n" : "")
        return DoctorReport.exitStatus(findings)
    }

    /// Every source doctor looks at, each read on its own so that one bad file does not hide the others.
    package func read() -> DoctorInput {
        let files = machine.files
        var input: DoctorInput
        do {
            let (read, configuration, split) = try machine.loadSplit()
            input = DoctorInput(machine: .success(read))
            input.configuration = configuration
            do {
                var fresh = try Planner().plan(machine: read, split: split)
                fresh.warnings = configuration.warnings.map { PlanWarning(.configuration, $0) } + fresh.warnings
                // This boot's plan: what earlier runs journalled counts, as in `status` (the journal is only read).
                input.plan = .success(PlanJournal(state: .onDisk(files)).reconcile(fresh).plan)
            } catch {
                input.plan = .failure(.init(error.description))
            }
        } catch {
            input = DoctorInput(machine: .failure(.init(error.message)))
        }
        input.release = KernelConfig.release(from: files)
        input.memoryDirectoryPresent = files.isDirectory(MemoryBlockDirectory.path)
        do { input.kernelConfig = try KernelConfig.read(from: files) } catch { input.otherFailures.append(error.description) }
        do { input.parameters = try MemoryHotplugParameters.read(from: files) } catch { input.otherFailures.append(error.description) }
        do { input.udev = try UdevRules.read(from: files) } catch { input.otherFailures.append(error.description) }
        input.watchEnabled = Self.watchEnabled(files)
        if files.exists(DeferredRun.reportPath) {
            if let text = try? files.readText(DeferredRun.reportPath), let report = LastRunReport(json: text) {
                input.lastRun = report
            } else {
                input.lastRunUnreadable = true
            }
        }
        return input
    }

    static func watchEnabled(_ files: KernelFiles) -> Bool {
        guard let entries = try? files.list(unitDirectory) else { return false }
        return entries.contains { $0.hasSuffix(".wants") && files.exists(unitDirectory + "/" + $0 + "/" + watchUnit) }
    }
}
