import CLibrary
import Execution
import KernelFiles
import MachineSources
import Planning
import Settings

/// `plan` from the files: a tree where the kernel booted with `mem=2G` and `deferred_mem_init` reports DRAM up to
/// `deferredBlocks` blocks further, as on a phone or a server that defers memory; reading the sources and planning,
/// as `deferred-memd plan` does.
enum PlanBenchmark {
    struct Result {
        var nanoseconds: UInt64
        var planned: Int
        var sysroot: String
    }

    static func makeTree(deferredBlocks: Int, blockSize: UInt64, scratch: String) throws(KernelFileError) -> String {
        var template = Array("\(scratch)/deferred-memd-plan-bench-XXXXXX".utf8CString)
        let root =
            template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap(mkdtemp).map { String(cString: $0) } }
            ?? "\(scratch)/deferred-memd-plan-bench"
        let files = KernelFiles(root: .init(root))
        let memory = MemoryBlockDirectory.path
        let bootBlocks = 16
        try files.createDirectory(memory)
        try files.createFile(memory + "/block_size_bytes", text: String(blockSize, radix: 16) + "\n")
        try files.createFile(memory + "/auto_online_blocks", text: "offline\n")
        try files.createFile(memory + "/probe", text: "")
        for index in 0..<bootBlocks {
            try files.createDirectory("\(memory)/memory\(index)")
            try files.createFile("\(memory)/memory\(index)/state", text: "online\n")
            try files.createFile("\(memory)/memory\(index)/valid_zones", text: "Normal\n")
        }
        try files.createDirectory(DeferredMemInit.directory)
        try files.createFile(DeferredMemInit.directory + "/memblock_end_of_dram", text: "\(UInt64(bootBlocks) * blockSize)\n")
        try files.createFile(DeferredMemInit.directory + "/bootmem_end_of_dram", text: "\(UInt64(bootBlocks + deferredBlocks) * blockSize)\n")
        try files.createDirectory("/proc")
        try files.createFile("/proc/cmdline", text: "mem=2G deferred_mem.movablecore=50%\n")
        return root
    }

    static func run(deferredBlocks: Int, blockSize: UInt64, scratch: String) throws -> Result {
        let root = try makeTree(deferredBlocks: deferredBlocks, blockSize: blockSize, scratch: scratch)
        let files = KernelFiles(root: .init(root))
        var times: [UInt64] = []
        var planned = 0
        for _ in 0..<5 {
            let started = Clock.monotonicNanoseconds()
            let machine = try Machine.read(from: files)
            let configuration = try Configuration.read(from: files, explicitPath: nil)
            let split = SplitRequest.resolve(flagKernelCore: nil, flagMovableCore: nil, configuration: configuration, machine: machine)
            let plan = try Planner().plan(machine: machine, split: split)
            times.append(Clock.monotonicNanoseconds() - started)
            planned = plan.blocks.count
        }
        return Result(nanoseconds: times.sorted()[times.count / 2], planned: planned, sysroot: root)
    }

    static func remove(_ root: String) {
        try? KernelFiles(root: "/").removeTree(root)
    }
}
