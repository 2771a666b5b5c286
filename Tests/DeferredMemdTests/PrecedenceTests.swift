import Foundation
import KernelFiles
import MachineSources
import Planning
import Reporting
import Settings
import Testing

@Suite("Where the split comes from: flags > configuration > deferred_mem.* > deferred_mem_init > kernelcore=", .fixtures)
struct PrecedenceTests {
    static func machineRoot() throws -> URL { try Fixture.copyOfExample("phone-12g") }

    @Test("with nothing set anywhere, everything goes to Normal")
    func nothingSet() throws {
        let root = try Self.machineRoot()
        try FileManager.default.removeItem(at: root.appendingPathComponent("sys/kernel/deferred_mem_init/deferred_kernelcore"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("sys/kernel/deferred_mem_init/deferred_movablecore"))
        let plan = try Fixture.plan(root)
        #expect(plan.split.source == .none)
        #expect(plan.bytes(in: .movable) == 0)
    }

    @Test("each source overrides the ones below it, as a whole")
    func order() throws {
        let root = try Self.machineRoot()
        // deferred_mem_init says 5G/5G.
        #expect(try Fixture.plan(root).split.source == .deferredMemInit)
        // kernelcore= on the command line is below deferred_mem_init.
        try Fixture.write("console=ttyMSM0 mem=2G kernelcore=10%\n", to: "/proc/cmdline", in: root)
        #expect(try Fixture.plan(root).split.source == .deferredMemInit)
        // deferred_mem.* on the command line is above it.
        try Fixture.write("console=ttyMSM0 mem=2G kernelcore=10% deferred_mem.movablecore=25%\n", to: "/proc/cmdline", in: root)
        let cmdline = try Fixture.plan(root)
        #expect(cmdline.split.source == .deferredMemCommandLine)
        #expect(cmdline.bytes(in: .movable) == 20 * (128 << 20))
        // The configuration is above the command line; drop-ins override the main file in name order.
        try Fixture.write("[Plan]\nKernelCore=75%\n", to: "/etc/deferred-memd.conf", in: root)
        try Fixture.write("[Plan]\nKernelCore=60%\n", to: "/etc/deferred-memd.conf.d/10-site.conf", in: root)
        try Fixture.write("[Plan]\nKernelCore=50%\n", to: "/etc/deferred-memd.conf.d/20-device.conf", in: root)
        let configured = try Fixture.plan(root)
        #expect(
            configured.split
                == SplitRequest(
                    kernelCore: .percent(50), movableCore: nil,
                    source: .configuration(["/etc/deferred-memd.conf", "/etc/deferred-memd.conf.d/10-site.conf", "/etc/deferred-memd.conf.d/20-device.conf"])))
        // An empty value resets a key, so a later drop-in can hand the decision back.
        try Fixture.write("[Plan]\nKernelCore=\n", to: "/etc/deferred-memd.conf.d/30-reset.conf", in: root)
        #expect(try Fixture.plan(root).split.source == .deferredMemCommandLine)
        // Flags beat everything.
        let flagged = try Fixture.plan(root, flags: (nil, .bytes(1 << 30)))
        #expect(flagged.split.source == .flags)
        #expect(flagged.bytes(in: .movable) == 1 << 30)
    }

    @Test(
        "configuration errors name the file and line; unknown keys are warnings",
        arguments: [
            ("[Plan]\nKernelCore=150%\n", "deferred-memd.conf:2"),
            ("[Plan]\nMovableCore=lots\n", "deferred-memd.conf:2"),
            ("[Run]\nWorkers=many\n", "deferred-memd.conf:2"),
            ("[Plan\n", "deferred-memd.conf:1"),
            ("KernelCore 50%\n", "deferred-memd.conf:1"),
            ("[Workers]\nNormalCPUs=3-1\n", "deferred-memd.conf:2"),
        ])
    func configurationErrors(text: String, location: String) throws {
        var configuration = Configuration()
        let error = #expect(throws: SourceError.self) { try configuration.apply(text: text, path: "/etc/deferred-memd.conf") }
        #expect(error?.path.hasSuffix(location) == true, "\(String(describing: error))")
    }

    @Test("unknown sections and keys are warnings, so a newer file never stops an older daemon")
    func unknownKeys() throws {
        var configuration = Configuration()
        try configuration.apply(text: "[Plan]\nFutureKnob=1\n[Future]\nX=y\n", path: "c")
        #expect(configuration.warnings.count == 2)
    }
}
