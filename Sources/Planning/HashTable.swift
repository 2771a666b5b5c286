/// A hash table the kernel sizes once, at boot, from the memory it has then (`alloc_large_system_hash`,
/// mm/page_alloc.c) and never again: after a boot with `mem=` it stays sized for the boot memory. A command-line
/// parameter sizes it instead, which is the only remedy.
package struct HashTable: Sendable, Equatable {
    /// The name in the kernel's log line (`Dentry cache hash table entries: 32768 (order: …)`).
    package let name: String
    package let parameter: String
    let bucketSize: UInt64
    /// One bucket per 2^scale bytes of memory.
    let scale: UInt64
    let lowLimit: UInt64
    /// 0: none (then the scale grows by one for each fourfold of memory past 64 GiB).
    let highLimit: UInt64

    /// The tables whose parameters the kernel takes, 64-bit sizes of their buckets (fs/dcache.c, fs/inode.c,
    /// net/ipv4/tcp.c — `TCP bind` follows the established table —, net/ipv4/udp.c, fs/namespace.c).
    package static let all = [
        HashTable(name: "Dentry cache", parameter: "dhash_entries", bucketSize: 8, scale: 13, lowLimit: 2, highLimit: 0),
        HashTable(name: "Inode-cache", parameter: "ihash_entries", bucketSize: 8, scale: 14, lowLimit: 0, highLimit: 0),
        HashTable(name: "TCP established", parameter: "thash_entries", bucketSize: 8, scale: 17, lowLimit: 0, highLimit: 512 * 1024),
        HashTable(name: "UDP", parameter: "uhash_entries", bucketSize: 32, scale: 21, lowLimit: 256, highLimit: 64 * 1024),
        HashTable(name: "Mount-cache", parameter: "mhash_entries", bucketSize: 8, scale: 19, lowLimit: 0, highLimit: 0),
        HashTable(name: "Mountpoint-cache", parameter: "mphash_entries", bucketSize: 8, scale: 19, lowLimit: 0, highLimit: 0),
    ]

    /// The entries the kernel gives the table for `ramBytes` of memory present at boot: `nr_kernel_pages` is the
    /// present pages less their memmap (64 bytes a page), rounded up to a MiB; then one bucket per 2^scale bytes, a
    /// page at least, a power of two, within the limits and 1/16 of memory.
    package func entries(ramBytes: UInt64, pageSize: UInt64) -> UInt64 {
        let pageShift = UInt64(pageSize.trailingZeroBitCount)
        let present = ramBytes / pageSize
        let pagesPerMiB = max((1 << 20) / pageSize, 1)
        var entries = (present - present * 64 / pageSize + pagesPerMiB - 1) / pagesPerMiB * pagesPerMiB
        var scale = self.scale
        if highLimit == 0 {
            var adapt = (UInt64(64) << 30) >> pageShift
            while adapt < entries {
                scale += 1
                adapt <<= 2
            }
        }
        entries = scale > pageShift ? entries >> (scale - pageShift) : entries << (pageShift - scale)
        if entries * bucketSize < pageSize { entries = pageSize / bucketSize }
        entries = Self.roundUpToPowerOfTwo(entries)
        let most = min(highLimit != 0 ? highLimit : (present * pageSize >> 4) / bucketSize, 0x8000_0000)
        return min(max(entries, lowLimit), most)
    }

    static func roundUpToPowerOfTwo(_ value: UInt64) -> UInt64 {
        value <= 1 ? 1 : 1 << (64 - (value - 1).leadingZeroBitCount)
    }
}
