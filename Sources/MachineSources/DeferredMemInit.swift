import KernelFiles
import MemoryModel

/// The vendor kernel's `/sys/kernel/deferred_mem_init`: where boot memory ended, where DRAM ends, and how much
/// of the rest the kernel wants in each zone.
///
/// No package source shows the files' format, so decimal, `0x` hex and memparse suffixes are accepted with one
/// trailing newline, and anything else is refused.
package struct DeferredMemInit: Sendable, Equatable {
    package static let directory = "/sys/kernel/deferred_mem_init"

    /// `memblock_end_of_dram`: end of the memory the kernel booted with (the `mem=` limit).
    package var bootEnd: UInt64
    /// `bootmem_end_of_dram`: end of DRAM.
    package var dramEnd: UInt64
    package var kernelCore: UInt64?
    package var movableCore: UInt64?
    /// `candidates`: the only memory a probe may add, where the kernel has the file (nil: it has not, and the plan
    /// relies on the devicetree and `/proc/iomem` alone; they cannot show what `mem=` made the kernel forget it
    /// had reserved, such as the devicetree blob).
    package var candidates: [KernelCandidate]?
    /// `online`: the checked add, where the kernel has it (one write adds a candidate block on its node and onlines
    /// it; `ProbeMethod.checkedAdd`). A run that is asked for another method clears it, so that the plan's nodes
    /// are the ones that method gives.
    package var checkedAdd: Bool
    /// `state`: who adds the candidates, where the kernel has the file.
    package var handover: KernelHandover?
    /// `memmap_on_memory`: whether the checked add (and the kernel's own adds) place each block's memmap in the
    /// block itself (`memory_hotplug.memmap_on_memory=1` and a block that can hold it), so that adding costs the
    /// memory already online nothing; nil where the kernel does not say.
    package var memmapInBlock: Bool?

    /// Whether adding a block costs the memory already online nothing: the checked add of a kernel that says it
    /// hosts each block's memmap in the block.
    package var addsHostTheirMemmap: Bool { checkedAdd && memmapInBlock == true }

    package init(
        bootEnd: UInt64, dramEnd: UInt64, kernelCore: UInt64? = nil, movableCore: UInt64? = nil, candidates: [KernelCandidate]? = nil,
        checkedAdd: Bool = false, handover: KernelHandover? = nil, memmapInBlock: Bool? = nil
    ) {
        self.bootEnd = bootEnd
        self.dramEnd = dramEnd
        self.kernelCore = kernelCore
        self.movableCore = movableCore
        self.candidates = candidates
        self.checkedAdd = checkedAdd
        self.handover = handover
        self.memmapInBlock = memmapInBlock
    }

    /// The checked add's file: `ADDRESS online_kernel|online_movable`.
    package static let onlinePath = directory + "/online"
    /// `1` when the kernel's adds host each block's memmap in the block, `0` when not.
    package static let memmapInBlockPath = directory + "/memmap_on_memory"

    /// The candidate that holds `block`, whose node the checked add gives it.
    package func candidate(holding block: AddressRange) -> KernelCandidate? {
        candidates?.first { $0.range.contains(block) }
    }

    /// The smallest page size of any architecture the daemon runs on (4 KiB; arm64 may use 16 or 64 KiB).
    static let smallestPage: UInt64 = 4096

    /// `nil` when the kernel has no such directory.
    package static func read(from files: KernelFiles) throws(SourceError) -> DeferredMemInit? {
        guard files.isDirectory(directory) else { return nil }
        let bootEnd = try address(files, "memblock_end_of_dram")
        let dramEnd = try address(files, "bootmem_end_of_dram")
        guard bootEnd <= dramEnd else {
            throw SourceError(
                path: directory + "/memblock_end_of_dram", value: Hex.prefixed(bootEnd),
                expected: "a boot end at or below bootmem_end_of_dram (\(Hex.prefixed(dramEnd)))")
        }
        let candidatesPath = directory + "/" + KernelCandidate.file
        let candidates = try text(files, candidatesPath).map { text throws(SourceError) in try KernelCandidate.parse(text, path: candidatesPath) }
        let handover = try text(files, KernelHandover.path).map { text throws(SourceError) in try KernelHandover.parse(text, path: KernelHandover.path) }
        let memmapInBlock = try text(files, memmapInBlockPath).map { text throws(SourceError) -> Bool in
            switch text {
            case "1\n": return true
            case "0\n": return false
            default: throw SourceError(path: memmapInBlockPath, value: text.debugDescriptionTrimmed, expected: "1 or 0 and one trailing newline")
            }
        }
        return DeferredMemInit(
            bootEnd: bootEnd, dramEnd: dramEnd,
            kernelCore: try value(files, "deferred_kernelcore", required: false),
            movableCore: try value(files, "deferred_movablecore", required: false), candidates: candidates,
            checkedAdd: candidates != nil && files.exists(onlinePath), handover: handover, memmapInBlock: memmapInBlock)
    }

    /// One of the two ends. Both come from memblock, whose regions are page-aligned (drivers/of/fdt.c masks every
    /// bank to PAGE_MASK, arm64 masks `mem=` too, x86 trims memblock to pages). Off a page boundary the number was
    /// misread, most likely hex printed without 0x: as decimal it would plan a few hundred MiB and leave the rest
    /// of DRAM offline for good.
    private static func address(_ files: KernelFiles, _ name: String) throws(SourceError) -> UInt64 {
        let end = try value(files, name, required: true) ?? 0
        guard end % smallestPage == 0 else {
            throw SourceError(
                path: directory + "/" + name, value: "\(end)",
                expected: "a multiple of 4096: memblock's ends are page-aligned (a kernel printing hex must print the 0x prefix)")
        }
        return end
    }

    private static func value(_ files: KernelFiles, _ name: String, required: Bool) throws(SourceError) -> UInt64? {
        let path = directory + "/" + name
        guard let text = try text(files, path) else {
            if required { throw SourceError(path: path, value: "(missing)", expected: "the file, next to the other deferred_mem_init files") }
            return nil
        }
        return try parse(text, path: path)
    }

    /// A file's text, or nil when this kernel has no such file: one open, whose ENOENT is the answer.
    private static func text(_ files: KernelFiles, _ path: String) throws(SourceError) -> String? {
        do { return try KernelFiles.ifPresent(files.readText(path)) } catch { throw SourceError(error) }
    }

    /// One number, decimal or `0x` hex, optional K/M/G/T/P/E suffix, at most one trailing newline.
    package static func parse(_ text: String, path: String) throws(SourceError) -> UInt64 {
        var body = Substring(text)
        if body.last == "\n" { body.removeLast() }
        guard let number = Memparse.parse(body, base: .decimalOrHex) else {
            throw SourceError(
                path: path, value: text.debugDescriptionTrimmed,
                expected: "one decimal or 0x-hex number with an optional K/M/G/T/P/E suffix and one trailing newline")
        }
        return number
    }
}

extension String {
    /// The value as shown in an error: at most 40 characters, control characters escaped.
    package var debugDescriptionTrimmed: String {
        var shown = ""
        for scalar in unicodeScalars.prefix(40) {
            shown += scalar.value < 0x20 || scalar.value == 0x7f ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return unicodeScalars.count > 40 ? shown + "…" : shown
    }
}
