import Foundation
import KernelFiles
import MachineSources
import Testing

@Suite("Files a kernel may not have", .fixtures)
struct KernelFilesTests {
    @Test("a file this kernel does not have reads as nil; one that is there but cannot be read is an error naming it")
    func ifPresent() throws {
        let root = try Fixture.temporaryDirectory()
        try Fixture.write("online\n", to: "/sys/devices/system/memory/auto_online_blocks", in: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sys/devices/system/memory/probe"), withIntermediateDirectories: true)
        let files = KernelFiles(root: .init(root.path))
        #expect(try KernelFiles.ifPresent(files.readValue("/sys/devices/system/memory/auto_online_blocks")) == "online")
        #expect(try KernelFiles.ifPresent(files.readValue("/sys/devices/system/memory/absent")) == nil)
        let error = #expect(throws: KernelFileError.self) { try KernelFiles.ifPresent(files.readValue("/sys/devices/system/memory/probe")) }
        #expect(error?.errno == .isDirectory)
        #expect(error?.description.contains("/sys/devices/system/memory/probe") == true)
    }
}
