import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Testing

@Suite("The kernel's value formats")
struct ParsingTests {
    @Test(
        "memparse: base auto-detection and K/M/G/T/P/E suffixes, as lib/cmdline.c",
        arguments: [
            ("2G", UInt64(2) << 30), ("2g", UInt64(2) << 30), ("512M", UInt64(512) << 20), ("0x80000000", 0x8000_0000),
            ("010", 8), ("0", 0), ("1k", 1024), ("3E", UInt64(3) << 60), ("4096", 4096),
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
        "a bad size on the kernel command line names /proc/cmdline and the word",
        arguments: [
            "mem=lots", "mem=0", "deferred_mem.movablecore=150%", "kernelcore=-3G", "movablecore=x%",
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
