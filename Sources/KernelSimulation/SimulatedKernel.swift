import Execution
import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Synchronization
import SystemPackage

/// An in-process model of the kernel's memory-hotplug writes, applied to a fake sysfs tree.
///
/// Every read stays a real file read; each write is applied to the tree the way the kernel applies it, or fails
/// with the errno the kernel returns (probe: junk or unaligned EINVAL, existing block EEXIST, beyond 2^52
/// E2BIG; state: unknown string or the state the block already has EINVAL). It honours `auto_online_blocks`
/// (with `online_kernel`/`online_movable` as Linux 5.7+, or refusing them as older kernels do),
/// appends probed blocks to `/sys/firmware/memmap` as the kernel does, moves `/proc/meminfo`'s free memory as a
/// probe and an online do (`adjustMeminfo`), and treats onlining a block with no RAM behind it as the panic it is on
/// a real machine.
package final class SimulatedKernel: HotplugKernel {
    package enum LockModel: String, Sendable, CaseIterable {
        /// Upstream: one `device_hotplug_lock` for every write, trylock + 5 ms sleep + restart on contention.
        case global
        /// The write-up's vendor kernel: one lock per zone (and one for probe).
        case perZone = "per-zone"
    }

    /// `autoOnline`: a write to `auto_online_blocks` (the block number is ignored: `auto-online:0:EIO:1`).
    package enum Stage: String, Sendable {
        case probe, online
        case autoOnline = "auto-online"
    }

    /// An errno injected on one block's probe or online, or on every block's (`block` nil), `count` times (nil:
    /// forever). Every block's online is what the real kernel's memory-notifier error injection does
    /// (`notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error`): each `online*` write to an offline block
    /// fails with exactly that errno and the block stays offline; writes to online blocks still get EINVAL first.
    package struct Fault: Sendable, Equatable {
        package var stage: Stage
        package var block: Int?
        package var errno: Errno
        package var count: Int?

        package init(stage: Stage, block: Int?, errno: Errno, count: Int?) {
            self.stage = stage
            self.block = block
            self.errno = errno
            self.count = count
        }

        /// `online:20:EBUSY:2`, `probe:5:ENOMEM:forever`, or `online:*:ENOMEM:forever` for every block.
        package init?(parsing text: String) {
            let parts = text.split(separator: ":").map(String.init)
            guard parts.count == 4, let stage = Stage(rawValue: parts[0]), let errno = Errno(symbol: parts[2]) else { return nil }
            let block: Int?
            if parts[1] == "*" { block = nil } else if let n = Int(parts[1]) { block = n } else { return nil }
            let count: Int?
            if parts[3] == "forever" { count = nil } else if let n = Int(parts[3]), n > 0 { count = n } else { return nil }
            self.init(stage: stage, block: block, errno: errno, count: count)
        }
    }

    package struct Options: Sendable, Equatable {
        /// Kernel time per GiB for probe + online together (measured: 25–33 ms per GiB); probe takes a quarter.
        package var nanosecondsPerGiB: UInt64
        package var lockModel: LockModel
        package var faults: [Fault]
        /// Where RAM really is; nil: what the tree describes of the hardware (`SimulatedKernel.hardwareRAM`).
        package var physicalRAM: RangeSet?
        /// Linux 5.7+: `auto_online_blocks` takes `online_kernel` and `online_movable`. false: an older kernel,
        /// which takes `online` and `offline` only and refuses the zone names with EINVAL.
        package var autoOnlineZones: Bool

        package init(
            nanosecondsPerGiB: UInt64 = 30_000_000, lockModel: LockModel = .global, faults: [Fault] = [], physicalRAM: RangeSet? = nil,
            autoOnlineZones: Bool = true
        ) {
            self.autoOnlineZones = autoOnlineZones
            self.physicalRAM = physicalRAM
            self.nanosecondsPerGiB = nanosecondsPerGiB
            self.lockModel = lockModel
            self.faults = faults
        }
    }

    struct State {
        var faults: [Fault]
        var crash: String?
        var writes = 0
        var contentionSleeps = 0
    }

    package let files: KernelFiles
    package let blockSize: UInt64
    /// The physical truth: where RAM really is.
    package let ram: RangeSet
    package let options: Options
    /// The node every probed block joins: probe cannot choose one (Linux 6.1 on arm64 and x86 with mem=).
    private let probeNode: Int
    /// The vendor kernel's candidates: what its checked add accepts, and on which node.
    private let candidates: [KernelCandidate]
    /// The vendor kernel's word that its checked add hosts each block's memmap in the block (`memmap_on_memory`).
    private let memmapInBlock: Bool
    /// The zone spans at boot: `online_kernel` lands in the first kernel zone spanning the block (DMA on arm64
    /// below 4 GiB once the initrd is re-added high), else Normal.
    private let kernelZones: ZoneSpans?
    private let pageSize: UInt64
    private let state: Mutex<State>
    /// The tree's check-then-act per block must be atomic, whatever the lock model.
    private let apply = Mutex(())
    private let globalLock = Mutex(())
    private let kernelZonesLock = LockBox()
    private let movableLock = LockBox()
    private let addingLock = LockBox()

    static let memory = MemoryBlockDirectory.path
    static let retryDelay: UInt64 = 5_000_000

    /// `physicalRAM` is where RAM really is; by default what the tree describes of the hardware (tests pass a
    /// different truth to see what happens when firmware and hardware disagree).
    package init(files: KernelFiles, machine: Machine, options: Options, physicalRAM: RangeSet? = nil) {
        self.files = files
        self.blockSize = machine.memory.blockSize
        self.ram = physicalRAM ?? options.physicalRAM ?? Self.hardwareRAM(machine)
        self.options = options
        // x86's rule and devicetree kernels' before 6.12; ProbeNode's numa_memblks rule (the first memory node in
        // the tree's order) is not modelled: no example is a multi-node tree booted on 6.12 or later.
        self.probeNode = machine.memory.blocks.first?.numaNode ?? 0
        self.candidates = machine.deferredMemInit?.candidates ?? []
        self.memmapInBlock = machine.deferredMemInit?.memmapInBlock == true
        self.kernelZones = machine.zoneSpans
        self.pageSize = machine.pageSize
        self.state = Mutex(State(faults: options.faults))
    }

    package var fatalCondition: String? { state.withLock { $0.crash } }

    /// The hardware as the tree describes it, independently of how the daemon reads its sources: every
    /// devicetree memory bank, every System RAM entry of the firmware memmap, and every block present, all
    /// together. Never cut at a boot end or a `deferred_mem_init` bound, and no source preferred over another:
    /// those are the daemon's inferences (`RAMMap`), which a simulation must be able to catch out.
    package static func hardwareRAM(_ machine: Machine) -> RangeSet {
        let blockSize = machine.memory.blockSize
        var ranges = machine.memory.blocks.map { $0.range(blockSize: blockSize) }
        ranges += machine.devicetree?.banks.map(\.range) ?? []
        ranges += machine.firmwareMemmap.map { Array($0.ram) } ?? []
        // A tree that describes DRAM only by the vendor interface's bounds (no map at all) has RAM up to its end.
        if machine.devicetree?.banks.isEmpty ?? true, machine.firmwareMemmap?.ram.isEmpty ?? true, let deferred = machine.deferredMemInit {
            ranges.append(AddressRange(start: deferred.bootEnd, end: deferred.dramEnd))
        }
        return RangeSet(ranges)
    }

    /// Reads stay real file reads of the tree this kernel maintains.
    package func read(_ machinePath: String) throws(KernelFileError) -> String {
        try files.readValue(machinePath)
    }
    package var writeCount: Int { state.withLock { $0.writes } }
    package var contentionSleeps: Int { state.withLock { $0.contentionSleeps } }

    package func write(_ operation: KernelWrite) throws(KernelFileError) {
        try perform(operation, text: operation.value)
    }

    /// What `echo VALUE > PATH` does: the kernel's store function reads the text into its operation (`kstrtoull` for
    /// `probe`, `%llx %s` for the checked add, the online types for `state`), answering EINVAL where it cannot. For
    /// tests of that reading; the engine's writes arrive typed.
    package func write(text value: String, to machinePath: String) throws(KernelFileError) {
        var body = Substring(value)
        if body.last == "\n" { body.removeLast() }
        let operation: KernelWrite?
        if machinePath == Self.memory + "/probe" {
            operation = Self.parseAddress(String(body)).map { .probe(address: $0) }
        } else if machinePath == DeferredMemInit.onlinePath {
            let fields = body.split(separator: " ")
            let address = fields.first.flatMap { UInt64($0.hasPrefix("0x") ? $0.dropFirst(2) : $0, radix: 16) }
            let zone = Zone.allCases.first { fields.count == 2 && $0.onlineCommand == fields[1] }
            operation = address.flatMap { address in zone.map { .checkedAdd(address: address, zone: $0) } }
        } else if machinePath == KernelHandover.path {
            operation = KernelHandover(rawValue: String(body)).map { .handover($0) }
        } else if machinePath == AutoOnlineSwitch.attribute {
            operation = .autoOnlineBlocks(String(body))
        } else if let (index, name) = MemoryBlockDirectory.blockAttribute(of: machinePath), name == "state" {
            operation = KernelWrite.StateCommand(rawValue: String(body)).map { .blockState(index: index, command: $0) }
        } else {
            try begin(machinePath, value: value)
            throw KernelFileError(.open, path: files.resolve(machinePath), errno: .permissionDenied, value: value)
        }
        guard let operation else {
            try begin(machinePath, value: value)
            try mustExist(machinePath, value: value)
            throw KernelFileError(.write, path: files.resolve(machinePath), errno: .invalidArgument, value: value)
        }
        try perform(operation, text: value)
    }

    /// Every write, even one the kernel refuses, is counted; none goes through once the kernel has "panicked".
    private func begin(_ machinePath: String, value: String) throws(KernelFileError) {
        if fatalCondition != nil { throw KernelFileError(.write, path: files.resolve(machinePath), errno: .ioError, value: value) }
        state.withLock { $0.writes += 1 }
    }

    private func mustExist(_ machinePath: String, value: String) throws(KernelFileError) {
        guard files.exists(machinePath) else {
            throw KernelFileError(.open, path: files.resolve(machinePath), errno: .noSuchFileOrDirectory, value: value)
        }
    }

    /// `operation` as the kernel applies it; `value` is the text written, for the errors.
    private func perform(_ operation: KernelWrite, text value: String) throws(KernelFileError) {
        let machinePath = operation.path
        let path = files.resolve(machinePath)
        func fail(_ errno: Errno) -> KernelFileError { KernelFileError(.write, path: path, errno: errno, value: value) }
        try begin(machinePath, value: value)
        switch operation {
        case .probe(let address):
            try mustExist(machinePath, value: value)
            try locked(.adding) { () throws(KernelFileError) in try probe(address, fail: fail) }
        case .checkedAdd(let address, let zone):
            try mustExist(machinePath, value: value)
            try locked(.adding) { () throws(KernelFileError) in try checkedAdd(address, zone: zone, fail: fail) }
        case .handover(let word):
            try mustExist(machinePath, value: value)
            guard (try? files.readValue(machinePath)) != KernelHandover.kernel.rawValue else { throw fail(.resourceBusy) }
            guard word == .userspace || word == .done else { throw fail(.invalidArgument) }
            try rewrite(machinePath, word.rawValue)
        case .autoOnlineBlocks(let setting):
            var body = Substring(setting)
            if body.last == "\n" { body.removeLast() }
            let accepted = options.autoOnlineZones ? ["offline", "online", "online_kernel", "online_movable"] : ["offline", "online"]
            guard accepted.contains(String(body)) else { throw fail(.invalidArgument) }
            if let errno = takeFault(.autoOnline, 0) { throw fail(errno) }
            try rewrite(machinePath, String(body))
        case .blockState(let index, let command):
            try mustExist(machinePath, value: value)
            try locked(command == .onlineMovable ? .movable : .kernelZones) { () throws(KernelFileError) in
                try changeState(index, to: command.rawValue, fail: fail)
            }
        }
    }

    /// The lock a write takes under `.perZone`: the vendor kernel's one per zone (every `state` write but
    /// `online_movable` counts as the kernel zones'), and one for adding blocks (probe and the checked add).
    private enum HotplugLock {
        case kernelZones, movable, adding
    }

    /// Runs `body` under the lock model: global trylock with the kernel's 5 ms sleep-and-restart, or per zone.
    private func locked(_ lock: HotplugLock, _ body: () throws(KernelFileError) -> Void) throws(KernelFileError) {
        switch options.lockModel {
        case .global:
            while true {
                let result: Result<Void, KernelFileError>? = globalLock.withLockIfAvailable { _ in
                    Result { () throws(KernelFileError) in try body() }
                }
                if let result { return try result.get() }
                state.withLock { $0.contentionSleeps += 1 }
                Clock.sleep(nanoseconds: Self.retryDelay)
            }
        case .perZone:
            let box =
                switch lock {
                case .kernelZones: kernelZonesLock
                case .movable: movableLock
                case .adding: addingLock
                }
            let result: Result<Void, KernelFileError> = box.mutex.withLock { _ in Result { () throws(KernelFileError) in try body() } }
            try result.get()
        }
    }

    private func takeFault(_ stage: Stage, _ block: Int) -> Errno? {
        state.withLock { state in
            guard let position = state.faults.firstIndex(where: { $0.stage == stage && (stage == .autoOnline || ($0.block ?? block) == block) }) else {
                return nil
            }
            let fault = state.faults[position]
            if let count = fault.count {
                if count <= 1 { state.faults.remove(at: position) } else { state.faults[position].count = count - 1 }
            }
            return fault.errno
        }
    }

    private func latency(_ fraction: UInt64, of total: UInt64) -> UInt64 {
        options.nanosecondsPerGiB * (blockSize >> 20) / 1024 * fraction / total
    }

    /// `kstrtoull(buf, 0)`: `0x` hex, leading `0` octal, else decimal.
    static func parseAddress(_ text: String) -> UInt64? {
        Memparse.parseNumber(Substring(text), base: .kernel)
    }

    /// `deferred_mem_init/online` (kernel/0002): adds a candidate block on its node with auto-online held off, and
    /// onlines it. Not modelled: the interleave check (ERANGE).
    private func checkedAdd(_ address: UInt64, zone: Zone, fail: (Errno) -> KernelFileError) throws(KernelFileError) {
        guard address % blockSize == 0, let block = AddressRange(start: address, size: blockSize) else { throw fail(.invalidArgument) }
        guard let candidate = candidates.first(where: { $0.range.contains(block) }) else { throw fail(.noSuchAddressOrDevice) }
        let index = Int(address / blockSize)
        let current = try? files.readValue(MemoryBlockDirectory.attribute("state", of: index))
        if current == "online" { throw fail(.fileExists) }
        if current == nil { try add(address, node: candidate.node, autoOnline: false, memmapHosted: memmapInBlock, fail: fail) }
        try changeState(index, to: zone.onlineCommand, fail: fail)
    }

    private func probe(_ address: UInt64, fail: (Errno) -> KernelFileError) throws(KernelFileError) {
        guard address % blockSize == 0 else { throw fail(.invalidArgument) }
        guard address < (UInt64(1) << 52) else { throw fail(.argListTooLong) }
        try add(address, node: probeNode, autoOnline: true, memmapHosted: false, fail: fail)
    }

    /// `__add_memory` of the block at `address` on `node`; then, where `autoOnline` lets the kernel's setting
    /// count, `online_memory_block`. `memmapHosted`: the memmap is in the block (MHP_MEMMAP_ON_MEMORY), not taken
    /// from free memory (the model then counts the whole block when it is onlined: generous by 1/64, never short).
    private func add(
        _ address: UInt64, node: Int, autoOnline useSetting: Bool, memmapHosted: Bool, fail: (Errno) -> KernelFileError
    ) throws(KernelFileError) {
        let index = Int(address / blockSize)
        if let errno = takeFault(.probe, index) { throw fail(errno) }
        Clock.sleep(nanoseconds: latency(1, of: 4))
        let directory = MemoryBlockDirectory.blockDirectory(index)
        let autoOnline = useSetting ? (try? files.readValue(Self.memory + "/auto_online_blocks")) ?? "offline" : "offline"
        let outcome: Result<Void, KernelFileError> = apply.withLock { _ in
            Result { () throws(KernelFileError) in
                guard !files.exists(directory) else { throw fail(.fileExists) }
                // Built under a hidden name and renamed into place: the kernel's memoryN appears whole, even
                // when the simulating process is killed half-way.
                let staging = "\(Self.memory)/.memory\(index).probing"
                try? files.removeTree(staging)
                try files.createDirectory(staging)
                try? files.createSymlink(staging + "/node\(node)", pointingTo: "../../node/node\(node)")
                try files.createFile(staging + "/phys_index", text: Hex.zeroPadded(UInt64(index), width: 8) + "\n")
                try files.createFile(staging + "/removable", text: "1\n")
                try files.createFile(staging + "/phys_device", text: "0\n")
                try files.createFile(staging + "/online", text: "0\n")
                try files.createFile(staging + "/valid_zones", text: "Normal Movable\n")
                try files.createFile(staging + "/state", text: "offline\n")
                // The memmap comes out of free memory: where it does not fit, the add fails and nothing appears. Taken
                // after the rename, so that a kill between the two leaves the model generous, never short.
                let memmap = memmapHosted ? 0 : -Int64(Planner.memmapBytes(of: blockSize, pageSize: pageSize))
                guard try adjustMeminfo(["MemFree:": memmap], write: false) else {
                    try? files.removeTree(staging)
                    throw fail(.noMemory)
                }
                try files.rename(staging, to: directory)
                _ = try adjustMeminfo(["MemFree:": memmap])
                try appendToFirmwareMemmap(AddressRange(start: address, end: address + blockSize))
            }
        }
        try outcome.get()
        // auto_online_blocks: the block is onlined inside the same probe write, in the zone a `state` write of the
        // same command picks (6.1 `online_memory_block`); if that fails (an injected online fault), the block
        // stays offline and the probe still succeeds: `add_memory_resource` ignores `walk_memory_blocks`' result.
        if autoOnline != "offline" {
            try? changeState(index, to: autoOnline, fail: fail)
        }
    }

    private func appendToFirmwareMemmap(_ range: AddressRange) throws(KernelFileError) {
        let directory = FirmwareMemmap.directory
        guard files.isDirectory(directory) else { return }
        let next = ((try? files.list(directory)) ?? []).compactMap(Int.init).max().map { $0 + 1 } ?? 0
        // Staged and renamed into place like memoryN: the kernel's entry appears whole (readers skip the name).
        let staging = "\(directory)/.\(next).adding"
        try? files.removeTree(staging)
        try files.createDirectory(staging)
        try files.createFile(staging + "/start", text: Hex.prefixed(range.start) + "\n")
        try files.createFile(staging + "/end", text: Hex.prefixed(range.end - 1) + "\n")
        try files.createFile(staging + "/type", text: "System RAM\n")
        try files.rename(staging, to: "\(directory)/\(next)")
    }

    private func changeState(_ index: Int, to command: String, fail: (Errno) -> KernelFileError) throws(KernelFileError) {
        guard ["online", "online_kernel", "online_movable", "offline"].contains(command) else { throw fail(.invalidArgument) }
        let directory = MemoryBlockDirectory.blockDirectory(index)
        let current = (try? files.readValue(directory + "/state")) ?? ""
        let wantsOnline = command != "offline"
        guard wantsOnline == (current == "offline") else { throw fail(.invalidArgument) }
        if wantsOnline {
            if let errno = takeFault(.online, index) { throw fail(errno) }
            Clock.sleep(nanoseconds: latency(3, of: 4))
        }
        let block = AddressRange(start: UInt64(index) * blockSize, end: UInt64(index + 1) * blockSize)
        let node = ((try? files.list(directory)) ?? []).lazy.compactMap { $0.hasPrefix("node") ? Int($0.dropFirst(4)) : nil }.first ?? probeNode
        let outcome: Result<Void, KernelFileError> = apply.withLock { _ in
            Result { () throws(KernelFileError) in
                // Re-check under the tree lock: another writer may have won the race.
                let now = (try? files.readValue(directory + "/state")) ?? ""
                guard wantsOnline == (now == "offline") else { throw fail(.invalidArgument) }
                if wantsOnline {
                    let candidates = ((try? files.readValue(directory + "/valid_zones")) ?? "Normal Movable").split(separator: " ")
                    let zone: String
                    switch command {
                    case "online_kernel": zone = kernelZones?.kernelZone(for: block, node: node, pageSize: pageSize) ?? "Normal"
                    case "online_movable": zone = "Movable"
                    default: zone = candidates.first.map(String.init) ?? "Normal"
                    }
                    guard ram.contains(block) else {
                        state.withLock { $0.crash = "simulated kernel panic: memory\(index) (\(block)) was onlined with no RAM behind it" }
                        throw fail(.ioError)
                    }
                    try files.replaceFileAtomically(directory + "/valid_zones", text: zone + "\n", durable: false)
                    // MemTotal (totalram_pages) grows with every zone's managed pages, and the two together: their
                    // ratio is how the daemon tells the page size. MemFree: see adjustMeminfo.
                    _ = try adjustMeminfo(["MemFree:": zone == "Movable" ? 0 : Int64(blockSize), "MemTotal:": Int64(blockSize)])
                    try addManagedPages(blockSize / pageSize, zone: zone, node: node)
                    try files.replaceFileAtomically(directory + "/online", text: "1\n", durable: false)
                    try files.replaceFileAtomically(directory + "/state", text: "online\n", durable: false)
                } else {
                    try files.replaceFileAtomically(directory + "/state", text: "offline\n", durable: false)
                    try files.replaceFileAtomically(directory + "/online", text: "0\n", durable: false)
                    try files.replaceFileAtomically(directory + "/valid_zones", text: "Normal Movable\n", durable: false)
                }
            }
        }
        try outcome.get()
    }

    /// Moves `/proc/meminfo`'s figures by the bytes given, in one rewrite, as the kernel does: a probe's memmap comes
    /// out of `MemFree`; a block onlined to a kernel zone adds its bytes to it, and any block to `MemTotal`. A Movable
    /// block is left out of `MemFree`: the kernel adds it there and to ZONE_MOVABLE's free pages alike, and the
    /// planner counts `MemFree` less those (this model does not rewrite the zones' free pages). Offlining is not
    /// modelled. false, changing nothing, when a figure would go below zero; true when the tree has no
    /// `/proc/meminfo` or not the line (nothing to keep); `write` false only asks. Called under `apply`.
    private func adjustMeminfo(_ moves: [String: Int64], write: Bool = true) throws(KernelFileError) -> Bool {
        guard files.exists(Meminfo.path), let text = try? files.readText(Meminfo.path) else { return true }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (label, bytes) in moves where bytes != 0 {
            guard let position = lines.firstIndex(where: { $0.hasPrefix(label) }),
                let kib = Int64(lines[position].dropFirst(label.count).split(separator: " ").first ?? "")
            else { continue }
            let moved = kib + bytes / 1024
            guard moved >= 0 else { return false }
            // The kernel's layout: the label in 16 columns, the value in 8.
            let value = String(moved)
            lines[position] = label + String(repeating: " ", count: max(1, 16 - label.count + 8 - value.count)) + value + " kB"
        }
        guard write else { return true }
        try files.replaceFileAtomically(Meminfo.path, text: lines.joined(separator: "\n"), durable: false)
        return true
    }

    /// Adds `pages` to the `managed` count of `zone` on `node` in `/proc/zoneinfo`, or of the first zone with a span
    /// when that one has none (this model grows no zone's span; the daemon reads zones without one as absent), as
    /// onlining does: `MemTotal` over the zones' managed pages must stay the page size.
    private func addManagedPages(_ pages: UInt64, zone: String, node: Int) throws(KernelFileError) {
        guard files.exists(ZoneSpans.path), let text = try? files.readText(ZoneSpans.path) else { return }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let headers = lines.indices.filter { lines[$0].hasPrefix("Node ") && lines[$0].contains(" zone ") }
        let sections = zip(headers, headers.dropFirst() + [lines.endIndex]).map { $0..<$1 }
        func value(_ name: Substring, in section: Range<Int>) -> (line: Int, count: UInt64)? {
            for line in section {
                let words = lines[line].split(separator: " ")
                if words.count == 2, words[0] == name, let count = UInt64(words[1]) { return (line, count) }
            }
            return nil
        }
        let spanning = sections.filter { (value("spanned", in: $0)?.count ?? 0) > 0 }
        let named = spanning.first { lines[$0.lowerBound].hasPrefix("Node \(node),") && lines[$0.lowerBound].hasSuffix(" " + zone) }
        guard let section = named ?? spanning.first, let managed = value("managed", in: section) else { return }
        lines[managed.line] = "        managed  \(managed.count + pages)"
        try files.replaceFileAtomically(ZoneSpans.path, text: lines.joined(separator: "\n"), durable: false)
    }

    private func rewrite(_ machinePath: String, _ value: String) throws(KernelFileError) {
        let result: Result<Void, KernelFileError> = apply.withLock { _ in
            Result { () throws(KernelFileError) in try files.replaceFileAtomically(machinePath, text: value + "\n", durable: false) }
        }
        try result.get()
    }
}
