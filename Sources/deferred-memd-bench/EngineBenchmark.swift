import Execution
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Settings
import Synchronization

/// One engine run over `blocks` deferred blocks (half Normal, half Movable, all to be probed) against the
/// counting kernel, with a progress observer as the service has: everything but the kernel's own work.
enum EngineBenchmark {
    struct Result {
        var nanoseconds: UInt64
        var writes: Int
        var reads: Int
        var onlined: Int
    }

    static func plan(blocks: Int, blockSize: UInt64) -> Plan {
        let first = 16
        let planned = (0..<blocks).map { offset in
            Plan.Block(
                index: first + offset, start: UInt64(first + offset) * blockSize, node: 0,
                zone: offset < blocks / 2 ? .normal : .movable, action: .probe)
        }
        let ram = RangeSet([AddressRange(start: 0, end: UInt64(first + blocks) * blockSize)])
        return Plan(
            blockSize: blockSize, source: .deferredMemInit, bootEnd: UInt64(first) * blockSize, ram: ram, blocks: planned,
            skipped: [], split: SplitRequest(kernelCore: nil, movableCore: nil, source: .none), normalFirst: true, warnings: [])
    }

    static func run(blocks: Int, workers: WorkerMode, blockSize: UInt64) -> Result {
        let plan = plan(blocks: blocks, blockSize: blockSize)
        let kernel = CountingKernel(blockSize: blockSize)
        var logger = Logger(label: "bench") { _ in DiscardingLogHandler() }
        logger.logLevel = .info
        let engine = Engine(
            plan: plan, kernel: kernel, probeGuard: ProbeGuard(ram: plan.ram, reserved: []),
            probeUnavailable: nil, options: EngineOptions(workers: workers, gate: false), logger: logger, planIsFresh: true)
        let seen = Atomic<Int>(0)
        let started = Clock.monotonicNanoseconds()
        let result = engine.run(stop: StopFlag()) { _ in seen.add(1, ordering: .relaxed) }
        let elapsed = Clock.monotonicNanoseconds() - started
        return Result(
            nanoseconds: elapsed, writes: kernel.writeCount, reads: kernel.readCount,
            onlined: result.records.filter { $0.outcome == .onlined }.count)
    }
}
