import KernelFiles
import MachineSources
import Planning
import Settings

/// Which machine to read and what the user asks of the split: `--sysroot`, `--config`, `--kernelcore`,
/// `--movablecore` as values, whichever parser filled them.
package struct MachineSelection: Sendable, Equatable {
    /// Root directory holding the machine's /sys, /proc and /etc (`/`, a capture or a test tree).
    package var sysroot: String
    package var config: String?
    package var kernelcore: String?
    package var movablecore: String?
    /// `--probe-method` of a run (the configuration's `ProbeMethod=` otherwise): any method but the checked add
    /// makes the plan put probed blocks where probe does, not on the candidates' nodes.
    package var probeMethod: ProbeMethod?

    package init(sysroot: String = "/", config: String? = nil, kernelcore: String? = nil, movablecore: String? = nil) {
        self.sysroot = sysroot
        self.config = config
        self.kernelcore = kernelcore
        self.movablecore = movablecore
    }

    package var files: KernelFiles { KernelFiles(root: .init(sysroot)) }

    /// Reads the machine and computes the plan; any bad input becomes `BadInput` with the message.
    package func loadPlan() throws(BadInput) -> (Machine, Configuration, Plan) {
        let (machine, configuration, split) = try loadSplit()
        return (machine, configuration, try plan(machine: machine, configuration: configuration, split: split))
    }

    /// The plan for what `loadSplit` read.
    package func plan(machine: Machine, configuration: Configuration, split: SplitRequest) throws(BadInput) -> Plan {
        do {
            var plan = try Planner().plan(machine: machine, split: split)
            plan.warnings = configuration.warnings.map { PlanWarning(.configuration, $0) } + plan.warnings
            return plan
        } catch {
            throw BadInput(error)
        }
    }

    /// Reads the machine, the configuration and the split they ask for (all `watch` needs; `loadPlan` goes on).
    package func loadSplit() throws(BadInput) -> (Machine, Configuration, SplitRequest) {
        do {
            var machine = try Machine.read(from: files)
            let configuration = try Configuration.read(from: files, explicitPath: config)
            if let method = probeMethod ?? configuration.probeMethod, method != .checkedAdd { machine.deferredMemInit?.checkedAdd = false }
            let split = SplitRequest.resolve(
                flagKernelCore: try flag(kernelcore, name: "--kernelcore"),
                flagMovableCore: try flag(movablecore, name: "--movablecore"),
                configuration: configuration, machine: machine)
            return (machine, configuration, split)
        } catch {
            throw BadInput(error)
        }
    }

    private func flag(_ text: String?, name: String) throws(SourceError) -> SizeRequest? {
        guard let text else { return nil }
        switch SizeRequest.parse(Substring(text)) {
        case .success(let request): return request
        case .failure(let failure): throw SourceError(path: name, value: text, expected: failure.expected)
        }
    }
}
