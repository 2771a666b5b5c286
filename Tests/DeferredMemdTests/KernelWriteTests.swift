import Execution
import Foundation
import KernelFiles
import KernelSimulation
import MachineSources
import MemoryModel
import Testing

@Suite("The typed writes: the paths and bytes the kernel receives", .fixtures)
struct KernelWriteTests {
    static let every: [(KernelWrite, path: String, value: String)] = [
        (.probe(address: 0x1_3800_0000), "/sys/devices/system/memory/probe", "0x138000000"),
        (.blockState(index: 39, command: .onlineMovable), "/sys/devices/system/memory/memory39/state", "online_movable"),
        (.blockState(index: 8, command: .onlineKernel), "/sys/devices/system/memory/memory8/state", "online_kernel"),
        (.blockState(index: 8, command: .online), "/sys/devices/system/memory/memory8/state", "online"),
        (.blockState(index: 8, command: .offline), "/sys/devices/system/memory/memory8/state", "offline"),
        (.autoOnlineBlocks("online_movable"), "/sys/devices/system/memory/auto_online_blocks", "online_movable"),
        (.checkedAdd(address: 0x8000_0000, zone: .normal), "/sys/kernel/deferred_mem_init/online", "0x80000000 online_kernel"),
        (.checkedAdd(address: 0x1_3800_0000, zone: .movable), "/sys/kernel/deferred_mem_init/online", "0x138000000 online_movable"),
        (.handover(.userspace), "/sys/kernel/deferred_mem_init/state", "userspace"),
        (.handover(.done), "/sys/kernel/deferred_mem_init/state", "done"),
    ]

    @Test("each operation's path and value are the ones written before the seam was typed")
    func pathsAndValues() {
        for (operation, path, value) in Self.every {
            #expect(operation.path == path, "\(operation)")
            #expect(operation.value == value, "\(operation)")
        }
    }

    @Test("each zone's state command is the zone's online command")
    func stateCommands() {
        for zone in Zone.allCases { #expect(KernelWrite.StateCommand(zone).rawValue == zone.onlineCommand) }
    }

    /// The bytes as a shell would write them, read by the simulated kernel as the kernel's store functions read
    /// them, make the same change as the typed write: what the daemon writes is what the kernel understands.
    @Test("the simulated kernel reads each value at its path as the typed operation")
    func bytesReadBack() throws {
        for typed in [true, false] {
            let root = try Fixture.copyOfExample("arm64-qemu-virt")
            try Fixture.write("0x80000000-0xe0000000 0\n0xe0000000-0x140000000 1\n", to: "/sys/kernel/deferred_mem_init/candidates", in: root)
            try Fixture.write("", to: "/sys/kernel/deferred_mem_init/online", in: root)
            try Fixture.write("waiting\n", to: "/sys/kernel/deferred_mem_init/state", in: root)
            let files = KernelFiles(root: .init(root.path))
            let kernel = SimulatedKernel(files: files, machine: try Machine.read(from: files), options: .init(nanosecondsPerGiB: 0))
            let operations: [KernelWrite] = [
                .handover(.userspace), .autoOnlineBlocks("offline"), .probe(address: 0x8000_0000), .blockState(index: 16, command: .onlineKernel),
                .checkedAdd(address: 0x1_3800_0000, zone: .movable), .handover(.done),
            ]
            for operation in operations {
                if typed { try kernel.write(operation) } else { try kernel.write(text: operation.value, to: operation.path) }
            }
            #expect(try files.readValue("/sys/devices/system/memory/memory16/valid_zones") == "Normal", "typed: \(typed)")
            #expect(try files.readValue("/sys/devices/system/memory/memory39/valid_zones") == "Movable", "typed: \(typed)")
            #expect(try files.readValue("/sys/kernel/deferred_mem_init/state") == "done", "typed: \(typed)")
            #expect(kernel.writeCount == operations.count)
        }
    }
}
