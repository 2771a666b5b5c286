import CSystemd
import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Systemd
import Testing

/// A datagram socket standing in for systemd's `NOTIFY_SOCKET`: collects every message sent to it.
final class NotifyListener: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let messages = Locked<[String]>([])
    private let stopped = Locked(false)
    private var thread: Thread?

    init(directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = recv(descriptor, &buffer, buffer.count, 0)
                if n > 0 {
                    let text = String(decoding: buffer[..<n], as: UTF8.self)
                    messages.set(messages.get() + [text])
                } else if stopped.get() {
                    return
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    /// Every message received, after giving the socket a moment to drain.
    func finish() -> [String] {
        usleep(150_000)
        stopped.set(true)
        usleep(150_000)
        close(descriptor)
        return messages.get()
    }
}
