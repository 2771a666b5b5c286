import Foundation
import KernelFiles
import MachineSources
import Planning
import Testing

/// The kernel sets up swiotlb's bounce buffer once, at boot, when the memory it boots with reaches above 4 GiB (x86
/// `max_possible_pfn`, arm64 `max_pfn` against the DMA zone's limit) or the command line asks. `mem=` below 4 GiB
/// leaves it without one, and memory added later above 4 GiB is then out of reach of a device limited to 32-bit DMA
/// without an IOMMU. The plan says so, unless the files show a buffer or cannot tell.
@Suite("The bounce buffer a mem= boot below 4 GiB goes without", .fixtures)
struct BounceBufferTests {
    static func warns(_ example: String, _ edit: (URL) throws -> Void = { _ in }) throws -> Bool {
        let root = try Fixture.copyOfExample(example)
        try edit(root)
        return try Fixture.plan(root).warnings.contains { $0.code == .noBounceBuffer }
    }

    static func commandLine(_ line: String) -> (URL) throws -> Void {
        { try Fixture.write(line + "\n", to: "/proc/cmdline", in: $0) }
    }

    @Test("x86 with mem=1G and RAM above 4 GiB, no SRAT: warned; not when the command line asks for a buffer, or a boot reaching past 4 GiB has one")
    func x86() throws {
        #expect(try Self.warns("x86-vm-mem-limit"))
        #expect(try !Self.warns("x86-vm-mem-limit", Self.commandLine("console=ttyS0 mem=1G iommu=pt,soft")))
        #expect(try !Self.warns("x86-vm-mem-limit", Self.commandLine("console=ttyS0 mem=1G swiotlb=65536,force")))
        #expect(try Self.warns("x86-vm-mem-limit", Self.commandLine("console=ttyS0 mem=1G swiotlb=65536,noforce")))
        #expect(try !Self.warns("x86-vm-mem-limit", Self.commandLine("console=ttyS0 mem=4352M")))
        // An SRAT's ranges raise max_possible_pfn whatever mem= says: the files cannot tell, so nothing is said.
        #expect(try !Self.warns("x86-vm-mem-limit") { try Fixture.write("SRAT", to: BounceBuffer.sratPath, in: $0) })
    }

    @Test("debugfs's swiotlb directory is the kernel's own word, over what the boot memory suggests")
    func debugfs() throws {
        let slabs = BounceBuffer.debugfsDirectory + "/io_tlb_nslabs"
        #expect(try !Self.warns("x86-vm-mem-limit") { try Fixture.write("32768\n", to: slabs, in: $0) })
        // 5.10 writes 0 without a buffer; 6.1 leaves the file out of the directory.
        #expect(try Self.warns("x86-vm-mem-limit") { try Fixture.write("0\n", to: slabs, in: $0) })
        #expect(
            try Self.warns("x86-vm-mem-limit") {
                try FileManager.default.createDirectory(
                    at: $0.appendingPathComponent(String(BounceBuffer.debugfsDirectory.dropFirst())), withIntermediateDirectories: true)
                try Fixture.write("SRAT", to: BounceBuffer.sratPath, in: $0)
            })
    }

    @Test(
        "arm64 devicetree boards: mem= below 4 GiB warned; a DMA zone ending below the boot memory (dma-ranges) has a buffer; so does a boot whose initrd the kernel re-added past 4 GiB"
    )
    func arm64() throws {
        #expect(try Self.warns("arm64-qemu-virt"))
        #expect(try Self.warns("phone-12g"))
        // mem=1000M: the boot memory and the DMA zone end inside memory15, at 0x7e800000. The kernel's max_pfn is
        // the DMA zone's end, so no buffer (seen in the real kernel's log); the top is read to the byte from iomem.
        #expect(
            try Self.warns("arm64-qemu-virt") { root in
                let iomem = root.appendingPathComponent("proc/iomem"), zoneinfo = root.appendingPathComponent("proc/zoneinfo")
                let ram = try String(contentsOf: iomem, encoding: .utf8)
                try ram.replacingOccurrences(of: "40000000-7fffffff : System RAM", with: "40000000-7e7fffff : System RAM").write(
                    to: iomem, atomically: false, encoding: .utf8)
                let zones = try String(contentsOf: zoneinfo, encoding: .utf8)
                try zones.replacingOccurrences(of: "spanned  262144", with: "spanned  256000").write(to: zoneinfo, atomically: false, encoding: .utf8)
                try Fixture.write("0x7e800000\n", to: "/sys/kernel/deferred_mem_init/memblock_end_of_dram", in: root)
            })
        // The initrd re-added at 4 GiB, above mem= (memory32 online at boot): the kernel booted with memory past
        // 4 GiB and set a buffer up (seen in the real kernel's log).
        #expect(try !Self.warns("arm64-qemu-initrd-high"))
        #expect(try !Self.warns("arm64-board"))
        // zone DMA from 1 GiB to 1.5 GiB, the boot memory to 2 GiB: the kernel bounces above 1.5 GiB.
        #expect(
            try !Self.warns("arm64-qemu-virt") { root in
                let path = root.appendingPathComponent("proc/zoneinfo")
                let text = try String(contentsOf: path, encoding: .utf8)
                let dma = try #require(text.range(of: "zone      DMA"))
                let spanned = try #require(text.range(of: "spanned  ", range: dma.upperBound..<text.endIndex))
                let end = try #require(text[spanned.upperBound...].firstIndex(of: "\n"))
                try (text[..<spanned.upperBound] + "131072" + text[end...]).write(to: path, atomically: false, encoding: .utf8)
            })
    }

    @Test("swiotlb= and iommu= as the kernel reads them")
    func words() throws {
        #expect(try KernelCommandLine(parsing: "swiotlb=force").bounceBufferRequested)
        #expect(try KernelCommandLine(parsing: "swiotlb=65536,4,force").bounceBufferRequested)
        #expect(try !KernelCommandLine(parsing: "swiotlb=65536").bounceBufferRequested)
        #expect(try !KernelCommandLine(parsing: "swiotlb=force swiotlb=noforce").bounceBufferRequested)
        #expect(try KernelCommandLine(parsing: "iommu=soft").bounceBufferRequested)
        #expect(try KernelCommandLine(parsing: "iommu=pt,soft").bounceBufferRequested)
        #expect(try !KernelCommandLine(parsing: "iommu=pt").bounceBufferRequested)
    }
}
