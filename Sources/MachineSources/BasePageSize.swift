/// The kernel's base page size, which no file the daemon reads states outright: 4 KiB on x86, 4, 16 or 64 KiB on
/// arm64 (Android's 16 KB page kernels, 64 KiB server kernels). `/proc/zoneinfo` counts in page frames, so every
/// address compared with a zone's span needs it.
///
/// Two readings, the first that answers wins:
/// - `MemTotal` over the zones' `managed` pages: both count the same pages (`adjust_managed_page_count` moves the
///   zone's count and `totalram_pages` together), one in kB and one in pages. Taken when the quotient is within
///   an eighth of 4, 16 or 64 KiB (the two files are read moments apart; a hot-add in between moves it a little).
/// - `Hugepagesize`: a PMD maps page²/8 bytes (2 MiB ↔ 4 KiB, 32 MiB ↔ 16 KiB, 512 MiB ↔ 64 KiB). Only on kernels
///   with hugetlbfs, and wrong under `default_hugepagesz=` (arm64 4 KiB with 32 MiB contiguous-PMD pages would read
///   as 16 KiB): the second choice.
/// Neither: 4 KiB.
package enum BasePageSize {
    package static let candidates: [UInt64] = [4 << 10, 16 << 10, 64 << 10]
    package static let fallback: UInt64 = 4 << 10

    package static func infer(meminfo: Meminfo?, zoneSpans: ZoneSpans?) -> UInt64 {
        if let total = meminfo?.memTotal, let managed = zoneSpans?.managedPages, managed > 0 {
            let quotient = total / managed
            if let size = candidates.first(where: { quotient > $0 - $0 / 8 && quotient < $0 + $0 / 8 }) { return size }
        }
        if let huge = meminfo?.hugePageSize, let size = candidates.first(where: { $0.multipliedReportingOverflow(by: $0 / 8) == (huge, false) }) {
            return size
        }
        return fallback
    }
}
