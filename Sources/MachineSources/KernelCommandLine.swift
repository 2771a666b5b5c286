/// What the daemon needs from `/proc/cmdline`.
package struct KernelCommandLine: Sendable, Equatable {
    package static let path = "/proc/cmdline"

    /// Every `mem=` limit, in command-line order. How several combine depends on the architecture:
    /// `memLimit` (devicetree machines) and `addressLimit` (x86) say.
    package var memLimits: [UInt64] = []
    /// `mem=` as devicetree machines take it: arm64's `early_mem` overwrites `memory_limit` at each
    /// occurrence, so the last one wins.
    package var memLimit: UInt64? {
        get { memLimits.last }
        set { memLimits = newValue.map { [$0] } ?? [] }
    }
    /// `mem=` as x86 takes it: each `parse_memopt` removes the e820 RAM above its own value from the map the
    /// previous one left, so the lowest one wins whatever the order. A plain `memmap=nn` cuts the same way.
    package var addressLimit: UInt64? {
        (memLimits + memmap.compactMap { if case .limit(let limit) = $0 { limit } else { nil } }).min()
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
    package var movableNode = false
    /// `elfcorehdr=`: kexec started this kernel to dump a crashed one.
    package var elfCoreHeader = false

    package init() {}

    package init(parsing text: String) throws(SourceError) {
        for word in Self.words(String(text.trimmingTrailingNewline)) {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0]
            let value = parts.count > 1 ? parts[1] : nil
            switch (key, value) {
            case ("mem", let v?):
                // x86 also takes `mem=nopentium`, which is not a limit.
                if v == "nopentium" { continue }
                guard let limit = Memparse.parse(v), limit > 0 else {
                    throw SourceError(path: Self.path, value: String(word), expected: "mem=<size> such as mem=2G")
                }
                memLimits.append(limit)
            case ("memmap", let v?):
                guard let options = MemmapOption.parse(v) else {
                    throw SourceError(path: Self.path, value: String(word), expected: MemmapOption.expected)
                }
                memmap += options
            case ("kernelcore", "mirror"):
                kernelCoreMirror = true
            case ("kernelcore", let v?):
                kernelCore = try Self.size(v, word: word)
            case ("movablecore", let v?):
                movableCore = try Self.size(v, word: word)
            case ("deferred_mem.kernelcore", let v?):
                deferredKernelCore = try Self.size(v, word: word)
            case ("deferred_mem.movablecore", let v?):
                deferredMovableCore = try Self.size(v, word: word)
            case ("memhp_default_state", let v?):
                memhpDefaultState = String(v)
            case ("movable_node", nil):
                movableNode = true
            case ("elfcorehdr", _?):
                elfCoreHeader = true
            default:
                continue
            }
        }
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
