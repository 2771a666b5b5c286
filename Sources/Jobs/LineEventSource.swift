import CLibrary
import Execution
import KernelFiles
import SystemPackage

/// Events as text lines (`add memory42`), from a file or a FIFO: how tests and demos drive `watch` without a
/// kernel. End of file ends the source.
package final class LineEventSource: BlockEventSource {
    private let descriptor: FileDescriptor
    private var buffer: [UInt8] = []
    private var pending: [BlockEvent] = []
    package private(set) var isExhausted = false

    package init(path: String) throws {
        descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking, .closeOnExec])
    }

    deinit { try? descriptor.close() }

    package func next(timeoutNanoseconds: UInt64) throws -> BlockEvent? {
        if !pending.isEmpty { return pending.removeFirst() }
        guard !isExhausted else { return nil }
        var poller = pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(clamping: (timeoutNanoseconds + 999_999) / 1_000_000))
        guard ready > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count: Int
        do {
            count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0, retryOnInterrupt: true) }
        } catch Errno.wouldBlock {
            return nil
        }
        if count == 0 {
            isExhausted = true
        }
        buffer += chunk[..<count]
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            let words = line.split(separator: " ")
            if words.count == 2, let event = BlockEvent(action: String(words[0]), sysname: String(words[1])) { pending.append(event) }
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }
}
