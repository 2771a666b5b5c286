/// How a block that needs probing is brought online (`[Run] ProbeMethod=`, `--probe-method`); unset: two-write
/// (`EngineOptions.effectiveProbeMethod` decides).
package enum ProbeMethod: String, ConfigurationChoice {
    /// Set `auto_online_blocks` to the block's zone (`online_kernel`/`online_movable`, Linux 5.7+) and write
    /// `probe` only: the kernel onlines the block inside the probe write. One kernel write per block, plus one
    /// switch per change of zone. Serial worker only, and only when asked for: it measured no faster on the real
    /// kernel (Docs/performance.md).
    case autoZone = "auto-zone"
    /// `auto_online_blocks` off, then `probe` and `state` per block: what kernels before 5.7 allow, and what
    /// per-zone workers use (one global `auto_online_blocks` cannot hold two zones at once).
    case twoWrite = "two-write"
}
