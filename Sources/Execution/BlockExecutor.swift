import KernelFiles
import MachineSources
import MemoryModel
import Planning
import SystemPackage

/// Brings one block to its planned zone and records what the kernel really did.
///
/// After every write it re-reads `state` and `valid_zones`; the kernel's own view decides the outcome:
/// - probe EEXIST → the block exists (an earlier run, or a racing agent): carry on to onlining;
/// - state EINVAL → re-read: already online (in the planned zone: success; in the other: conflict);
/// - EBUSY, EAGAIN, EINTR, ENOMEM → bounded retries with backoff;
/// - anything else → the block fails, and the other blocks go on.
struct BlockExecutor: Sendable {
    let files: KernelFiles
    let kernel: any KernelWriter
    let probeGuard: ProbeGuard
    let retry: RetryPolicy
    let blockSize: UInt64
    /// Serialises kernel writes across workers when the kernel serialises them anyway (see Engine).
    let gate: WriteGate?
    let runStart: UInt64

    static let memoryDirectory = MemoryBlockDirectory.path

    enum Observed: Equatable {
        case absent
        case offline
        case goingOffline
        case online(zone: Zone?, zoneName: String)
    }

    func observe(_ index: Int) -> Observed {
        let directory = "\(Self.memoryDirectory)/memory\(index)"
        guard let state = try? files.readValue(directory + "/state") else { return .absent }
        switch state {
        case "online":
            let zones = (try? files.readValue(directory + "/valid_zones")) ?? ""
            let words = zones.split(separator: " ")
            let zone = words.count == 1 ? Zone(kernelZoneName: words[0]) : nil
            return .online(zone: zone, zoneName: zones)
        case "going-offline": return .goingOffline
        default: return .offline
        }
    }

    func execute(_ block: Plan.Block, worker: String) -> BlockRecord {
        var record = BlockRecord(block: block, worker: worker)
        record.startedAt = Clock.monotonicNanoseconds() - runStart
        record.outcome = bringOnline(block, record: &record)
        record.finishedAt = Clock.monotonicNanoseconds() - runStart
        return record
    }

    private func outcome(forOnline zone: Zone?, name: String, planned: Zone, ours: Bool) -> BlockOutcome {
        guard zone == planned else { return .conflict(actual: name.isEmpty ? "unknown" : name) }
        return ours ? .onlined : .alreadyOnline
    }

    private func bringOnline(_ block: Plan.Block, record: inout BlockRecord) -> BlockOutcome {
        var observed = observe(block.index)
        if case .online(let zone, let name) = observed {
            return outcome(forOnline: zone, name: name, planned: block.zone, ours: false)
        }
        if observed == .absent {
            let range = AddressRange(start: UInt64(block.index) * blockSize, end: UInt64(block.index + 1) * blockSize)
            if let reason = probeGuard.refusal(for: range) { return .refused(reason: reason) }
            switch write(Hex.prefixed(range.start), to: "\(Self.memoryDirectory)/probe", record: &record) {
            case .success:
                break
            case .failure(let error) where error.errno == .fileExists:
                break  // Already added (an earlier run or another agent): check below.
            case .failure(let error):
                return .failed(stage: "probe", errno: error.errno.symbol, reason: error.description)
            }
            observed = observe(block.index)
            switch observed {
            case .absent:
                return .failed(stage: "probe", errno: record.lastErrno, reason: "memory\(block.index) did not appear after the probe write")
            case .online(let zone, let name):
                // auto_online_blocks onlined it inside the probe write, in the kernel's choice of zone.
                guard zone == block.zone else { return .conflict(actual: name) }
                return .onlined
            default:
                break
            }
        }
        if observed == .goingOffline {
            return .failed(stage: "online", errno: nil, reason: "memory\(block.index) is going offline")
        }
        let statePath = "\(Self.memoryDirectory)/memory\(block.index)/state"
        let result = write(block.zone.onlineCommand, to: statePath, record: &record)
        let after = observe(block.index)
        switch (result, after) {
        case (.success, .online(let zone, let name)):
            return outcome(forOnline: zone, name: name, planned: block.zone, ours: true)
        case (.success, _):
            return .failed(stage: "online", errno: nil, reason: "the write succeeded but memory\(block.index) is not online")
        case (.failure(let error), .online(let zone, let name)) where error.errno == .invalidArgument:
            // EINVAL on an online block: someone else onlined it between our read and our write.
            guard zone == block.zone else { return .conflict(actual: name) }
            return .raced
        case (.failure(let error), _):
            return .failed(stage: "online", errno: error.errno.symbol, reason: error.description)
        }
    }

    /// One logical write with retries for transient errnos. Attempts and the last errno go into the record.
    private func write(_ value: String, to path: String, record: inout BlockRecord) -> Result<Void, KernelFileError> {
        var attempt = 0
        while true {
            attempt += 1
            record.attempts += 1
            let started = Clock.monotonicNanoseconds()
            let result: Result<Void, KernelFileError>
            if let gate {
                result = gate.withWrite { () -> Result<Void, KernelFileError> in
                    let writeStart = Clock.monotonicNanoseconds()
                    defer { record.writeNanoseconds += Clock.monotonicNanoseconds() - writeStart }
                    return Result { () throws(KernelFileError) in try kernel.write(value, to: path) }
                }
            } else {
                result = Result { () throws(KernelFileError) in try kernel.write(value, to: path) }
                record.writeNanoseconds += Clock.monotonicNanoseconds() - started
            }
            guard case .failure(let error) = result else { return result }
            record.lastErrno = error.errno.symbol
            guard RetryPolicy.transient.contains(error.errno), attempt < retry.maxAttempts, kernel.fatalCondition == nil else { return result }
            Clock.sleep(nanoseconds: retry.backoff(after: attempt))
        }
    }
}
