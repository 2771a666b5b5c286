/// What the daemon needs from `/proc/cmdline`.
package struct KernelCommandLine: Sendable, Equatable {
    package static let path = "/proc/cmdline"

    /// Every `mem=` limit, in command-line order, as the kernel read each (0 where it read no number). How several
    /// combine depends on the architecture: `memLimit` (devicetree machines) and `addressLimit` (x86) say.
    package var memLimits: [UInt64] = []
    /// `mem=` as devicetree machines take it: arm64's `early_mem` overwrites `memory_limit` at each
    /// occurrence, so the last one wins; 0 means none (`memblock_mem_limit_remove_map(0)` returns at once).
    package var memLimit: UInt64? {
        get { memLimits.last.flatMap { $0 > 0 ? $0 : nil } }
        set { memLimits = newValue.map { [$0] } ?? [] }
    }
    /// `mem=` as x86 takes it: each `parse_memopt` removes the e820 RAM above its own value from the map the
    /// previous one left, so the lowest one wins whatever the order. A plain `memmap=nn` cuts the same way.
    package var addressLimit: UInt64? {
        // x86's `parse_memopt` refuses 0 before cutting anything.
        (memLimits.filter { $0 > 0 } + memmap.compactMap { if case .limit(let limit) = $0 { limit } else { nil } }).min()
    }
    /// x86's `memmap=` pieces, every occurrence in order: edits of the e820 map that `/sys/firmware/memmap`
    /// does not show.
    package var memmap: [MemmapOption] = []
    package var kernelCore: SizeRequest?
    package var movableCore: SizeRequest?
    /// `kernelcore=mirror`: a mirrored-memory policy, not an amount.
    package var kernelCoreMirror = false
    package var deferredKernelCore: SizeRequest?
    package var deferredMovableCore: SizeRequest?
    package var memhpDefaultState: String?
    /// `deferred_mem.mode=kernel`: the vendor kernel adds the deferred memory itself (kernel/0002).
    package var deferredMemKernelMode = false
    /// `deferred_mem.timeout=`: seconds without a candidate block coming online before the vendor kernel takes over.
    package var deferredMemTimeout: UInt64?
    package var movableNode = false
    /// The `*hash_entries=` parameters given (`dhash_entries`…): those tables are sized as asked, not from memory.
    package var hashEntries: Set<String> = []
    /// `elfcorehdr=`: kexec started this kernel to dump a crashed one.
    package var elfCoreHeader = false
    /// `swiotlb=…,force` or x86 `iommu=soft`: the kernel set up a bounce buffer whatever memory it booted with
    /// (`setup_io_tlb_npages()`, `iommu_setup()`).
    package var bounceBufferRequested = false
    /// Words the kernel reads otherwise than they are written (trailing text it ignores, a zero size, a
    /// `memhp_default_state=` it does not take), each with what the kernel made of it.
    package var warnings: [String] = []

    package init() {}

    package init(parsing text: String) throws(SourceError) {
        elfCoreHeader = Self.namesElfCoreHeader(text)
        for word in Self.words(String(text.trimmingTrailingNewline)) {
            // `parse_args()` stops at `--`: what follows is init's, not the kernel's (`-- mem=2G` limits nothing).
            if word == "--" { break }
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // The kernel compares names with `-` and `_` alike (`parameq()`): `movable-node` is `movable_node`.
            let key = Substring(parts[0].replacing("-", with: "_"))
            let value = parts.count > 1 ? parts[1] : nil
            switch (key, value) {
            case ("mem", let v?):
                // x86 also takes `mem=nopentium`, which is not a limit.
                if v == "nopentium" { continue }
                memLimits.append(try kernelSize(v, word: word))
            case ("memmap", let v?):
                guard let options = MemmapOption.parse(v) else {
                    throw SourceError(path: Self.path, value: String(word), expected: MemmapOption.expected)
                }
                memmap += options
            case ("kernelcore", "mirror"):
                kernelCoreMirror = true
            case ("kernelcore", let v?):
                kernelCore = try kernelCoreSize(v, word: word, earlier: kernelCore)
            case ("movablecore", let v?):
                movableCore = try kernelCoreSize(v, word: word, earlier: movableCore)
            case ("deferred_mem.kernelcore", let v?):
                deferredKernelCore = try Self.size(v, word: word)
            case ("deferred_mem.movablecore", let v?):
                deferredMovableCore = try Self.size(v, word: word)
            case ("deferred_mem.mode", let v?):
                if v == "kernel" || v == "userspace" {
                    deferredMemKernelMode = v == "kernel"
                } else {
                    warnings.append("\(word): not a mode the kernel takes (kernel, userspace); ignored")
                }
            case ("deferred_mem.timeout", let v?):
                // kstrtoul(…, 0): decimal, 0x hex or leading-0 octal.
                if let seconds = Memparse.parseNumber(v, base: .kernel) {
                    deferredMemTimeout = seconds
                } else {
                    warnings.append("\(word): not a number of seconds; the kernel ignores it")
                }
            case ("memhp_default_state", let v?):
                // `mhp_online_type_from_str()`: anything else is ignored, and the build default stays.
                if ["offline", "online", "online_kernel", "online_movable"].contains(v) {
                    memhpDefaultState = String(v)
                } else {
                    warnings.append(
                        "\(word): not a state the kernel takes (offline, online, online_kernel, online_movable); it keeps its build default")
                }
            case ("movable_node", _):
                // `cmdline_parse_movable_node()` ignores any value: `movable_node=0` turns it on too.
                movableNode = true
            case ("swiotlb", let v?):
                // `[slabs][,areas][,force|noforce]`: the last word decides.
                if let last = v.split(separator: ",", omittingEmptySubsequences: false).last, last == "force" || last == "noforce" {
                    bounceBufferRequested = last == "force"
                }
            case ("iommu", let v?):
                // Each comma-separated option is matched by its prefix (`strncmp(p, "soft", 4)`).
                if v.split(separator: ",").contains(where: { $0.hasPrefix("soft") }) { bounceBufferRequested = true }
            case (let name, _?) where name.hasSuffix("hash_entries"):
                hashEntries.insert(String(name))
            default:
                continue
            }
        }
    }

    /// `elfcorehdr=` among the kernel's words (before `--`). Read on its own, not in the parse: a command line that
    /// does not parse must still say that this is a crash-dump kernel (`Machine.crashKernelMarker(in:)`).
    package static func namesElfCoreHeader(_ text: String) -> Bool {
        for word in words(String(text.trimmingTrailingNewline)) {
            if word == "--" { return false }
            if word.hasPrefix("elfcorehdr=") { return true }
        }
        return false
    }

    /// A size the kernel parsed itself, read as `memparse()` reads it and counted in whole 4 KiB pages (arm64's
    /// `& PAGE_MASK`, the zones' `>> PAGE_SHIFT`): the device booted with what the kernel made of the word, so the
    /// plan follows the kernel and says what it ignored.
    private mutating func kernelSize(_ value: Substring, word: Substring) throws(SourceError) -> UInt64 {
        guard let (read, rest) = Memparse.leading(value) else {
            throw SourceError(path: Self.path, value: String(word), expected: "a size below 16E")
        }
        let bytes = read & ~4095
        if bytes == 0 {
            warnings.append("\(word): the kernel reads \(read == 0 ? "0" : "less than a page") here, which asks for nothing")
        } else if !rest.isEmpty {
            warnings.append("\(word): the kernel reads \(SizeRequest.bytes(bytes).spelled) and ignores \"\(rest)\"")
        }
        return bytes
    }

    /// `kernelcore=` and `movablecore=` as `cmdline_parse_core()` reads them: a number (base 0) followed by `%` is a
    /// percentage, anything else a `memparse()` size. Zero asks for nothing, as in the kernel, where a size sets
    /// both the pages and the percentage (to 0) but a percentage only the percentage: `0%` leaves an `earlier` size
    /// in force. Over 100% the kernel warns and then acts as at 100%.
    private mutating func kernelCoreSize(_ value: Substring, word: Substring, earlier: SizeRequest?) throws(SourceError) -> SizeRequest? {
        if let (number, rest) = Memparse.leadingNumber(value), rest.first == "%" {
            if rest.count > 1 { warnings.append("\(word): the kernel reads \(number)% and ignores \"\(rest.dropFirst())\"") }
            guard number > 0 else {
                if case .bytes = earlier { return earlier }
                return nil
            }
            if number > 100 { warnings.append("\(word): over 100%; the kernel warns and acts as at 100%") }
            return .percent(min(number, 100))
        }
        let bytes = try kernelSize(value, word: word)
        return bytes > 0 ? .bytes(bytes) : nil
    }

    private static func size(_ value: Substring, word: Substring) throws(SourceError) -> SizeRequest {
        switch SizeRequest.parse(value) {
        case .success(let request): return request
        case .failure(let failure): throw SourceError(path: path, value: String(word), expected: failure.expected)
        }
    }

    /// Splits like the kernel's `next_arg()`: spaces separate words, double quotes group (and are dropped).
    static func words(_ line: String) -> [Substring] {
        var words: [Substring] = []
        var current = ""
        var inQuotes = false
        for character in line {
            if character == "\"" {
                inQuotes.toggle()
                continue
            }
            if character.isWhitespace && !inQuotes {
                if !current.isEmpty {
                    words.append(Substring(current))
                    current = ""
                }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(Substring(current)) }
        return words
    }
}
