import KernelFiles
import MemoryModel

/// Each populated zone's span from `/proc/zoneinfo`, in page frames: what decides where `online_kernel` lands.
///
/// `online_kernel` puts a block in the first kernel zone of its node (DMA, DMA32, Normal) whose span it
/// intersects, else in Normal (mm/memory_hotplug.c `default_kernel_zone_for_pfn`). On arm64, re-adding the
/// initrd above `mem=` stretches ZONE_DMA up to 4 GiB, so blocks onlined there are DMA, not Normal.
package struct ZoneSpans: Sendable, Equatable {
    package static let path = "/proc/zoneinfo"

    package struct Span: Sendable, Equatable {
        package var node: Int
        package var zone: String
        package var startPFN: UInt64
        package var spannedPages: UInt64
        /// `pages free`: ZONE_MOVABLE's count toward `MemFree`, although no kernel allocation (a memmap) can use it.
        package var freePages: UInt64
        /// `managed`: the pages the buddy allocator manages; the zones' sum is `MemTotal` in pages.
        package var managedPages: UInt64

        package init(node: Int, zone: String, startPFN: UInt64, spannedPages: UInt64, freePages: UInt64 = 0, managedPages: UInt64 = 0) {
            self.node = node
            self.zone = zone
            self.startPFN = startPFN
            self.spannedPages = spannedPages
            self.freePages = freePages
            self.managedPages = managedPages
        }
    }

    /// Zones with pages spanned, in the file's order (per node, DMA before DMA32 before Normal).
    package var spans: [Span]

    package init(spans: [Span]) {
        self.spans = spans
    }

    /// The kernel zone `online_kernel` gives `range` on `node`, with `pageSize`-byte page frames.
    package func kernelZone(for range: AddressRange, node: Int, pageSize: UInt64) -> String {
        let first = range.start / pageSize, end = range.end / pageSize
        for span in spans where span.node == node && ["DMA", "DMA32", "Normal"].contains(span.zone) {
            if span.startPFN < end && first < span.startPFN + span.spannedPages { return span.zone }
        }
        return "Normal"
    }

    /// Every zone's managed pages: `MemTotal` counted in page frames.
    package var managedPages: UInt64 {
        Self.saturatingSum(spans.lazy.map(\.managedPages))
    }

    /// Free bytes in ZONE_MOVABLE on every node: part of `MemFree` that a probe's memmap cannot come from.
    /// Saturates: a corrupt count must not trap (the kernel's never come near 2^64 bytes).
    package func movableFreeBytes(pageSize: UInt64) -> UInt64 {
        let pages = Self.saturatingSum(spans.lazy.filter { $0.zone == "Movable" }.map(\.freePages))
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? .max : bytes
    }

    /// Counts from the file added up, at most 2^64 - 1: a corrupt count must not trap.
    private static func saturatingSum(_ counts: some Sequence<UInt64>) -> UInt64 {
        counts.reduce(0) { sum, count in
            let (total, overflow) = sum.addingReportingOverflow(count)
            return overflow ? .max : total
        }
    }

    package static func read(from files: KernelFiles) throws(SourceError) -> ZoneSpans? {
        guard files.exists(path) else { return nil }
        let text: String
        do { text = try files.readText(path) } catch { throw SourceError(error) }
        return try parse(text)
    }

    /// The first letters of `Node`, `pages free`, `managed`, `spanned` and `start_pfn`.
    private static func isFirstLetter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "N") || byte == UInt8(ascii: "p") || byte == UInt8(ascii: "m") || byte == UInt8(ascii: "s")
    }

    /// `Node 0, zone   Normal` opens a zone; its `spanned N` and `start_pfn: N` lines give the span, `pages free N`
    /// its free pages, `managed N` the pages the allocator manages.
    package static func parse(_ text: String) throws(SourceError) -> ZoneSpans {
        var spans: [Span] = []
        var current: (node: Int, zone: String, line: Int, spanned: UInt64?, start: UInt64?, free: UInt64, managed: UInt64)?
        func close() throws(SourceError) {
            guard let zone = current, let spanned = zone.spanned, spanned > 0, let start = zone.start else { return }
            guard !start.addingReportingOverflow(spanned).overflow else {
                throw SourceError(
                    path: "\(path):\(zone.line)", value: "Node \(zone.node), zone \(zone.zone): start_pfn \(start), spanned \(spanned)",
                    expected: "a span that ends inside the 64-bit page frame numbers")
            }
            spans.append(Span(node: zone.node, zone: zone.zone, startPFN: start, spannedPages: spanned, freePages: zone.free, managedPages: zone.managed))
        }
        for (number, line) in KernelText.lines(text).enumerated() {
            // Most of the file is per-CPU and vmstat counters: a line is split into words only if its first word
            // can be one of the five read below.
            guard let first = line.utf8.first(where: { $0 != UInt8(ascii: " ") }), Self.isFirstLetter(first) else { continue }
            let words = KernelText.split(line) { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ":") }
            if line.hasPrefix("Node ") {
                guard words.count == 4, words[2] == "zone", let node = Int(words[1]) else {
                    throw SourceError(path: "\(path):\(number + 1)", value: String(line), expected: "Node N, zone NAME")
                }
                try close()
                current = (node, String(words[3]), number + 1, nil, nil, 0, 0)
                continue
            }
            // `pages free     N`, the zone's first statistic (a count far below 2^64 pages; junk is left at 0).
            if words.count == 3, words[0] == "pages", words[1] == "free", current != nil, let free = UInt64(words[2]) {
                current?.free = free
                continue
            }
            // `managed N` (likewise; junk leaves it at 0, and the page size is then not inferred from it).
            if words.count == 2, words[0] == "managed", current != nil, let managed = UInt64(words[1]) {
                current?.managed = managed
                continue
            }
            guard words.count == 2, current != nil, words[0] == "spanned" || words[0] == "start_pfn" else { continue }
            guard let value = UInt64(words[1]) else {
                throw SourceError(path: "\(path):\(number + 1)", value: String(line), expected: "\(words[0]) followed by a decimal number")
            }
            if words[0] == "spanned" { current?.spanned = value } else { current?.start = value }
        }
        try close()
        return ZoneSpans(spans: spans)
    }
}
