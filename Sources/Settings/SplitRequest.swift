import MachineSources
/// How much deferred memory the user or the kernel asks for in each zone, and from which source.
///
/// A split comes whole from the highest-precedence source that says anything about it, so that a
/// `--movablecore` flag is never silently combined with a `kernelcore` from another place (where the kernel's
/// "kernelcore wins" rule would override it). Precedence, highest first:
/// 1. command-line flags (`--kernelcore`, `--movablecore`)
/// 2. the configuration file and its drop-ins (`[Plan] KernelCore=`, `MovableCore=`)
/// 3. `deferred_mem.kernelcore=` / `deferred_mem.movablecore=` on the kernel command line
/// 4. `/sys/kernel/deferred_mem_init/deferred_kernelcore` / `deferred_movablecore`
/// 5. `kernelcore=` / `movablecore=` on the kernel command line, applied to the deferred memory
/// With none of them, everything goes to ZONE_NORMAL.
package struct SplitRequest: Sendable, Equatable {
    package enum Source: Sendable, Equatable, CustomStringConvertible {
        case flags
        case configuration([String])
        case deferredMemCommandLine
        case deferredMemInit
        case kernelCommandLine
        case none

        package var description: String {
            switch self {
            case .flags: "command-line flags"
            case .configuration(let files): "configuration (\(files.joined(separator: ", ")))"
            case .deferredMemCommandLine: "deferred_mem.* on /proc/cmdline"
            case .deferredMemInit: "/sys/kernel/deferred_mem_init"
            case .kernelCommandLine: "kernelcore=/movablecore= on /proc/cmdline"
            case .none: "default (all Normal)"
            }
        }
    }

    package var kernelCore: SizeRequest?
    package var movableCore: SizeRequest?
    package var source: Source

    package init(kernelCore: SizeRequest?, movableCore: SizeRequest?, source: Source) {
        self.kernelCore = kernelCore
        self.movableCore = movableCore
        self.source = source
    }

    /// Whether an amount came from the kernel itself (and may be clamped) rather than from a person (and must fit).
    package var isFromKernel: Bool { source == .deferredMemInit }

    package static func resolve(
        flagKernelCore: SizeRequest?, flagMovableCore: SizeRequest?,
        configuration: Configuration, machine: Machine
    ) -> SplitRequest {
        if flagKernelCore != nil || flagMovableCore != nil {
            return SplitRequest(kernelCore: flagKernelCore, movableCore: flagMovableCore, source: .flags)
        }
        if configuration.kernelCore != nil || configuration.movableCore != nil {
            return SplitRequest(kernelCore: configuration.kernelCore, movableCore: configuration.movableCore, source: .configuration(configuration.files))
        }
        let cmdline = machine.commandLine
        if cmdline.deferredKernelCore != nil || cmdline.deferredMovableCore != nil {
            return SplitRequest(kernelCore: cmdline.deferredKernelCore, movableCore: cmdline.deferredMovableCore, source: .deferredMemCommandLine)
        }
        if let init_ = machine.deferredMemInit, init_.kernelCore != nil || init_.movableCore != nil {
            return SplitRequest(
                kernelCore: init_.kernelCore.map(SizeRequest.bytes), movableCore: init_.movableCore.map(SizeRequest.bytes), source: .deferredMemInit)
        }
        if cmdline.kernelCore != nil || cmdline.movableCore != nil {
            return SplitRequest(kernelCore: cmdline.kernelCore, movableCore: cmdline.movableCore, source: .kernelCommandLine)
        }
        return SplitRequest(kernelCore: nil, movableCore: nil, source: .none)
    }
}
