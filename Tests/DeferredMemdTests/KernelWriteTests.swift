import Execution
import MemoryModel
import Testing

@Suite("The typed writes: the paths and bytes the kernel receives")
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
}
