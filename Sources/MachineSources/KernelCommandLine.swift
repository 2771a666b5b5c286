/// What the daemon needs from `/proc/cmdline`.
public struct KernelCommandLine: Sendable, Equatable {
    public static let path = "/proc/cmdline"

    /// `mem=`: the limit the kernel booted with (the last one wins, as in the kernel).
    public var memLimit: UInt64?
    public var kernelCore: SizeRequest?
    public var movableCore: SizeRequest?
    /// `kernelcore=mirror`: a mirrored-memory policy, not an amount.
    public var kernelCoreMirror = false
    public var deferredKernelCore: SizeRequest?
    public var deferredMovableCore: SizeRequest?
    public var memhpDefaultState: String?
    public var movableNode = false
    public var raw: String = ""

    public init() {}

    public init(parsing text: String) throws(SourceError) {
        raw = String(text.trimmingTrailingNewline)
        for word in Self.words(raw) {
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
                memLimit = limit
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
            if character == "\"" { inQuotes.toggle(); continue }
            if character.isWhitespace && !inQuotes {
                if !current.isEmpty { words.append(Substring(current)); current = "" }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(Substring(current)) }
        return words
    }
}
