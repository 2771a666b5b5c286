import ArgumentParser
import KernelFiles
import MachineSources
import Planning

/// Where the machine's files are and what the user asks of the split.
struct MachineOptions: ParsableArguments {
    @Option(help: "Root directory holding the machine's /sys, /proc and /etc (a capture or a test tree).")
    var sysroot: String = "/"

    @Option(help: "Configuration file to read instead of /etc/deferred-memd.conf and its drop-ins.")
    var config: String?

    @Option(help: "Deferred memory for ZONE_NORMAL: a size (4G, 0x80000000) or a percentage (50%).")
    var kernelcore: String?

    @Option(help: "Deferred memory for ZONE_MOVABLE: a size or a percentage.")
    var movablecore: String?

    var files: KernelFiles { KernelFiles(root: .init(sysroot)) }

    /// Reads the machine and computes the plan; any bad input becomes exit code 2 with the message.
    func loadPlan() throws -> (Machine, Configuration, Plan) {
        let (machine, configuration, split) = try loadSplit()
        do {
            var plan = try Planner().plan(machine: machine, split: split)
            plan.warnings = configuration.warnings + plan.warnings
            return (machine, configuration, plan)
        } catch {
            throw BadInput(message: error.description)
        }
    }

    /// Reads the machine, the configuration and the split they ask for (all `watch` needs; `loadPlan` goes on).
    func loadSplit() throws -> (Machine, Configuration, SplitRequest) {
        do {
            let machine = try Machine.read(from: files)
            let configuration = try Configuration.read(from: files, explicitPath: config)
            let split = SplitRequest.resolve(
                flagKernelCore: try flag(kernelcore, name: "--kernelcore"),
                flagMovableCore: try flag(movablecore, name: "--movablecore"),
                configuration: configuration, machine: machine)
            return (machine, configuration, split)
        } catch {
            throw BadInput(message: error.description)
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

/// Bad input: printed as `error: <message>` and exit code 2, before anything is written.
struct BadInput: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

enum ExitStatus {
    static let success: Int32 = 0
    static let nothingDone: Int32 = 1
    static let badInput: Int32 = 2
    static let partial: Int32 = 3
    static let interrupted: Int32 = 4
}

extension ParsableCommand {
    /// Runs `body`, turning `BadInput` into its message on stderr and exit code 2.
    func reportingBadInput(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as BadInput {
            printError("error: \(error.message)")
            throw ExitCode(ExitStatus.badInput)
        }
    }
}

func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
