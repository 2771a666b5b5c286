import KernelFiles
import MachineSources
import SystemPackage

/// The daemon's side of the vendor kernel's `state` file (`KernelHandover`, kernel/0002): it claims the adding when
/// it starts, stands down while the kernel adds, and says `done` at its end, after which the kernel checks the
/// claim and adds whatever candidate block is still missing.
package struct Handover: Sendable {
    package enum Claim: Sendable, Equatable {
        case claimed
        /// The file reads `kernel` (EBUSY): the kernel is adding the memory itself.
        case kernelAdding
        case failed(String)
    }

    package let kernel: any HotplugKernel

    package init(kernel: any HotplugKernel) {
        self.kernel = kernel
    }

    package func claim() -> Claim {
        do {
            try kernel.write(.handover(.userspace))
            return .claimed
        } catch  where error.errno == .resourceBusy {
            return .kernelAdding
        } catch {
            return .failed(error.description)
        }
    }

    /// `done`: nil, or why it could not be said.
    package func finish() -> String? {
        do {
            try kernel.write(.handover(.done))
            return nil
        } catch {
            return error.description
        }
    }

    /// Polls the file while it reads `kernel`, until `limit` nanoseconds have passed or `stop` is set. Returns what it
    /// read last (nil: unreadable).
    package func waitWhileKernelAdds(stop: StopFlag, limit: UInt64, interval: UInt64 = 10_000_000) -> KernelHandover? {
        let started = Clock.monotonicNanoseconds()
        while true {
            let now = (try? kernel.read(KernelHandover.path)).flatMap(KernelHandover.init(rawValue:))
            guard now == .kernel, !stop.isRequested, Clock.monotonicNanoseconds() - started < limit else { return now }
            Clock.sleep(nanoseconds: interval)
        }
    }
}
