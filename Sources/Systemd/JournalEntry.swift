import CLibrary
import KernelFiles
import Logging
import SystemPackage

/// One journal entry as `FIELD=value` strings.
package enum JournalEntry {
    /// `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, the code location, and one field per metadata key
    /// (upper-cased: `block` → `BLOCK`). `errno` becomes the journal's numeric `ERRNO` plus `ERRNO_NAME`.
    package static func fields(identifier: String, level: Logger.Level, message: String, metadata: Logger.Metadata, file: String, function: String, line: UInt)
        -> [String]
    {
        var fields = [
            "MESSAGE=\(message)", "PRIORITY=\(priority(level))", "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(file)", "CODE_LINE=\(line)", "CODE_FUNC=\(function)",
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = fieldName(key) else { continue }
            let text = "\(value)"
            if name == "ERRNO", let errno = Errno(symbol: text) {
                fields.append("ERRNO=\(errno.rawValue)")
                fields.append("ERRNO_NAME=\(errno.symbol)")
            } else {
                fields.append("\(name)=\(text)")
            }
        }
        return fields
    }

    /// syslog priorities: trace and debug 7 … critical 2.
    package static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Journal field names: A–Z, 0–9 and `_`, not starting with `_` or a digit (those are trusted fields).
    package static func fieldName(_ key: String) -> String? {
        let name = String(key.uppercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII ? $0 : "_" })
        guard let first = name.first, first != "_", !first.isNumber, name.utf8.count <= 64 else { return nil }
        return name
    }

    static func send(_ fields: [String], through sendv: LibSystemd.JournalSendv) {
        // One buffer holding every field, so all the iovecs point into memory that lives for the call.
        var buffer: [UInt8] = []
        var ranges: [(Int, Int)] = []
        for field in fields {
            ranges.append((buffer.count, field.utf8.count))
            buffer.append(contentsOf: field.utf8)
        }
        buffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            let vectors = ranges.map { iovec(iov_base: base + $0.0, iov_len: $0.1) }
            _ = vectors.withUnsafeBufferPointer { sendv($0.baseAddress, Int32($0.count)) }
        }
    }

    /// The entry as one stream line, `<priority>message key=value …`: what journald makes of a line on a stream it
    /// reads (`SyslogLevelPrefix=`, on by default), for when libsystemd is not there to send fields.
    /// Newlines inside become spaces: each line on the stream is an entry of its own.
    package static func streamLine(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let body = (message + pairs).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
        return "<\(priority(level))>\(body)\n"
    }
}
