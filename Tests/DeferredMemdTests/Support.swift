import Foundation
import KernelFiles
import MachineSources
import Planning
import Settings

/// Test helpers: every test works in its own temporary tree, never on this machine's /sys or /proc.
enum Fixture {
    static let repository: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = repository.appendingPathComponent("Examples")
    static let exampleNames = [
        "phone-12g", "arm64-board", "arm64-board-blob", "x86-vm-mem-limit", "x86-vm-numa-dimms",
        "arm64-qemu-virt", "arm64-qemu-initrd-high", "arm64-qemu-initrd-high-16k", "arm64-qemu-vendor", "arm64-qemu-vendor-efi",
    ]

    /// The running test case's directory (`FixtureScope`): every fixture is made inside it.
    @TaskLocal static var scope: URL?

    struct NoScope: Error, CustomStringConvertible {
        var description: String { "no fixture scope: add .fixtures to the suite (@Suite(\"…\", .fixtures))" }
    }

    /// A fresh directory in the test case's scope, removed with it. The scope is on tmpfs when there is one, as
    /// sysfs is memory-backed: on this VM's ext4 the fake trees' inode churn costs milliseconds per block.
    static func temporaryDirectory() throws -> URL {
        guard let scope else { throw NoScope() }
        // Short: notify sockets go in here, and a socket's path has 108 bytes.
        let url = scope.appendingPathComponent(String(UUID().uuidString.prefix(8)))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A private copy of an example machine (symlinks kept).
    static func copyOfExample(_ name: String) throws -> URL {
        let destination = try temporaryDirectory().appendingPathComponent(name)
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = ["-a", examples.appendingPathComponent(name).path, destination.path]
        try copy.run()
        copy.waitUntilExit()
        precondition(copy.terminationStatus == 0, "cp failed")
        return destination
    }

    /// arm64 under UEFI without the vendor interface: `mem=` with no RAM map (the EFI stub's empty devicetree).
    static func machineWithoutRAMMap() throws -> URL {
        let root = try copyOfExample("arm64-qemu-vendor-efi")
        for gone in ["sys/kernel/deferred_mem_init", "proc/device-tree/memory@40000000"] {
            try FileManager.default.removeItem(at: root.appendingPathComponent(gone))
        }
        return root
    }

    static func write(_ text: String, to path: String, in root: URL) throws {
        let url = root.appendingPathComponent(String(path.dropFirst()))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    static func plan(_ root: URL, flags: (SizeRequest?, SizeRequest?) = (nil, nil)) throws -> Plan {
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        let configuration = try Configuration.read(from: files, explicitPath: nil)
        let split = SplitRequest.resolve(flagKernelCore: flags.0, flagMovableCore: flags.1, configuration: configuration, machine: machine)
        return try Planner().plan(machine: machine, split: split)
    }
}

/// Runs a built binary: `deferred-memd`, the command-line tool, or `deferred-memd-boot`, what the service runs.
enum Binary {
    static let boot = "deferred-memd-boot"

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func url(_ program: String = "deferred-memd") -> URL {
        // The test bundle sits next to the products of the same build.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent(program).path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent(program)
    }

    @discardableResult
    static func run(_ arguments: [String], program: String = "deferred-memd", environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> Result
    {
        let process = Process()
        process.executableURL = url(program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "JOURNAL_STREAM")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        let outData = Locked(Data()), errData = Locked(Data())
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.set(data)
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self), stderr: String(decoding: errData.get(), as: UTF8.self))
    }
}

final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func get() -> T {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set(_ newValue: T) {
        lock.lock()
        value = newValue
        lock.unlock()
    }
    func modify(_ change: (inout T) -> Void) {
        lock.lock()
        change(&value)
        lock.unlock()
    }
}

/// Every regular file and link under a tree with its contents, to prove a command changed nothing.
func treeSnapshot(_ root: URL) throws -> [String: String] {
    var snapshot: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: root.path)
    while let relative = enumerator?.nextObject() as? String {
        let path = root.appendingPathComponent(relative).path
        if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
            snapshot[relative] = "-> " + destination
        } else if let data = FileManager.default.contents(atPath: path) {
            snapshot[relative] = data.base64EncodedString()
        } else {
            snapshot[relative] = "dir"
        }
    }
    return snapshot
}
