/// The `Name:   1234 kB` lines of the /proc files that count in kB (`meminfo`, a process's `status`): each name's
/// number, with its line for error messages. `meminfo` pads with spaces, `status` with a tab and spaces; lines
/// without a number after the name (`Name:\tdeferred-memd`) are left out.
package enum KilobyteFields {
    package static func parse(_ text: String) -> [Substring: (kib: UInt64, line: Substring)] {
        var fields: [Substring: (kib: UInt64, line: Substring)] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" })
            guard parts.count >= 2, let kib = UInt64(parts[1]) else { continue }
            fields[parts[0]] = (kib, line)
        }
        return fields
    }
}
