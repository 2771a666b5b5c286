/// How the engine spreads the work over threads (`[Run] Workers=`, `--workers`).
package enum WorkerMode: String, ConfigurationChoice {
    /// One thread per (NUMA node, zone), each with its own queue in address order.
    case perZone = "per-zone"
    /// One thread, every block in plan order: the default, measured fastest on upstream kernels, which run
    /// every probe and online under one lock (Docs/performance.md).
    case serial
}
