import Execution
import Foundation
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Settings
import Synchronization
import SystemPackage
import Testing
import TinyJSON

@Suite("A read error is not an absent block", .fixtures)
struct ReadErrorTests {
    @Test(
        "EIO or EACCES reading state before the writes: that block fails with the errno and is never probed; the others go on",
        arguments: [Errno.ioError, .permissionDenied])
    func unreadableStateIsNeverProbed(_ errno: Errno) {
        let counting = CountingKernel(blockSize: EngineSeamTests.blockSize)
        // A resumed plan reads each block's state first.
        let result = EngineSeamTests.run(
            EngineSeamTests.plan([.normal, .normal, .movable]), kernel: FailingReads(counting, failing: [17: errno]), fresh: false)
        let outcomes = Dictionary(uniqueKeysWithValues: result.records.map { ($0.block.index, $0.outcome) })
        #expect(outcomes[17] == .failed(stage: .read, errno: errno, reason: "memory17's state cannot be read: \(errno.description)"))
        #expect(result.records.first { $0.block.index == 17 }?.lastErrno == errno)
        #expect(outcomes[16] == .onlined && outcomes[18] == .onlined)
        #expect(counting.writeCount == 4, "memory17 must get neither a probe nor an online")
    }

    @Test("EIO re-reading a block this run onlined is a verify failure with EIO, not 'gone'")
    func unreadableAtVerification() {
        final class FailsAfterWrites: HotplugKernel {
            let inner = CountingKernel(blockSize: EngineSeamTests.blockSize)
            func read(_ machinePath: String) throws(KernelFileError) -> String {
                if inner.writeCount >= 4, MemoryBlockDirectory.blockIndex(of: machinePath) == 16 {
                    throw KernelFileError(.read, pathString: machinePath, errno: .ioError)
                }
                return try inner.read(machinePath)
            }
            func write(_ operation: KernelWrite) throws(KernelFileError) { try inner.write(operation) }
        }
        let kernel = FailsAfterWrites()
        let result = EngineSeamTests.run(EngineSeamTests.plan([.normal, .movable]), kernel: kernel, fresh: true)
        guard case .failed(.verify, .ioError?, let reason)? = result.records.first?.outcome else {
            Issue.record("memory16: \(String(describing: result.records.first?.outcome))")
            return
        }
        #expect(!reason.contains("gone"))
        #expect(result.records.last?.outcome == .onlined)
    }

    @Test("a transient errno on a read is retried, then the block goes on")
    func transientReadRetried() {
        final class BusyOnce: HotplugKernel {
            let inner = CountingKernel(blockSize: EngineSeamTests.blockSize)
            let failures = Mutex(2)
            func read(_ machinePath: String) throws(KernelFileError) -> String {
                let busy = failures.withLock { left -> Bool in
                    guard left > 0 else { return false }
                    left -= 1
                    return true
                }
                if busy { throw KernelFileError(.read, pathString: machinePath, errno: .resourceBusy) }
                return try inner.read(machinePath)
            }
            func write(_ operation: KernelWrite) throws(KernelFileError) { try inner.write(operation) }
        }
        let result = EngineSeamTests.run(EngineSeamTests.plan([.normal]), kernel: BusyOnce(), fresh: false)
        #expect(result.records.first?.outcome == .onlined)
    }
}
