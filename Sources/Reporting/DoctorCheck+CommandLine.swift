import MachineSources
import MemoryModel
import Planning

/// The kernel command line: `mem=`, the words that change who onlines memory, and the handover.
extension DoctorCheck {
    /// Who adds the deferred memory: the daemon, the kernel after `deferred_mem.timeout=`, or the kernel method.
    package static func handover(_ machine: Machine) -> [Finding] {
        let line = machine.commandLine
        guard let state = machine.deferredMemInit?.handover else {
            guard line.deferredMemKernelMode || line.deferredMemTimeout != nil else { return [] }
            return [
                Finding(
                    .warn, .kernelHandover,
                    "deferred_mem.mode= or deferred_mem.timeout= is on the command line but the kernel has no \(KernelHandover.path): it will not add anything itself",
                    remedy: "boot a kernel with kernel/0002-deferred-mem-init.patch, or drop the parameters")
            ]
        }
        if line.deferredMemKernelMode {
            return [
                Finding(
                    .ok, .kernelHandover,
                    "deferred_mem.mode=kernel: the kernel adds the deferred memory itself (state: \(state.rawValue)); deferred-memd stands down")
            ]
        }
        let timeout =
            line.deferredMemTimeout.map { "the kernel takes over after \($0) s without a block coming online (deferred_mem.timeout=\($0))" }
            ?? "no deferred_mem.timeout=: the kernel takes over only when userspace writes 'done'"
        return [Finding(.ok, .kernelHandover, "state: \(state.rawValue); \(timeout)")]
    }

    static func commandLine(_ machine: Machine) -> [Finding] {
        var findings: [Finding] = []
        let blockSize = machine.memory.blockSize
        if let mem = RAMMap(machine: machine).memLimit {
            let remainder = mem % blockSize
            if remainder == 0 {
                findings.append(
                    Finding(.ok, .memLimit, "mem=\(sizeArgument(mem)) ends on a block boundary (block size \(ByteCount.lsmemStyle(blockSize)))"))
            } else {
                let down = mem - remainder, up = down + blockSize
                let lost = blockSize - remainder
                findings.append(
                    Finding(
                        .warn, .memLimit,
                        "mem=\(sizeArgument(mem)) ends inside memory\(mem / blockSize) (block size \(ByteCount.lsmemStyle(blockSize))): the kernel adds that block partly at boot, and its other \(ByteCount.describe(lost)) (\(lost) bytes) cannot be probed until reboot",
                        remedy: "use mem=\(sizeArgument(down)) or mem=\(sizeArgument(up)), whole blocks"))
            }
        } else {
            findings.append(Finding(.ok, .memLimit, "no mem= on the command line: only present offline blocks are deferred"))
        }
        findings += [
            MachineRules.memhpDefaultState(machine), MachineRules.movableNode(machine), MachineRules.kernelcore(machine), MachineRules.crashKernel(machine),
        ]
        return findings
    }

    /// A size as `mem=` takes it: the largest of G, M, K that divides it, else bytes.
    static func sizeArgument(_ bytes: UInt64) -> String {
        for (shift, suffix) in [(30, "G"), (20, "M"), (10, "K")] where bytes > 0 && bytes % (UInt64(1) << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}
