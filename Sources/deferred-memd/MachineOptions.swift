import ArgumentParser
import Jobs

/// The machine flags of the commands ArgumentParser parses (`plan`, `status`, `doctor`, `watch`); names and help
/// are `MachineSelection.options`'s, which `run` and the boot binary parse with.
struct MachineOptions: ParsableArguments {
    @Option(help: Self.help("sysroot")) var sysroot: String = "/"
    @Option(help: Self.help("config")) var config: String?
    @Option(help: Self.help("kernelcore")) var kernelcore: String?
    @Option(help: Self.help("movablecore")) var movablecore: String?

    var selection: MachineSelection {
        MachineSelection(sysroot: sysroot, config: config, kernelcore: kernelcore, movablecore: movablecore)
    }

    static func help(_ name: String) -> ArgumentHelp {
        let option = MachineSelection.options[name]
        return ArgumentHelp(option.help, valueName: option.valueName)
    }
}
