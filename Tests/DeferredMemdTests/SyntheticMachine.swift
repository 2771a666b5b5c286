import Execution
import Foundation
import Jobs
import KernelFiles
import KernelSimulation
import Logging
import MachineSources
import MemoryModel
import Planning
import Reporting
import Synchronization
import Testing

/// Writes a synthetic deferred_mem_init machine: DRAM from 0, boot blocks present, the rest deferred.
enum SyntheticMachine {
    static func write(root: URL, dram: UInt64, boot: UInt64, movablePercent: Int, blockSize: UInt64 = 128 << 20) throws {
        let memory = "/sys/devices/system/memory"
        try Fixture.write(String(blockSize, radix: 16) + "\n", to: "\(memory)/block_size_bytes", in: root)
        try Fixture.write("offline\n", to: "\(memory)/auto_online_blocks", in: root)
        try Fixture.write("", to: "\(memory)/probe", in: root)
        for index in 0..<Int(boot / blockSize) {
            try Fixture.write("online\n", to: "\(memory)/memory\(index)/state", in: root)
            try Fixture.write("Normal\n", to: "\(memory)/memory\(index)/valid_zones", in: root)
        }
        try Fixture.write("\(boot)\n", to: "/sys/kernel/deferred_mem_init/memblock_end_of_dram", in: root)
        try Fixture.write("\(dram)\n", to: "/sys/kernel/deferred_mem_init/bootmem_end_of_dram", in: root)
        try Fixture.write("mem=\(boot) deferred_mem.movablecore=\(movablePercent)%\n", to: "/proc/cmdline", in: root)
    }
}
