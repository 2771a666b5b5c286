import Execution
import Foundation
import KernelFiles
import KernelSimulation
import MachineSources
import MemoryModel
import SystemPackage
import Testing

@Suite("The simulated kernel answers as Linux 6.1 does", .fixtures)
struct SimulatedKernelTests {
    static func kernel(_ root: URL, faults: [SimulatedKernel.Fault] = []) throws -> (SimulatedKernel, KernelFiles) {
        let files = KernelFiles(root: .init(root.path))
        let machine = try Machine.read(from: files)
        return (SimulatedKernel(files: files, machine: machine, options: .init(nanosecondsPerGiB: 0, faults: faults)), files)
    }

    static let probe = "/sys/devices/system/memory/probe"

    @Test(
        "probe: junk, unaligned, existing and out-of-range addresses fail with the kernel's errno",
        arguments: [
            ("banana", Errno.invalidArgument), ("0x80000001", .invalidArgument), ("0x40000000", .fileExists),
            ("0x10000000000000", .argListTooLong), ("", .invalidArgument), ("0x", .invalidArgument),
            // Missing 0x: read as decimal, not block-aligned.
            ("80000000", .invalidArgument),
        ])
    func probeErrors(value: String, errno: Errno) throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let (kernel, _) = try Self.kernel(root)
        let error = #expect(throws: KernelFileError.self) { try kernel.write(text: value + "\n", to: Self.probe) }
        #expect(error?.errno == errno, "\(value)")
    }

    @Test("probe creates memoryN offline with its files; a leading 0 is octal, as kstrtoull reads it")
    func probeCreatesBlock() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let (kernel, files) = try Self.kernel(root)
        try kernel.write(text: "0x80000000\n", to: Self.probe)
        let block = try MemoryBlockDirectory.readBlock(16, from: files)
        #expect(block.state == .offline)
        #expect(block.validZones == ["Normal", "Movable"])
        #expect(block.numaNode == 0)
        #expect(try files.readValue("/sys/devices/system/memory/memory16/phys_index") == "00000010")
        try kernel.write(text: "021000000000", to: Self.probe)  // octal 0x88000000 = block 17
        #expect(files.exists("/sys/devices/system/memory/memory17/state"))
    }

    @Test("state: unknown strings and the state a block already has are EINVAL; online_* put the zone in valid_zones")
    func stateWrites() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let (kernel, files) = try Self.kernel(root)
        let state = "/sys/devices/system/memory/memory32/state"
        #expect(throws: KernelFileError.self) { try kernel.write(text: "up", to: state) }
        #expect(throws: KernelFileError.self) { try kernel.write(text: "offline", to: state) }
        try kernel.write(text: "online_movable\n", to: state)
        #expect(try files.readValue(state) == "online")
        #expect(try files.readValue("/sys/devices/system/memory/memory32/valid_zones") == "Movable")
        let again = #expect(throws: KernelFileError.self) { try kernel.write(text: "online_kernel", to: state) }
        #expect(again?.errno == .invalidArgument, "online on an online block is EINVAL, not EEXIST")
        try kernel.write(text: "online", to: "/sys/devices/system/memory/memory33/state")
        #expect(try files.readValue("/sys/devices/system/memory/memory33/valid_zones") == "Normal", "plain online takes the first valid zone")
    }

    @Test("auto_online_blocks: a probe also onlines the block in the kernel's choice")
    func autoOnline() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let (kernel, files) = try Self.kernel(root)
        try kernel.write(.autoOnlineBlocks("online_movable"))
        try kernel.write(.probe(address: 0x8000_0000))
        #expect(try files.readValue("/sys/devices/system/memory/memory16/state") == "online")
        #expect(try files.readValue("/sys/devices/system/memory/memory16/valid_zones") == "Movable")
        #expect(throws: KernelFileError.self) { try kernel.write(.autoOnlineBlocks("sometimes")) }
    }

    @Test("the firmware memmap grows with each probed block, as on a real kernel")
    func memmapGrows() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let (kernel, files) = try Self.kernel(root)
        try kernel.write(.probe(address: 0x4000_0000))
        let memmap = try #require(try FirmwareMemmap.read(from: files))
        #expect(memmap.entries.last == .init(range: AddressRange(start: 0x4000_0000, end: 0x4800_0000), type: "System RAM"))
    }

    @Test("faults fire the given number of times, then the write goes through")
    func faults() throws {
        let root = try Fixture.copyOfExample("x86-vm-numa-dimms")
        let (kernel, _) = try Self.kernel(root, faults: [.init(stage: .online, block: 32, errno: .resourceBusy, count: 2)])
        for _ in 0..<2 {
            let error = #expect(throws: KernelFileError.self) { try kernel.write(.blockState(index: 32, command: .onlineKernel)) }
            #expect(error?.errno == .resourceBusy)
        }
        try kernel.write(.blockState(index: 32, command: .onlineKernel))
        #expect(SimulatedKernel.Fault(parsing: "probe:5:ENOMEM:forever") == .init(stage: .probe, block: 5, errno: .noMemory, count: nil))
        #expect(SimulatedKernel.Fault(parsing: "online:x:EBUSY:1") == nil)
    }

    static func memFree(_ files: KernelFiles) throws -> UInt64 {
        try #require(try Meminfo.read(from: files)).memFree
    }

    @Test(
        "a simulated run keeps MemTotal and the zones' managed pages together: the tree still reads its page size",
        arguments: [("arm64-qemu-virt", UInt64(4096)), ("arm64-qemu-initrd-high-16k", UInt64(16384))])
    func pageSizeAfterARun(example: String, pageSize: UInt64) throws {
        let root = try Fixture.copyOfExample(example)
        #expect(DryRunTests.job(root, simulate: true).run(context: DryRunTests.quietContext()) == .success)
        let machine = try Machine.read(from: KernelFiles(root: .init(root.path)))
        #expect(try #require(machine.meminfo?.memTotal) > 3 << 30, "the run added the deferred memory to MemTotal")
        #expect(machine.pageSize == pageSize)
    }

    /// arm64-qemu-virt: 4 KiB pages, 128 MiB blocks, so a probe's memmap is 2 MiB.
    @Test("free memory as the kernel keeps it: a probe takes its memmap, online_kernel gives the block, online_movable neither")
    func freeMemoryMoves() throws {
        let root = try ScarceMemoryTests.tree(free: 40_000)
        let (kernel, files) = try Self.kernel(root)
        let start = try Self.memFree(files)
        try kernel.write(.probe(address: 0x8000_0000))
        #expect(try Self.memFree(files) == start - (2 << 20))
        try kernel.write(.blockState(index: 16, command: .onlineKernel))
        #expect(try Self.memFree(files) == start - (2 << 20) + (128 << 20))
        try kernel.write(.probe(address: 0x8800_0000))
        try kernel.write(.blockState(index: 17, command: .onlineMovable))
        #expect(try Self.memFree(files) == start - (4 << 20) + (128 << 20))
    }

    @Test("a probe whose memmap does not fit in free memory fails with ENOMEM and adds nothing")
    func probeWithoutMemory() throws {
        let root = try ScarceMemoryTests.tree(free: 2_000)
        let (kernel, files) = try Self.kernel(root)
        let error = #expect(throws: KernelFileError.self) { try kernel.write(.probe(address: 0x8000_0000)) }
        #expect(error?.errno == .noMemory)
        #expect(!files.exists("/sys/devices/system/memory/memory16"))
        #expect(try Self.memFree(files) == 2_000 * 1024)
    }
}
