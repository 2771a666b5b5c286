/// A process's soft and hard limit of one resource (`RLIM_INFINITY` as `UInt64.max`).
package struct ResourceLimit: Sendable, Equatable, CustomStringConvertible {
    package var soft: UInt64
    package var hard: UInt64

    package init(soft: UInt64, hard: UInt64) {
        self.soft = soft
        self.hard = hard
    }

    package var description: String {
        func text(_ value: UInt64) -> String { value == .max ? "unlimited" : "\(value)" }
        return soft == hard ? text(soft) : "\(text(soft)):\(text(hard))"
    }

    /// The limit named `label` in a `/proc/PID/limits` text (`Max processes  63541  63541  processes`).
    package static func parse(_ text: String, label: String, path: String) throws(SourceError) -> ResourceLimit {
        for line in text.split(separator: "\n") where line.hasPrefix(label + " ") {
            let values = line.dropFirst(label.count).split(separator: " ")
            func value(_ field: Substring) -> UInt64? { field == "unlimited" ? .max : UInt64(field) }
            guard values.count >= 2, let soft = value(values[0]), let hard = value(values[1]) else {
                throw SourceError(path: path, value: String(line), expected: "\(label) SOFT HARD (numbers or unlimited)")
            }
            return ResourceLimit(soft: soft, hard: hard)
        }
        throw SourceError(path: path, value: String(text.prefix(60)), expected: "a '\(label)' line")
    }
}
