import Planning
import TinyJSON

extension MemmapBudget {
    /// `{"free", "memmap", "need", "tight", "fits"}`, bytes: what the plan needs at start against what was free.
    var json: JSONValue {
        .object([("free", .uint(free)), ("memmap", .uint(memmap)), ("need", .uint(need)), ("tight", .bool(tight)), ("fits", .bool(fits))])
    }
}
