import KernelFiles
import MachineSources
import MemoryModel
import Planning
import Synchronization
import SystemPackage

/// Brings one block to its planned zone and records what the kernel really did.
///
/// The common path is what a shell loop does: the writes, and nothing else. With a fresh plan, the plan's action
/// is what the machine showed moments ago (absent → probe, offline → online); a resumed plan or a block that was
/// online costs one read of `state` first. The kernel's answer to a write decides the rest, and only a refusal
/// costs more reads:
/// - probe EEXIST → the block exists (an earlier run, or a racing agent): carry on to onlining;
/// - state EINVAL → re-read: already online (in the planned zone: success; in the other: conflict);
/// - state ENOENT after a probe → the block never appeared;
/// - EBUSY, EAGAIN, EINTR, ENOMEM → bounded retries with backoff;
/// - anything else → the block fails, and the other blocks go on.
/// A successful `online_kernel`/`online_movable` means the kernel put the block in that zone; `verify` re-reads
/// every such block once the writes are done, so the report states what the kernel shows, not what it said.
///
/// Auto-zone (`autoZone` set): `auto_online_blocks` is switched to the block's zone when it differs, and the probe
/// is the only write; the kernel onlines the block inside it (Linux 6.1 `add_memory_resource` →
/// `online_memory_block`, the same `zone_for_pfn_range` as a `state` write). That online's failure is ignored by
/// the kernel (the probe still succeeds), so `verify` onlines a block it finds offline, as two writes would have.
///
/// Checked add (`checkedAdd`): an absent block takes one write, `ADDRESS ZONE` to `deferred_mem_init/online`,
/// which adds it on its candidate's node and onlines it; EEXIST means online already (read to see in which zone),
/// ENXIO that the kernel does not count it among its candidates (refused, as the probe guard refuses), ERANGE
/// that the zone would interleave on the node. A block present but offline still takes a `state` write.
struct BlockExecutor: Sendable {
    let kernel: any HotplugKernel
    let probeGuard: ProbeGuard
    let retry: RetryPolicy
    let blockSize: UInt64
    /// Serialises kernel writes across workers when the kernel serialises them anyway (see Engine).
    let gate: WriteGate?
    let runStart: UInt64
    /// Why blocks that need probing cannot be probed, or nil.
    let probeUnavailable: String?
    /// When the run's first kernel write began, for the start-up benchmark.
    let firstWrite: FirstWrite
    /// See `Engine.planIsFresh`.
    let planIsFresh: Bool
    /// Read after every successful probe (the low point of free memory: the block's memmap is taken, its memory
    /// not yet online); nil unless the plan says free memory is tight.
    var freeMemory: FreeMemoryWatch? = nil
    /// Auto-zone: `auto_online_blocks` holds the zone being probed and the probe onlines the block; nil: two writes.
    let autoZone: AutoZoneSetting?
    /// The checked add: an absent block is added and onlined by one write to `deferred_mem_init/online`.
    var checkedAdd = false

    enum Observed: Equatable {
        case absent
        case offline
        case goingOffline
        case online(zone: Zone?, zoneName: String)
        /// Online, in a zone the kernel does not show: without CONFIG_MEMORY_HOTREMOVE there is no `valid_zones`
        /// (drivers/base/memory.c registers it only under that option). A successful `online_kernel` or
        /// `online_movable` is then the only word on the zone, and it is the kernel's own.
        case onlineZoneHidden
        /// The kernel would not say: a read failed with something other than ENOENT (EIO, EACCES, …), after
        /// retries where the errno is transient. Never taken for "absent": that would lead to a probe.
        case unreadable(Errno)
    }

    /// The block's state as the kernel shows it. Only ENOENT means the block does not exist.
    func observe(_ index: Int) -> Observed {
        let state: String
        switch read(MemoryBlockDirectory.attribute("state", of: index)) {
        case .success(let value): state = value
        case .failure(let errno) where errno == .noSuchFileOrDirectory: return .absent
        case .failure(let errno): return .unreadable(errno)
        }
        switch state {
        case "online":
            switch read(MemoryBlockDirectory.attribute("valid_zones", of: index)) {
            case .success(let zones):
                let words = zones.split(separator: " ")
                let zone = words.count == 1 ? Zone(kernelZoneName: words[0]) : nil
                return .online(zone: zone, zoneName: zones)
            case .failure(let errno) where errno == .noSuchFileOrDirectory: return .onlineZoneHidden
            case .failure(let errno): return .unreadable(errno)
            }
        case "going-offline": return .goingOffline
        default: return .offline
        }
    }

    /// One attribute read, retried like a write while the errno is transient.
    private func read(_ path: String) -> Result<String, Errno> {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return .success(try kernel.read(path))
            } catch {
                guard RetryPolicy.transient.contains(error.errno), attempt < retry.maxAttempts else { return .failure(error.errno) }
                Clock.sleep(nanoseconds: retry.backoff(after: attempt))
            }
        }
    }

    func execute(_ block: Plan.Block, worker: String) -> BlockRecord {
        var record = BlockRecord(block: block, worker: worker)
        record.startedAt = Clock.monotonicNanoseconds() - runStart
        record.outcome = bringOnline(block, record: &record)
        record.finishedAt = Clock.monotonicNanoseconds() - runStart
        return record
    }

    /// An online block against the plan, the kernel's name of its zone recorded: `inZone` in the planned zone (or
    /// in one the kernel hides, where only a successful online can have put it), a conflict naming the zone
    /// elsewhere; nil when the block is not online.
    func placement(_ observed: Observed, of block: Plan.Block, record: inout BlockRecord, inZone: BlockOutcome) -> BlockOutcome? {
        switch observed {
        case .online(let zone, let name):
            if !name.isEmpty { record.kernelZone = name }
            return zone == block.zone ? inZone : .conflict(actual: name.isEmpty ? "unknown" : name)
        case .onlineZoneHidden:
            return inZone
        case .absent, .offline, .goingOffline, .unreadable:
            return nil
        }
    }

    /// Re-reads a block this run onlined: the outcome to report instead, or nil when it holds; the kernel's own
    /// name of its zone goes into the record either way.
    func verify(_ record: inout BlockRecord) -> BlockOutcome? {
        var observed = observe(record.block.index)
        if observed == .offline, record.writes == .probe || record.writes == [.autoOnline, .probe] {
            // The probe's auto-online failed, silently: online it as the two-write path would have.
            record.onlinedAfterProbe = true
            record.writes.insert(.state)
            let command = record.block.zone.onlineCommand
            switch write(.blockState(index: record.block.index, command: .init(record.block.zone)), record: &record) {
            case .success:
                observed = observe(record.block.index)
            case .failure(let error):
                return .failed(
                    stage: .online, errno: error.errno,
                    reason: "memory\(record.block.index) stayed offline after its probe (auto-online failed) and \(command) failed: \(error.description)")
            }
        }
        if record.zoneChosenByKernel, case .online(_, let name) = observed {
            if !name.isEmpty { record.kernelZone = name }
            return nil  // Whatever zone the kernel chose.
        }
        switch placement(observed, of: record.block, record: &record, inZone: .onlined) {
        case .onlined?: return nil
        case let outcome?: return outcome
        case nil: break
        }
        switch observed {
        case .online, .onlineZoneHidden:
            return nil  // Judged above.
        case .absent:
            return .failed(stage: .verify, errno: nil, reason: "memory\(record.block.index) is gone after it was onlined")
        case .unreadable(let errno):
            return .failed(stage: .verify, errno: errno, reason: "memory\(record.block.index) cannot be read back after it was onlined: \(errno.description)")
        case .offline, .goingOffline:
            return .failed(stage: .verify, errno: nil, reason: "memory\(record.block.index) is offline again after it was onlined")
        }
    }

    /// Rescue's last resort for a block its planned write left offline (`Engine.kernelChoiceFallback`): a plain
    /// `online`, the kernel's own choice of zone, retried like every write; `verify` reads back what the kernel
    /// chose. nil when the block is not offline (absent, online, going offline, unreadable): nothing to fall back on.
    func onlineInKernelsChoice(_ record: inout BlockRecord) -> BlockOutcome? {
        let index = record.block.index
        guard observe(index) == .offline else { return nil }
        let earlier: String =
            switch record.outcome {
            case .failed(_, _, let reason), .refused(let reason): reason
            default: "memory\(index) was left offline"
            }
        record.writes.insert(.state)
        switch write(.blockState(index: index, command: .online), record: &record) {
        case .success:
            record.zoneChosenByKernel = true
            return .onlined
        case .failure(let error):
            // EINVAL: the kernel refuses a block that is not offline; another agent onlined it meanwhile, its zone decides.
            if error.errno == .invalidArgument, let placed = placement(observe(index), of: record.block, record: &record, inZone: .raced) {
                return placed
            }
            return .failed(stage: .online, errno: error.errno, reason: "\(earlier); then online (the kernel's choice of zone): \(error.description)")
        }
    }

    private func bringOnline(_ block: Plan.Block, record: inout BlockRecord) -> BlockOutcome {
        // Whether our probe write added the block (not EEXIST): then an online block after it is ours.
        var probed = false
        let observed: Observed = planIsFresh && !block.alreadyOnline ? (block.action == .probe ? .absent : .offline) : observe(block.index)
        if let placed = placement(observed, of: block, record: &record, inZone: .alreadyOnline) { return placed }
        switch observed {
        case .online, .onlineZoneHidden:
            return .alreadyOnline  // Judged above.
        case .goingOffline:
            return .failed(stage: .online, errno: nil, reason: "memory\(block.index) is going offline")
        case .unreadable(let errno):
            record.lastErrno = errno
            return .failed(stage: .read, errno: errno, reason: "memory\(block.index)'s state cannot be read: \(errno.description)")
        case .offline:
            break
        case .absent:
            if let probeUnavailable { return .failed(stage: .probe, errno: nil, reason: probeUnavailable) }
            let range = AddressRange(start: UInt64(block.index) * blockSize, end: UInt64(block.index + 1) * blockSize)
            if let reason = probeGuard.refusal(for: range) { return .refused(reason: reason) }
            if checkedAdd { return addChecked(block, range: range, record: &record) }
            let autoOnlined: Bool
            switch switchAutoOnline(to: block.zone, record: &record) {
            case .success(let on): autoOnlined = on
            case .failure(let error): return .failed(stage: .probe, errno: error.errno, reason: "cannot switch auto_online_blocks off: \(error.description)")
            }
            record.writes.insert(.probe)
            switch write(.probe(address: range.start), record: &record) {
            case .success:
                // Auto-zone: the kernel onlined it in this write, or left it offline for `verify` to find.
                freeMemory?.sample()
                if autoOnlined { return .onlined }
                probed = true
            case .failure(let error) where error.errno == .fileExists:
                break  // Already added (an earlier run or another agent): onlining decides.
            case .failure(let error):
                return .failed(stage: .probe, errno: error.errno, reason: error.description)
            }
        }
        record.writes.insert(.state)
        switch write(.blockState(index: block.index, command: .init(block.zone)), record: &record) {
        case .success:
            return .onlined
        case .failure(let error) where error.errno == .noSuchFileOrDirectory && probed:
            return .failed(stage: .probe, errno: record.lastErrno, reason: "memory\(block.index) did not appear after the probe write")
        case .failure(let error) where error.errno == .invalidArgument:
            // The kernel refuses a block that is not offline: see what it is now.
            // After our probe: auto_online_blocks onlined it inside the probe write. Else another agent won.
            return placement(observe(block.index), of: block, record: &record, inZone: probed ? .onlined : .raced)
                ?? .failed(stage: .online, errno: error.errno, reason: error.description)
        case .failure(let error):
            return .failed(stage: .online, errno: error.errno, reason: error.description)
        }
    }

    /// The checked add of an absent block: one write that adds and onlines it, the kernel's refusals explained.
    private func addChecked(_ block: Plan.Block, range: AddressRange, record: inout BlockRecord) -> BlockOutcome {
        record.writes.insert(.checkedAdd)
        switch write(.checkedAdd(address: range.start, zone: block.zone), record: &record) {
        case .success:
            freeMemory?.sample()
            return .onlined
        case .failure(let error) where error.errno == .fileExists:
            // Online already: an earlier run, the kernel taking over, or another agent. Its zone decides.
            return placement(observe(block.index), of: block, record: &record, inZone: .raced)
                ?? .failed(stage: .probe, errno: error.errno, reason: error.description)
        case .failure(let error) where error.errno == .noSuchAddressOrDevice:
            return .refused(reason: "\(range) is not among the kernel's candidates: \(DeferredMemInit.onlinePath) refused it (ENXIO)")
        case .failure(let error) where error.errno == .outOfRange:
            return .failed(
                stage: .probe, errno: error.errno,
                reason: "the kernel refused \(block.zone.onlineCommand) at \(range): the zones on node \(block.node) would interleave (ERANGE)")
        case .failure(let error):
            return .failed(stage: .probe, errno: error.errno, reason: error.description)
        }
    }

    /// Auto-zone: makes `auto_online_blocks` hold `zone`'s command before a probe (a write only when the zone
    /// changes). Returns whether the probe will online the block; false on the two-write path. A switch that
    /// fails leaves the kernel's value unknown: it is set to `offline` and the run goes on with two writes, and
    /// only when that fails too does the block fail (a probe would online it in whatever zone the value names).
    private func switchAutoOnline(to zone: Zone, record: inout BlockRecord) -> Result<Bool, KernelFileError> {
        guard let autoZone, let current = autoZone.current else { return .success(false) }
        let wanted = zone.onlineCommand
        guard current != wanted else { return .success(true) }
        record.writes.insert(.autoOnline)
        if case .success = write(.autoOnlineBlocks(wanted), record: &record) {
            autoZone.current = wanted
            return .success(true)
        }
        autoZone.current = nil
        return write(.autoOnlineBlocks("offline"), record: &record).map { false }
    }

    /// One logical write with retries for transient errnos. Attempts and the last errno go into the record.
    private func write(_ operation: KernelWrite, record: inout BlockRecord) -> Result<Void, KernelFileError> {
        var attempt = 0
        while true {
            attempt += 1
            record.attempts += 1
            let started = Clock.monotonicNanoseconds()
            firstWrite.note(started)
            let result: Result<Void, KernelFileError>
            if let gate {
                result = gate.withWrite { () -> Result<Void, KernelFileError> in
                    let writeStart = Clock.monotonicNanoseconds()
                    defer { record.writeNanoseconds += Clock.monotonicNanoseconds() - writeStart }
                    return Result { () throws(KernelFileError) in try kernel.write(operation) }
                }
            } else {
                result = Result { () throws(KernelFileError) in try kernel.write(operation) }
                record.writeNanoseconds += Clock.monotonicNanoseconds() - started
            }
            guard case .failure(let error) = result else { return result }
            record.lastErrno = error.errno
            guard RetryPolicy.transient.contains(error.errno), attempt < retry.maxAttempts, kernel.fatalCondition == nil else { return result }
            Clock.sleep(nanoseconds: retry.backoff(after: attempt))
        }
    }
}
