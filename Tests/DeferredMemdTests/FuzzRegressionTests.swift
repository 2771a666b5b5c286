import Execution
import Foundation
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Settings
import Testing

/// Every input the fuzz targets (Sources/Fuzz*, scripts/fuzz.sh) found crashing or misleading a parser, kept as
/// it was found (Tests/DeferredMemdTests/FuzzFindings) or reduced to the line at fault: bad input is a
/// `SourceError` naming the file, or an ignored journal, never a trap.
@Suite("Fuzz findings", .fixtures)
struct FuzzRegressionTests {
    static let findings = Fixture.repository.appendingPathComponent("Tests/DeferredMemdTests/FuzzFindings")

    static func finding(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: findings.appendingPathComponent(name)), as: UTF8.self)
    }

    @Test("/proc/meminfo: a kB figure too large for bytes, in a field the daemon does not use, is ignored (was an overflow trap)")
    func meminfoUnusedFieldOverflow() throws {
        // FuzzProcFiles: `nr_writeback_temp 018446744073709551615` in zoneinfo-like text; no MemFree line.
        let error = #expect(throws: SourceError.self) { try Meminfo.parse(try Self.finding("meminfo-kib-overflow")) }
        #expect(error?.expected == "a MemFree: line in kB")
        let meminfo = try Meminfo.parse("MemTotal: 8000 kB\nMemFree: 4 kB\nBogus: 18446744073709551615 kB\n")
        #expect(meminfo.memFree == 4096)
    }

    @Test(
        "/proc/meminfo: a used kB figure too large for bytes is a SourceError naming the line",
        arguments: ["MemFree: 18446744073709551615 kB\n", "MemFree: 1 kB\nHugepagesize: 18014398509481984 kB\n"])
    func meminfoUsedFieldOverflow(text: String) {
        let error = #expect(throws: SourceError.self) { try Meminfo.parse(text) }
        #expect(error?.path == "/proc/meminfo")
        #expect(error?.expected.contains("less than 16 EiB") == true)
    }
}
