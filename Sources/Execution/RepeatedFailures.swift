import KernelFiles

/// One worker's failures grouped by cause, so that the journal carries the first block of each cause in full and
/// then one line for the rest: with no probe file every block fails alike, and 24 identical error lines hide
/// the one that differs.
struct RepeatedFailures {
    private var groups: [(outcome: BlockOutcome, repeats: [Int])] = []

    /// Whether a block already failed this way (then it is counted here, and logged at debug only). A write's
    /// failure is its stage and errno (the reason names the block's own file); any other, its whole outcome.
    mutating func isRepeat(_ record: BlockRecord) -> Bool {
        let key: BlockOutcome
        switch record.outcome {
        case .failed(let stage, let errno?, _): key = .failed(stage: stage, errno: errno, reason: "")
        case .failed, .refused: key = record.outcome
        default: return false
        }
        guard let group = groups.firstIndex(where: { $0.outcome == key }) else {
            groups.append((key, []))
            return false
        }
        groups[group].repeats.append(record.block.index)
        return true
    }

    /// Each cause that repeated, said as the summary says it (`at probe: no …`), and the blocks after the first,
    /// as index runs (`17-40,45`).
    var repeated: [(outcome: BlockOutcome, cause: String, blocks: String, count: Int)] {
        groups.filter { !$0.repeats.isEmpty }.map { ($0.outcome, Self.cause($0.outcome), Self.runs($0.repeats), $0.repeats.count) }
    }

    static func cause(_ outcome: BlockOutcome) -> String {
        switch outcome {
        case .failed(let stage, let errno?, _): "failed at \(stage) (\(errno.symbol))"
        case .failed(let stage, nil, let reason): "failed at \(stage): \(reason)"
        case .refused(let reason): "refused: \(reason)"
        default: outcome.name
        }
    }

    static func runs(_ indices: [Int]) -> String {
        var runs: [String] = []
        var start: Int?
        var end = 0
        for index in indices.sorted() {
            if start != nil, index == end + 1 {
                end = index
                continue
            }
            if let first = start { runs.append(first == end ? "\(first)" : "\(first)-\(end)") }
            start = index
            end = index
        }
        if let first = start { runs.append(first == end ? "\(first)" : "\(first)-\(end)") }
        return runs.joined(separator: ",")
    }
}
