import CLibrary
import Execution
import KernelFiles
// In-process benchmarks: the engine with the kernel taken out (CountingKernel), and planning from sources.
// Prints one JSON object for scripts/bench.py, which prints every figure beside its target. Asserts nothing.
//
// Usage: deferred-memd-bench [--scratch DIR] [--max-blocks N]
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Settings
import TinyJSON

let blockSize: UInt64 = 128 << 20
var scratch = "/dev/shm"
var maxBlocks = 131_072
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--scratch": scratch = arguments.popFirst() ?? scratch
    case "--max-blocks": maxBlocks = arguments.popFirst().flatMap(Int.init) ?? maxBlocks
    default:
        print("usage: deferred-memd-bench [--scratch DIR] [--max-blocks N]")
        exit(64)
    }
}
if access(scratch, W_OK) != 0 { scratch = "/tmp" }

let sizes = [1024, 4096, 16_384, 65_536, 131_072].filter { $0 <= maxBlocks }
var sweep: [JSONValue] = []
for workers in [WorkerMode.serial, .perZone] {
    for blocks in sizes {
        let rounds = blocks >= 65_536 ? 3 : 5
        let runs = (0..<rounds).map { _ in EngineBenchmark.run(blocks: blocks, workers: workers, blockSize: blockSize) }
        let nanoseconds = runs.map(\.nanoseconds).sorted()[rounds / 2]
        sweep.append(
            .object([
                ("workers", .string(workers.rawValue)), ("blocks", .int(Int64(blocks))),
                ("engineNanoseconds", .uint(nanoseconds)),
                ("nanosecondsPerBlock", .double(Double(nanoseconds) / Double(blocks))),
                ("writes", .int(Int64(runs[0].writes))), ("reads", .int(Int64(runs[0].reads))),
                ("onlined", .int(Int64(runs[0].onlined))),
            ]))
    }
}

var planTimes: [JSONValue] = []
for blocks in sizes {
    let result = try PlanBenchmark.run(deferredBlocks: blocks, blockSize: blockSize, scratch: scratch)
    planTimes.append(
        .object([
            ("blocks", .int(Int64(blocks))), ("planNanoseconds", .uint(result.nanoseconds)),
            ("plannedBlocks", .int(Int64(result.planned))), ("sysroot", .string(result.sysroot)),
        ]))
    if blocks != sizes.last { PlanBenchmark.remove(result.sysroot) }
}

print(
    JSONValue.object([
        ("engine", .array(sweep)),
        ("plan", .array(planTimes)),
        ("peakRSSKiB", .uint(ProcessMemory.current().peakKiB)),
    ]).serialized())
