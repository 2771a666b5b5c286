/// `/sys/kernel/deferred_mem_init/state`: who adds the kernel's candidates (kernel/README.md).
///
/// Userspace writes `userspace` when it starts and `done` when it ends; `done` makes the kernel add whatever is
/// still missing. The kernel reads `kernel` while it adds them itself (after `deferred_mem.timeout=`, after
/// `done`, or from boot with `deferred_mem.mode=kernel`), and refuses writes (EBUSY) meanwhile.
package enum KernelHandover: String, Sendable, Equatable, CaseIterable {
    case waiting
    case userspace
    case kernel
    case done

    package static let file = "state"
    package static let path = DeferredMemInit.directory + "/" + file

    /// The file's one word and newline.
    package static func parse(_ text: String, path: String) throws(SourceError) -> KernelHandover {
        var word = Substring(text)
        if word.last == "\n" { word.removeLast() }
        guard let state = KernelHandover(rawValue: String(word)) else {
            throw SourceError(
                path: path, value: text.debugDescriptionTrimmed, expected: allCases.map(\.rawValue).joined(separator: ", ") + ", and one newline")
        }
        return state
    }
}
