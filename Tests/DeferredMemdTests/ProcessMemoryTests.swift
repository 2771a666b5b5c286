import Execution
import Foundation
import MachineSources
import Testing

/// The report says how much memory the daemon held, split the way the kernel accounts it: anonymous pages (its own
/// data, which grow with the machine) and file-backed pages (code it touched, shared with the page cache).
@Suite("The daemon's own memory: peak, anonymous and file-backed", .fixtures)
struct ProcessMemoryTests {
    /// Lines of a 6.1 kernel's /proc/self/status (a deferred-memd-boot run), in the kernel's order and spacing.
    static let status = """
        Name:\tdeferred-memd-b
        VmPeak:\t   27384 kB
        VmSize:\t   27380 kB
        VmHWM:\t   10316 kB
        VmRSS:\t   10112 kB
        RssAnon:\t     1096 kB
        RssFile:\t     9016 kB
        RssShmem:\t        0 kB
        Threads:\t1
        """

    @Test("VmHWM is the peak; RssAnon and RssFile are what is resident now")
    func parsesStatus() {
        #expect(ProcessMemory(status: Self.status) == ProcessMemory(peakKiB: 10316, anonymousKiB: 1096, fileKiB: 9016))
    }

    @Test("a kB figure is its own line's: not a longer name's, not a word, not a number cut from junk")
    func kilobyteFields() {
        let fields = KilobyteFields("Active(anon):   10 kB\nActive:   20 kB\nName:\tdeferred-memd\nBad:  12x kB\nMemFree:30 kB")
        #expect(fields["Active"]?.kib == 20)
        #expect(fields["Active(anon)"]?.kib == 10)
        #expect(fields["Active"]?.line == "Active:   20 kB")
        #expect(fields["MemFree"]?.kib == 30, "the last line, without a newline or padding")
        #expect(fields["Name"] == nil)
        #expect(fields["Bad"] == nil)
        #expect(fields["Act"] == nil)
        #expect(KilobyteFields("Huge: 18446744073709551616 kB")["Huge"] == nil, "2^64 is no UInt64")
        #expect(KilobyteFields("Max: 18446744073709551615 kB")["Max"]?.kib == .max)
    }

    @Test("without VmHWM there is no figure to report")
    func needsThePeak() {
        #expect(ProcessMemory(status: "Name:\tx\nRssAnon:\t 12 kB\n") == nil)
    }

    @Test("a run's report carries the split, and what is resident now never exceeds the peak")
    func reportCarriesTheSplit() throws {
        let root = try Fixture.copyOfExample("phone-12g")
        let result = try Binary.run(["run", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root.path], program: Binary.boot)
        #expect(result.status == 0)
        let written = try report(root)
        let peak = try #require(written["peakRSSKiB"] as? Int)
        let anonymous = try #require(written["rssAnonymousKiB"] as? Int)
        let file = try #require(written["rssFileKiB"] as? Int)
        #expect(anonymous > 0 && file > 0)
        #expect(anonymous + file <= peak)
        #expect(file > anonymous, "a run this size is mostly the code it touched")
    }
}
