import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import Synchronization
import SystemPackage
import Testing

/// The simulated kernel, with one block's `state` writes answered otherwise: as a kernel that can put the block
/// only in Movable (it refuses `online_kernel` with EINVAL, and a plain `online` lands in Movable, after `busy`
/// EBUSY answers), as a udev rule that onlines it in Movable just before the daemon's `online_kernel`, or as an
/// agent that onlines it in Normal between the kernel's refusal of `online_kernel` and the daemon's plain `online`.
final class OneBlockKernel: HotplugKernel {
    enum Behaviour {
        case movableOnly(busy: Int)
        case udevFirst
        case agentBeforeFallback
    }

    let inner: SimulatedKernel
    let block: Int
    let behaviour: Behaviour
    private let busyLeft: Mutex<Int>
    private let log = Mutex<[KernelWrite]>([])

    init(_ inner: SimulatedKernel, block: Int, _ behaviour: Behaviour) {
        self.inner = inner
        self.block = block
        self.behaviour = behaviour
        if case .movableOnly(let busy) = behaviour { busyLeft = Mutex(busy) } else { busyLeft = Mutex(0) }
    }

    /// Every write asked for `block`, in order, answered or not.
    var writesToBlock: [KernelWrite] { log.withLock { $0 } }
    var fatalCondition: String? { inner.fatalCondition }

    func read(_ machinePath: String) throws(KernelFileError) -> String { try inner.read(machinePath) }

    func write(_ operation: KernelWrite) throws(KernelFileError) {
        switch operation {
        case .blockState(block, _), .probe(UInt64(block) * inner.blockSize): log.withLock { $0.append(operation) }
        default: break
        }
        guard case .blockState(block, let command) = operation else { return try inner.write(operation) }
        let refusal = KernelFileError(.write, pathString: operation.path, errno: .invalidArgument, value: operation.value)
        switch (behaviour, command) {
        case (.movableOnly, .onlineKernel):
            throw refusal
        case (.movableOnly, .online):
            let busy = busyLeft.withLock { left in
                defer { left -= 1 }
                return left > 0
            }
            if busy { throw KernelFileError(.write, pathString: operation.path, errno: .resourceBusy, value: operation.value) }
            try inner.write(.blockState(index: block, command: .onlineMovable))
        case (.udevFirst, .onlineKernel):
            try inner.write(.blockState(index: block, command: .onlineMovable))
            throw refusal
        case (.agentBeforeFallback, .onlineKernel):
            throw refusal
        case (.agentBeforeFallback, .online):
            try inner.write(.blockState(index: block, command: .onlineKernel))
            throw refusal
        default:
            try inner.write(operation)
        }
    }
}

/// `rescue` (the fallback unit's job) makes its writes through the run's engine: the same retries, the same
/// records, the same read-back; its one addition is the plain `online` for a block left offline.
@Suite("Rescue: every write through the executor, with a run's retries and records", .fixtures)
struct RescueTests {
    static let example = "x86-vm-mem-limit"

    static func state(_ root: URL, _ index: Int) -> String {
        let files = KernelFiles(root: .init(root.path))
        let directory = "/sys/devices/system/memory/memory\(index)"
        return ((try? files.readValue(directory + "/state")) ?? "absent") + " " + ((try? files.readValue(directory + "/valid_zones")) ?? "")
    }

    static func simulated(_ root: URL, faults: [SimulatedKernel.Fault] = []) throws -> SimulatedKernel {
        let files = KernelFiles(root: .init(root.path))
        return SimulatedKernel(files: files, machine: try Machine.read(from: files), options: .init(nanosecondsPerGiB: 0, faults: faults))
    }

    static func rescue(_ root: URL, kernel: any HotplugKernel) -> Rescue.Outcome {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Rescue(files: KernelFiles(root: .init(root.path)), kernel: kernel, logger: logger).run(stop: StopFlag())
    }

    @Test("a block the kernel refuses as Normal is retried on EBUSY and then onlined in the kernel's choice of zone, with one record")
    func kernelsChoiceAfterRefusal() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let planned = try Fixture.plan(root).blocks.map(\.index)
        let victim = try #require(planned.last)
        let kernel = OneBlockKernel(try Self.simulated(root), block: victim, .movableOnly(busy: 2))
        let outcome = Self.rescue(root, kernel: kernel)

        let records = outcome.records.filter { $0.block.index == victim }
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.outcome == .onlined)
        #expect(record.zoneChosenByKernel)
        #expect(record.kernelZone == "Movable", "read back, as every block the run onlined")
        // probe, online_kernel (EINVAL), then online: EBUSY, EBUSY, done.
        #expect(record.attempts == 5)
        #expect(record.lastErrno == .resourceBusy)
        #expect(kernel.writesToBlock.map(\.value).dropFirst() == ["online_kernel", "online", "online", "online"])
        #expect(Self.state(root, victim) == "online Movable")
        #expect(outcome.onlined == planned.count)
        #expect(outcome.failed.isEmpty)
        #expect(outcome.records.filter(\.zoneChosenByKernel).map(\.block.index) == [victim], "the others went online_kernel")
    }

    @Test(
        "a block the kernel refuses in every zone keeps one failed record: stage online, the errno, both commands' attempts (5 online_kernel and 5 online on EBUSY), both refusals in its reason"
    )
    func refusedEverywhere() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let planned = try Fixture.plan(root).blocks.map(\.index)
        let victim = try #require(planned.first)
        let kernel = WriteSpy(try Self.simulated(root, faults: [.init(stage: .online, block: victim, errno: .resourceBusy, count: nil)]))
        let outcome = Self.rescue(root, kernel: kernel)

        let records = outcome.records.filter { $0.block.index == victim }
        #expect(records.count == 1)
        let record = try #require(records.first)
        guard case .failed(let stage, let errno, let reason) = record.outcome else {
            Issue.record("\(record.outcome)")
            return
        }
        #expect(stage == .online && errno == .resourceBusy)
        #expect(reason.contains("online_kernel") && reason.contains("the kernel's choice of zone"), "\(reason)")
        #expect(record.attempts == 1 + 5 + 5)
        #expect(!record.zoneChosenByKernel)
        let toVictim = kernel.writes.filter { $0.path.hasSuffix("/memory\(victim)/state") }.map(\.value)
        #expect(toVictim == Array(repeating: "online_kernel", count: 5) + Array(repeating: "online", count: 5))
        #expect(outcome.failed == [victim])
        #expect(outcome.onlined == planned.count - 1)
        #expect(Self.state(root, victim).hasPrefix("offline"))
        #expect(outcome.summary.contains("1 still offline (memory\(victim))"), "\(outcome.summary)")
    }

    @Test("a block a udev rule onlined in Movable first is online: a conflict in its record, no plain online, nothing left to rescue")
    func conflictIsOnline() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let planned = try Fixture.plan(root).blocks.map(\.index)
        let victim = try #require(planned.dropFirst().first)
        let kernel = OneBlockKernel(try Self.simulated(root), block: victim, .udevFirst)
        let outcome = Self.rescue(root, kernel: kernel)

        let record = try #require(outcome.records.first { $0.block.index == victim })
        #expect(record.outcome == .conflict(actual: "Movable"))
        #expect(kernel.writesToBlock.map(\.value).dropFirst() == ["online_kernel"])
        #expect(outcome.failed.isEmpty)
        #expect(outcome.onlined == planned.count - 1)
        #expect(Self.state(root, victim) == "online Movable")
    }

    @Test("a block another agent onlines in Normal just before the plain online (EINVAL) is raced, as in a run: online as planned, not failed")
    func agentBeforeFallback() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let planned = try Fixture.plan(root).blocks.map(\.index)
        let victim = try #require(planned.first)
        let kernel = OneBlockKernel(try Self.simulated(root), block: victim, .agentBeforeFallback)
        let outcome = Self.rescue(root, kernel: kernel)

        let record = try #require(outcome.records.first { $0.block.index == victim })
        #expect(record.outcome == .raced)
        #expect(record.kernelZone == "Normal")
        #expect(record.attempts == 3, "probe, online_kernel, online: EINVAL is not retried")
        #expect(outcome.failed.isEmpty)
        #expect(Self.state(root, victim) == "online Normal")
    }

    @Test("a stop before the plain online leaves the refused block as the engine left it: no online written, the block still offline and failed")
    func stopEndsTheFallback() throws {
        let root = try Fixture.copyOfExample(Self.example)
        let planned = try Fixture.plan(root).blocks.map(\.index)
        let victim = try #require(planned.last)
        // The last block's refusal asks for the stop, as a SIGTERM arriving then would.
        let stop = StopFlag()
        final class StopsOnRefusal: HotplugKernel {
            let inner: OneBlockKernel
            let stop: StopFlag
            init(_ inner: OneBlockKernel, stop: StopFlag) {
                self.inner = inner
                self.stop = stop
            }
            func read(_ machinePath: String) throws(KernelFileError) -> String { try inner.read(machinePath) }
            func write(_ operation: KernelWrite) throws(KernelFileError) {
                do { try inner.write(operation) } catch {
                    stop.request(.signal(15))
                    throw error
                }
            }
        }
        let inner = OneBlockKernel(try Self.simulated(root), block: victim, .movableOnly(busy: 0))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outcome = Rescue(files: KernelFiles(root: .init(root.path)), kernel: StopsOnRefusal(inner, stop: stop), logger: logger).run(stop: stop)
        #expect(inner.writesToBlock.map(\.value).dropFirst() == ["online_kernel"])
        #expect(outcome.failed == [victim])
        #expect(Self.state(root, victim).hasPrefix("offline"))
    }
}
