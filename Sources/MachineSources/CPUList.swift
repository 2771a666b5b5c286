import KernelFiles

/// A Linux CPU list (`0-3,6`), as in `taskset -c` and cgroup cpusets.
package enum CPUList {
    package static let expected = "a CPU list such as 4-7 or 0,2,4"

    package static func parse(_ text: Substring) -> [Int]? {
        var cpus: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard let low = Int(bounds[0]), low >= 0, low < 1024 else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard bounds.count <= 2, let high, high >= low, high < 1024 else { return nil }
            cpus.append(contentsOf: low...high)
        }
        return cpus.isEmpty ? nil : cpus
    }
}

extension Substring {
    package var trimmingWhitespace: Substring {
        var s = self
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
