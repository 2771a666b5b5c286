import KernelFiles
import MachineSources

/// The udev rule files in effect and the rules among them that online memory.
///
/// udev reads every `*.rules` name once, from the directory of highest priority that has it (`/etc`, then
/// `/run`, then `/usr/lib` and `/lib`), so a file in `/etc/udev/rules.d` overrides the distro's, and a
/// symlink to `/dev/null` there masks it (udev(7)).
package struct UdevRules: Sendable, Equatable {
    /// Highest priority first.
    package static let directories = ["/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"]

    /// Rule files read (in effect and not masked).
    package var filesRead: Int
    /// Names masked by a symlink to /dev/null (or an empty file), with the masking path.
    package var masked: [(name: String, path: String)]
    /// Rules in effect that online memory, by file name then line.
    package var onlining: [UdevOnliningRule]

    package init(filesRead: Int = 0, masked: [(name: String, path: String)] = [], onlining: [UdevOnliningRule] = []) {
        self.filesRead = filesRead
        self.masked = masked
        self.onlining = onlining
    }

    package static func == (lhs: UdevRules, rhs: UdevRules) -> Bool {
        lhs.filesRead == rhs.filesRead && lhs.onlining == rhs.onlining
            && lhs.masked.map(\.name) == rhs.masked.map(\.name) && lhs.masked.map(\.path) == rhs.masked.map(\.path)
    }

    /// The machine path of a mask for `name`.
    package static func maskPath(_ name: String) -> String { directories[0] + "/" + name }

    package static func read(from files: KernelFiles) throws(SourceError) -> UdevRules {
        var effective: [String: String] = [:]
        for directory in directories.reversed() where files.isDirectory(directory) {
            let names: [String]
            do { names = try files.list(directory) } catch { throw SourceError(error) }
            for name in names where name.hasSuffix(".rules") { effective[name] = directory + "/" + name }
        }
        var rules = UdevRules()
        for name in effective.keys.sorted() {
            guard let path = effective[name] else { continue }
            // Absolute links are resolved under the root: in a capture they name the machine's files, not ours.
            var target = path
            if let link = try? files.readLink(path) {
                if link == "/dev/null" {
                    rules.masked.append((name, path))
                    continue
                }
                if link.hasPrefix("/") { target = link }
            }
            let text: String
            do { text = try files.readText(target) } catch { throw SourceError(error) }
            if text.allSatisfy(\.isWhitespace) {
                rules.masked.append((name, path))
                continue
            }
            rules.filesRead += 1
            rules.onlining += onliningRules(in: text, name: name, path: path)
        }
        return rules
    }

    /// The rules of one file that online memory. A rule is about memory when it matches `SUBSYSTEM=="memory"`,
    /// `KERNEL=="memory*"` or a memory `DEVPATH`, or when it lies between `SUBSYSTEM!="memory", GOTO="L"` and
    /// `LABEL="L"` (the distros' style); it onlines when it assigns `ATTR{state}`/`ATTR{online}` anything but
    /// offline, or when its `RUN` writes `online` to a block. Best effort: udev's full semantics are not modelled.
    package static func onliningRules(in text: String, name: String, path: String) -> [UdevOnliningRule] {
        var found: [UdevOnliningRule] = []
        var memoryUntilLabel: Set<String> = []
        for (number, line) in logicalLines(text) {
            let pairs = keyValues(line)
            if let label = pairs.first(where: { $0.key == "LABEL" }) { memoryUntilLabel.remove(label.value) }
            let subsystem = pairs.first { $0.key == "SUBSYSTEM" && ($0.op == "==" || $0.op == "!=") }
            if let subsystem, subsystem.op == "!=", mentionsMemory(subsystem.value), let goto = pairs.first(where: { $0.key == "GOTO" }) {
                memoryUntilLabel.insert(goto.value)
                continue
            }
            let matchesMemory =
                pairs.contains { pair in
                    pair.op == "=="
                        && ((pair.key == "SUBSYSTEM" && mentionsMemory(pair.value)) || (pair.key == "KERNEL" && pair.value.hasPrefix("memory"))
                            || (pair.key == "DEVPATH" && pair.value.contains("system/memory")))
                }
            let otherSubsystem = subsystem.map { $0.op == "==" && !mentionsMemory($0.value) } ?? false
            guard matchesMemory || (!memoryUntilLabel.isEmpty && !otherSubsystem) else { continue }
            for pair in pairs where pair.op != "==" && pair.op != "!=" {
                let writesAttribute = (pair.key == "ATTR{state}" || pair.key == "ATTR{online}") && pair.value != "offline" && pair.value != "0"
                let runWrites =
                    pair.key.hasPrefix("RUN") && pair.value.contains("online") && (pair.value.contains("state") || pair.value.contains("/online"))
                if writesAttribute || runWrites {
                    found.append(UdevOnliningRule(name: name, path: path, line: number, text: line, action: "\(pair.key)\(pair.op)\"\(pair.value)\""))
                    break
                }
            }
        }
        return found
    }

    /// `memory`, or a `|`-list or glob that takes it.
    static func mentionsMemory(_ value: String) -> Bool {
        value.split(separator: "|").contains { $0 == "memory" || ($0.hasSuffix("*") && "memory".hasPrefix($0.dropLast())) }
    }

    /// Lines with backslash continuations joined, comments and blank lines dropped, each with its first line's number.
    static func logicalLines(_ text: String) -> [(Int, String)] {
        var lines: [(Int, String)] = []
        var pending = "", start = 0
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if pending.isEmpty {
                start = offset + 1
                line = line.drop { $0 == " " || $0 == "\t" }
                if line.hasPrefix("#") { continue }
            }
            if line.hasSuffix("\\") {
                pending += line.dropLast()
                continue
            }
            let whole = pending + line
            pending = ""
            if !whole.allSatisfy(\.isWhitespace) { lines.append((start, whole)) }
        }
        if !pending.isEmpty { lines.append((start, pending)) }
        return lines
    }

    /// `KEY{attr}OP"value"` pairs of one rule, split at commas outside quotes.
    static func keyValues(_ line: String) -> [(key: String, op: String, value: String)] {
        var pairs: [(key: String, op: String, value: String)] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            guard let quote = rest.firstIndex(of: "\"") else { break }
            let head = rest[..<quote]
            let opCharacters: Set<Character> = ["=", "!", "+", "-", ":"]
            var keyEnd = head.endIndex
            while keyEnd > head.startIndex, opCharacters.contains(head[head.index(before: keyEnd)]) { keyEnd = head.index(before: keyEnd) }
            let key = head[..<keyEnd].trimmingCharacters(in: " \t")
            let op = String(head[keyEnd...])
            let afterQuote = rest.index(after: quote)
            guard let close = rest[afterQuote...].firstIndex(of: "\"") else { break }
            pairs.append((key, op, String(rest[afterQuote..<close])))
            rest = rest[rest.index(after: close)...]
        }
        return pairs
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
