import Foundation
import Planning
import Testing

@Suite("The deferred-memd command: plan, status, capture, and bad input", .fixtures)
struct CommandLineTests {
    /// `lsmem` rows as (RANGE, SIZE, STATE, BLOCK, ZONES, NODE), from whitespace-separated columns.
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }.dropFirst().map { $0.split(separator: " ").map(String.init) }
    }

    @Test("status agrees with util-linux lsmem on the same tree, ranges, sizes and all", arguments: ["phone-12g", "x86-vm-mem-limit", "x86-vm-numa-dimms"])
    func statusAgreesWithLsmem(machine: String) throws {
        let lsmem = "/usr/bin/lsmem"
        try #require(FileManager.default.isExecutableFile(atPath: lsmem), "util-linux lsmem is needed (the test command installs it)")
        let root = Fixture.examples.appendingPathComponent(machine).path
        for bytes in [false, true] {
            let reference = Process()
            reference.executableURL = URL(fileURLWithPath: lsmem)
            reference.arguments = ["--sysroot", root, "-o", "RANGE,SIZE,STATE,BLOCK,ZONES,NODE"] + (bytes ? ["-b"] : [])
            let pipe = Pipe()
            reference.standardOutput = pipe
            try reference.run()
            let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            reference.waitUntilExit()
            let ours = InProcess.run(["status", "--sysroot", root] + (bytes ? ["--bytes"] : []))
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(Self.rows(ours.stdout) == Self.rows(expected), "lsmem:\n\(expected)\nours:\n\(ours.stdout)")
            let totals = { (text: String) in
                text.split(separator: "\n").filter { $0.hasPrefix("Total") || $0.hasPrefix("Memory block") }.map {
                    $0.split(separator: " ").last.map(String.init) ?? ""
                }
            }
            #expect(totals(ours.stdout) == totals(expected))
        }
    }

    @Test("plan --json prints one object with the documented fields")
    func planJSON() throws {
        // The binary, end to end: exit 0 and stdio's stdout flushed at exit (the other tests here run in process).
        let result = try Binary.run(["plan", "--json", "--sysroot", Fixture.examples.appendingPathComponent("arm64-board").path])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["blockSize", "source", "bootEnd", "ram", "blocks", "totals", "warnings"] { #expect(object[key] != nil, "missing \(key)") }
        #expect(object["source"] as? String == "devicetree")
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.count == 53)
        #expect(Set(blocks.compactMap { $0["zone"] as? String }) == ["Normal", "Movable"])
        #expect(Set(blocks.compactMap { $0["action"] as? String }) == ["probe"])
    }

    @Test("plan --json: each warning carries a stable code to alert on and a message to read")
    func planJSONWarnings() throws {
        let root = try Fixture.copyOfExample("arm64-board")
        try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        let result = InProcess.run(["plan", "--json", "--sysroot", root.path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        let autoOnline = try #require(warnings.first { $0["code"] as? String == FindingCode.autoOnlineBlocks.rawValue })
        #expect((autoOnline["message"] as? String)?.contains("auto_online_blocks is 'online'") == true)
        for warning in warnings {
            #expect(FindingCode(rawValue: warning["code"] as? String ?? "") != nil, "\(warning)")
        }
    }

    /// Each bad input, the file to break, its new contents, and a word the error must contain.
    static let badInputs: [(String, String, String, String)] = [
        ("block size not a power of two", "/sys/devices/system/memory/block_size_bytes", "7000000\n", "power of two"),
        ("block size with 0x", "/sys/devices/system/memory/block_size_bytes", "0x8000000\n", "hex digits without 0x"),
        ("deferred_mem_init junk", "/sys/kernel/deferred_mem_init/deferred_kernelcore", "five gigs\n", "deferred_kernelcore"),
        ("boot end beyond DRAM", "/sys/kernel/deferred_mem_init/memblock_end_of_dram", "0x400000000\n", "at or below bootmem_end_of_dram"),
        // 12 GiB printed as hex without 0x reads as 300,000,000 bytes: memblock never ends off a page boundary.
        ("DRAM end as hex without 0x", "/sys/kernel/deferred_mem_init/bootmem_end_of_dram", "300000000\n", "multiple of 4096"),
        ("boot end as hex without 0x", "/sys/kernel/deferred_mem_init/memblock_end_of_dram", "80000000\n", "multiple of 4096"),
        ("percent over 100 on the cmdline", "/proc/cmdline", "mem=2G deferred_mem.kernelcore=150%\n", "at most 100%"),
        ("bad state", "/sys/devices/system/memory/memory3/state", "sleeping\n", "online, offline or going-offline"),
        ("phys_index disagrees", "/sys/devices/system/memory/memory3/phys_index", "00000007\n", "phys_index"),
        ("bad reg length", "/proc/device-tree/memory@0/reg", "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}", "multiple of 16 bytes"),
        ("configuration value", "/etc/deferred-memd.conf", "[Plan]\nMovableCore=eleven\n", "deferred-memd.conf:2"),
    ]

    @Test("bad input: a clear error naming the file and value, exit code 2, nothing written", arguments: 0..<badInputs.count)
    func badInput(index: Int) throws {
        let (name, path, contents, word) = Self.badInputs[index]
        let root = try Fixture.copyOfExample("phone-12g")
        try Fixture.write(contents, to: path, in: root)
        let before = try treeSnapshot(root)
        for (program, command) in [("deferred-memd", "plan"), ("deferred-memd", "status"), ("deferred-memd", "run"), (Binary.boot, "run")] {
            let result = InProcess.run([command, "--sysroot", root.path], program: program)
            #expect(result.status == 2, "\(name): \(program) \(command) exited \(result.status): \(result.stderr)")
            #expect(result.stderr.contains(word), "\(name): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: "), "\(name)")
        }
        #expect(try treeSnapshot(root) == before, "\(name): the tree changed")
    }

    @Test("a flag asking for more than exists is bad input, and nothing is written")
    func tooMuchFromFlag() throws {
        // The binary, end to end: exit code 2 and the message on its stderr.
        let root = try Fixture.copyOfExample("x86-vm-mem-limit")
        let before = try treeSnapshot(root)
        let result = try Binary.run(["run", "--simulate", "--sysroot", root.path, "--kernelcore", "64G"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--kernelcore"))
        #expect(result.stderr.contains("bad value '--kernelcore=64G'"), "\(result.stderr)")
        #expect(try treeSnapshot(root) == before)
    }

    @Test("capture copies what the daemon reads; the capture plans the same as the machine")
    func captureRoundTrip() throws {
        for machine in ["arm64-board", "x86-vm-mem-limit", "phone-12g"] {
            let destination = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: destination) }
            let source = Fixture.examples.appendingPathComponent(machine)
            let before = try treeSnapshot(source)
            let result = InProcess.run(["capture", "--sysroot", source.path, destination.appendingPathComponent("cap").path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try Fixture.plan(destination.appendingPathComponent("cap")) == (try Fixture.plan(source)))
            #expect(try treeSnapshot(source) == before, "capture wrote to its source")
        }
    }
}
