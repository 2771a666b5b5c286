import Execution

/// What the tests ask of a recorded write: which attribute it went to, by its case rather than its path.
extension KernelWrite {
    var isProbe: Bool { if case .probe = self { true } else { false } }
    var isAutoOnlineBlocks: Bool { if case .autoOnlineBlocks = self { true } else { false } }

    /// The block and command of a `memoryN/state` write (nil: another attribute).
    var blockState: (index: Int, command: StateCommand)? {
        if case .blockState(let index, let command) = self { (index, command) } else { nil }
    }
}
