import KernelFiles
import MachineSources
import Planning

/// Which machine to read and what the user asks of the split: `--sysroot`, `--config`, `--kernelcore`,
/// `--movablecore` as values, whichever parser filled them.
public struct MachineSelection: Sendable, Equatable {
    /// Root directory holding the machine's /sys, /proc and /etc (`/`, a capture or a test tree).
    public var sysroot: String
    public var config: String?
    public var kernelcore: String?
    public var movablecore: String?

    public init(sysroot: String = "/", config: String? = nil, kernelcore: String? = nil, movablecore: String? = nil) {
        self.sysroot = sysroot
        self.config = config
        self.kernelcore = kernelcore
        self.movablecore = movablecore
    }

    public var files: KernelFiles { KernelFiles(root: .init(sysroot)) }

    /// Reads the machine and computes the plan; any bad input becomes `BadInput` with the message.
    public func loadPlan() throws(BadInput) -> (Machine, Configuration, Plan) {
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
    public func loadSplit() throws(BadInput) -> (Machine, Configuration, SplitRequest) {
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
public struct BadInput: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

/// The exit codes every command shares (deferred-memd(8)).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let nothingDone: Int32 = 1
    public static let badInput: Int32 = 2
    public static let partial: Int32 = 3
    public static let interrupted: Int32 = 4
    public static let usage: Int32 = 64
}

public func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}

/// stderr as a `TextOutputStream`, written with write(2) (no stdio buffering between it and stdout).
public struct StandardError: TextOutputStream {
    public init() {}

    public mutating func write(_ string: String) {
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
