import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Testing

@Suite("The kernel's value formats", .fixtures)
struct ParsingTests {
    /// (MemTotal bytes, the zones' managed pages, Hugepagesize bytes, the page size expected).
    static let pageSizeCases: [(UInt64, UInt64, UInt64?, UInt64)] = [
        // 4, 16 and 64 KiB kernels without hugetlbfs: the quotient alone.
        (257_097 * 4096, 257_097, nil, 4096),
        (62_000 * 16384, 62_000, nil, 16384),
        (15_000 * 65536, 15_000, nil, 65536),
        // A hot-add between the two reads moves the quotient a little: still 16 KiB.
        (62_000 * 16384, 64_048, nil, 16384),
        // arm64 4 KiB booted with default_hugepagesz=32M: the quotient wins over the huge page's hint.
        (257_097 * 4096, 257_097, 32 << 20, 4096),
        // A hand-made tree whose figures disagree: the huge page's hint, then 4 KiB.
        (1 << 30, 100, 512 << 20, 65536),
        (1 << 30, 100, nil, 4096),
        (1 << 30, 0, 2 << 20, 4096),
    ]

    @Test(
        "the base page size: MemTotal over the zones' managed pages (the same pages, in kB and in frames), else Hugepagesize, else 4 KiB",
        arguments: pageSizeCases)
    func basePageSize(memTotal: UInt64, managed: UInt64, hugePage: UInt64?, expected: UInt64) throws {
        let zones = try ZoneSpans.parse("Node 0, zone   Normal\n  pages free 10\n        spanned  1000000\n        managed  \(managed)\n  start_pfn: 0\n")
        #expect(zones.managedPages == managed)
        #expect(BasePageSize.infer(meminfo: Meminfo(memFree: 0, memTotal: memTotal, hugePageSize: hugePage), zoneSpans: zones) == expected)
    }

    @Test("the base page size from the files as a 16 KiB arm64 kernel writes them")
    func basePageSizeFromFiles() throws {
        let meminfo = try Meminfo.parse("MemTotal:        3968000 kB\nMemFree:         3900000 kB\n")
        #expect(meminfo.memTotal == 3_968_000 << 10)
        #expect(meminfo.hugePageSize == nil)
        let zones = try ZoneSpans.parse(
            "Node 0, zone      DMA\n  pages free     200000\n        spanned  196608\n        present  196608\n        managed  180000\n  start_pfn:           65536\n"
                + "Node 0, zone   Normal\n  pages free     60000\n        spanned  65536\n        present  65536\n        managed  68000\n  start_pfn:           262144\n"
        )
        #expect(zones.managedPages == 248_000)
        #expect(BasePageSize.infer(meminfo: meminfo, zoneSpans: zones) == 16384)
        #expect(BasePageSize.infer(meminfo: meminfo, zoneSpans: nil) == 4096)
    }

    @Test(
        "memparse: base auto-detection and K/M/G/T/P/E suffixes, as lib/cmdline.c",
        arguments: [
            ("2G", UInt64(2) << 30), ("2g", UInt64(2) << 30), ("512M", UInt64(512) << 20), ("0x80000000", 0x8000_0000),
            ("010", 8), ("0", 0), ("1k", 1024), ("3E", UInt64(3) << 60), ("4096", 4096),
            // A hex number's last `e` is a digit: the suffix is what follows the number.
            ("0x9e", 0x9e), ("0x1E", 0x1e), ("0x2eM", UInt64(0x2e) << 20),
        ] as [(String, UInt64)])
    func memparseAccepts(text: String, expected: UInt64) {
        #expect(Memparse.parse(Substring(text)) == expected)
    }

    @Test("memparse refuses junk, empty values and overflow", arguments: ["", "G", "0x", "12Q", "1.5G", "-1G", "16E", "18446744073709551616", "0xG"])
    func memparseRejects(text: String) {
        #expect(Memparse.parse(Substring(text)) == nil)
    }

    @Test(
        "size requests: sizes, or whole percentages up to 100%",
        arguments: [
            ("50%", SizeRequest.percent(50)), ("0%", .percent(0)), ("100%", .percent(100)), ("4G", .bytes(4 << 30)),
        ])
    func sizeRequestAccepts(text: String, expected: SizeRequest) throws {
        #expect(try SizeRequest.parse(Substring(text)).get() == expected)
    }

    @Test("size requests: over 100%, negative, fractional or non-numeric values are errors", arguments: ["101%", "-5%", "5.5%", "abc%", "%", "lots", "-1G"])
    func sizeRequestRejects(text: String) {
        #expect(throws: SizeRequest.ParseFailure.self) { try SizeRequest.parse(Substring(text)).get() }
    }

    @Test("the kernel command line: the last mem= wins, quotes group, mem=nopentium is not a limit")
    func commandLine() throws {
        let line = try KernelCommandLine(
            parsing:
                "BOOT_IMAGE=/vmlinuz mem=4G root=\"/dev/sda 1\" mem=2G mem=nopentium kernelcore=mirror movablecore=25% deferred_mem.kernelcore=40% memhp_default_state=online movable_node\n"
        )
        #expect(line.memLimit == 2 << 30)
        #expect(line.kernelCoreMirror)
        #expect(line.kernelCore == nil)
        #expect(line.movableCore == .percent(25))
        #expect(line.deferredKernelCore == .percent(40))
        #expect(line.memhpDefaultState == "online")
        #expect(line.movableNode)
    }

    @Test(
        "mem=, kernelcore=, movablecore= are read as the kernel's memparse() reads them, and what it ignores is said",
        arguments: [
            ("mem=2GB", [UInt64(2) << 30], #"the kernel reads 2G and ignores "B""#),
            ("mem=512M@0x80000000", [UInt64(512) << 20], #"ignores "@0x80000000""#),
            ("mem=0x80000000", [UInt64(0x8000_0000)], nil),
            ("mem=010M", [UInt64(8) << 20], nil),
            ("mem=0x", [0], "reads 0"),
            ("mem=lots", [0], "reads 0 here, which asks for nothing"),
            ("mem=100", [0], "less than a page"),
        ])
    func commandLineMemAsTheKernelReadsIt(word: String, limits: [UInt64], warning: String?) throws {
        let line = try KernelCommandLine(parsing: "quiet \(word)\n")
        #expect(line.memLimits == limits)
        if let warning {
            #expect(line.warnings.count == 1)
            #expect(line.warnings.first?.hasPrefix(word + ": ") == true)
            #expect(line.warnings.first?.contains(warning) == true, "\(line.warnings)")
        } else {
            #expect(line.warnings.isEmpty)
        }
    }

    @Test("parameter names take - for _, as the kernel's parameq() does; movable_node ignores a value")
    func commandLineDashes() throws {
        let line = try KernelCommandLine(parsing: "memhp-default-state=offline movable-node deferred-mem.kernelcore=40%\n")
        #expect(line.memhpDefaultState == "offline")
        #expect(line.movableNode)
        // With a value too: the kernel's handler never looks at it.
        #expect(try KernelCommandLine(parsing: "movable_node=0").movableNode)
        #expect(line.deferredKernelCore == .percent(40))
    }

    @Test("memhp_default_state= that is not one of the kernel's four states is ignored, as the kernel ignores it")
    func commandLineMemhpDefaultState() throws {
        let line = try KernelCommandLine(parsing: "memhp_default_state=online_movable memhp_default_state=off\n")
        #expect(line.memhpDefaultState == "online_movable")
        #expect(line.warnings.count == 1)
        #expect(line.warnings.first?.hasPrefix("memhp_default_state=off: not a state the kernel takes") == true)
    }

    @Test("words after -- are init's arguments, not the kernel's: they limit nothing")
    func commandLineInitArguments() throws {
        let line = try KernelCommandLine(parsing: "root=/dev/vda mem=1G -- mem=2G kernelcore=50% memmap=junk\n")
        #expect(line.memLimits == [1 << 30])
        #expect(line.kernelCore == nil)
        #expect(line.memmap.isEmpty)
    }

    @Test("a mem= the kernel reads as 0: arm64 then has no limit at all, x86 keeps the cut an earlier mem= made")
    func commandLineZeroMem() throws {
        let line = try KernelCommandLine(parsing: "mem=2G mem=junk")
        #expect(line.memLimit == nil)
        #expect(line.addressLimit == 2 << 30)
    }

    @Test(
        "kernelcore=/movablecore= as cmdline_parse_core() reads them, after a 4G: base-0 percentages, a zero size asks for nothing, 0% leaves the 4G",
        arguments: [
            ("kernelcore=010%", SizeRequest?.some(.percent(8))),
            ("kernelcore=0x10%", .percent(16)),
            ("kernelcore=150%", .percent(100)),
            ("kernelcore=25%x", .percent(25)),
            ("kernelcore=0%", .bytes(4 << 30)),
            ("kernelcore=-3G", nil),
            ("kernelcore=1.5G", nil),
            ("kernelcore=x%", nil),
            ("kernelcore=3Gx", .bytes(3 << 30)),
        ])
    func commandLineCoreAsTheKernelReadsIt(word: String, expected: SizeRequest?) throws {
        let line = try KernelCommandLine(parsing: "kernelcore=4G movablecore=4G \(word) " + word.replacing("kernelcore", with: "movablecore"))
        #expect(line.kernelCore == expected)
        #expect(line.movableCore == expected)
    }

    @Test("words the kernel reads otherwise than they are written reach the plan as command-line warnings")
    func commandLineWarningsInThePlan() throws {
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let asWritten = try Fixture.plan(root)
        try Fixture.write("BOOT_IMAGE=/vmlinuz console=ttyS0 mem=1GB memhp_default_state=offline deferred_mem.kernelcore=50%\n", to: "/proc/cmdline", in: root)
        let plan = try Fixture.plan(root)
        #expect(plan.blocks == asWritten.blocks)
        #expect(!plan.blocks.isEmpty)
        #expect(plan.warnings.contains { $0.code == .commandLine && $0.message == #"mem=1GB: the kernel reads 1G and ignores "B""# })
    }

    @Test(
        "a bad size on the kernel command line names /proc/cmdline and the word",
        arguments: [
            "deferred_mem.movablecore=150%", "deferred_mem.kernelcore=lots", "mem=99999999999999999999", "kernelcore=20000000000000000000G",
        ])
    func commandLineErrors(word: String) {
        let error = #expect(throws: SourceError.self) { try KernelCommandLine(parsing: "quiet \(word)") }
        #expect(error?.path == "/proc/cmdline")
        #expect(error?.value == word)
    }

    @Test(
        "deferred_mem_init values: decimal, 0x hex, memparse suffixes, one trailing newline",
        arguments: [
            ("0x80000000\n", UInt64(0x8000_0000)), ("12884901888\n", 12_884_901_888), ("5G\n", UInt64(5) << 30), ("0\n", 0), ("2048M", UInt64(2) << 30),
        ])
    func deferredInitAccepts(text: String, expected: UInt64) throws {
        #expect(try DeferredMemInit.parse(text, path: "/x") == expected)
    }

    @Test(
        "deferred_mem_init values: anything else is refused with the path and value",
        arguments: [
            "", "\n", "5G\n\n", " 5G", "5 G", "0100", "0x", "five", "-1", "5G\r\n", "1.5G",
        ])
    func deferredInitRejects(text: String) {
        let error = #expect(throws: SourceError.self) { try DeferredMemInit.parse(text, path: "/sys/kernel/deferred_mem_init/deferred_kernelcore") }
        #expect(error?.path == "/sys/kernel/deferred_mem_init/deferred_kernelcore")
        #expect(error?.expected.contains("decimal or 0x-hex") == true)
    }

    static let mib: UInt64 = 1 << 20
    static let lsmemCases: [(UInt64, String)] = [
        (128 * mib, "128M"), (1024 * mib, "1G"), (1536 * mib, "1.5G"), (0, "0B"),
        (3072 * mib - 128 * 1024, "3G"), (1984 * mib, "1.9G"), (896 * mib, "896M"), (2432 * mib, "2.4G"),
    ]

    @Test("lsmem's size spelling", arguments: lsmemCases)
    func lsmemSizes(bytes: UInt64, expected: String) {
        #expect(ByteCount.lsmemStyle(bytes) == expected)
    }

    @Test("range sets merge, intersect and subtract")
    func rangeSets() {
        let a = RangeSet([AddressRange(start: 0, end: 10), AddressRange(start: 10, end: 20), AddressRange(start: 30, end: 40)])
        #expect(a.ranges == [AddressRange(start: 0, end: 20), AddressRange(start: 30, end: 40)])
        let b = RangeSet([AddressRange(start: 5, end: 35)])
        #expect(a.intersection(b).ranges == [AddressRange(start: 5, end: 20), AddressRange(start: 30, end: 35)])
        #expect(a.subtracting(b).ranges == [AddressRange(start: 0, end: 5), AddressRange(start: 35, end: 40)])
        #expect(a.totalSize == 30)
    }
}
