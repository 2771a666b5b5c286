/// How a block that needs adding is added and brought online (`[Run] ProbeMethod=`, `--probe-method`); unset: the
/// checked add where the kernel has it, two writes otherwise (`EngineOptions.effectiveProbeMethod` decides).
package enum ProbeMethod: String, ConfigurationChoice {
    /// The vendor kernel's `/sys/kernel/deferred_mem_init/online` (kernel/0002): one write per block that adds the
    /// block on its candidate's node and onlines it into the zone named. The kernel refuses what is not a candidate
    /// (ENXIO) and a zone that would interleave (ERANGE); no `probe` file and no `auto_online_blocks` switch are
    /// needed, and the devicetree's NUMA node is honoured. Any worker mode.
    case checkedAdd = "checked-add"
    /// Set `auto_online_blocks` to the block's zone (`online_kernel`/`online_movable`, Linux 5.7+) and write
    /// `probe` only: the kernel onlines the block inside the probe write. One kernel write per block, plus one
    /// switch per change of zone. Serial worker only, and only when asked for: it measured no faster on the real
    /// kernel (Docs/performance.md).
    case autoZone = "auto-zone"
    /// `auto_online_blocks` off, then `probe` and `state` per block: what kernels before 5.7 allow, and what
    /// per-zone workers use (one global `auto_online_blocks` cannot hold two zones at once).
    case twoWrite = "two-write"
}
