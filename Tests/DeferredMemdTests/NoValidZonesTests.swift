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

@Suite("A kernel without valid_zones (CONFIG_MEMORY_HOTREMOVE off)", .fixtures)
struct NoValidZonesTests {
    @Test(
        "blocks onlined with online_kernel/online_movable are onlined, not verify failures: the kernel took the zone named",
        arguments: [true, false])
    func onlinedNotFailed(fresh: Bool) {
        let kernel = FailingReads.noValidZones()
        let result = EngineSeamTests.run(EngineSeamTests.plan([.normal, .normal, .movable]), kernel: kernel, fresh: fresh)
        #expect(result.records.map(\.outcome) == [.onlined, .onlined, .onlined])
        #expect(kernel.inner.writeCount == 6)
    }

    @Test("a block found online when it cannot be asked its zone is already online, not a conflict with an 'unknown' zone")
    func alreadyOnlineUnknownZone() {
        let kernel = FailingReads.noValidZones()
        _ = EngineSeamTests.run(EngineSeamTests.plan([.normal, .movable]), kernel: kernel, fresh: true)
        let again = EngineSeamTests.run(EngineSeamTests.plan([.normal, .movable]), kernel: kernel, fresh: false)
        #expect(again.records.map(\.outcome) == [.alreadyOnline, .alreadyOnline])
        #expect(kernel.inner.writeCount == 4, "nothing written the second time")
    }
}
