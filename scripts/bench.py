#!/usr/bin/env python3
"""Benchmarks of the daemon against the simulated kernel. Prints figures; asserts nothing.

1. Engine overhead: zero-latency runs of 1024 and 8192 blocks (per-block cost and peak RSS).
2. Wall time against the ideal under both lock models with the default latency (30 ms per GiB):
   ideal = sum of write latencies for `global` (the kernel serialises everything), the slowest zone's sum for
   `per-zone` (the write-up's vendor kernel).
Usage: scripts/bench.py [path-to-deferred-memd]   (default .build/release/deferred-memd)"""
import json, os, resource, shutil, subprocess, sys, tempfile, time

BLOCK = 128 << 20
GiB = 1 << 30


def machine(root, blocks, boot_blocks=16, movable_percent=50):
    mem = os.path.join(root, "sys/devices/system/memory")
    os.makedirs(mem)
    open(os.path.join(mem, "block_size_bytes"), "w").write("%x\n" % BLOCK)
    open(os.path.join(mem, "auto_online_blocks"), "w").write("offline\n")
    open(os.path.join(mem, "probe"), "w").write("")
    for i in range(boot_blocks):
        os.makedirs(os.path.join(mem, f"memory{i}"))
        open(os.path.join(mem, f"memory{i}/state"), "w").write("online\n")
        open(os.path.join(mem, f"memory{i}/valid_zones"), "w").write("Normal\n")
    d = os.path.join(root, "sys/kernel/deferred_mem_init")
    os.makedirs(d)
    open(os.path.join(d, "memblock_end_of_dram"), "w").write(f"{boot_blocks * BLOCK}\n")
    open(os.path.join(d, "bootmem_end_of_dram"), "w").write(f"{(boot_blocks + blocks) * BLOCK}\n")
    os.makedirs(os.path.join(root, "proc"))
    open(os.path.join(root, "proc/cmdline"), "w").write(
        f"mem={boot_blocks * 128}M deferred_mem.movablecore={movable_percent}%\n")


def run(binary, blocks, args):
    # tmpfs, like sysfs itself: on ext4 the fake tree's inode churn dominates everything else.
    scratch = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="deferred-memd-bench-", dir=scratch)
    try:
        root = os.path.join(work, "root")
        machine(root, blocks)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.monotonic()
        result = subprocess.run([binary, "run", "--simulate", "--sysroot", root, "--log-level", "error"] + args,
                                capture_output=True, text=True)
        wall = time.monotonic() - start
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if result.returncode != 0:
            raise SystemExit(f"run failed ({result.returncode}): {result.stdout} {result.stderr}")
        report = json.load(open(os.path.join(root, "run/deferred-memd/report.json")))
        return wall, report, max(rss, before)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/deferred-memd"
    print(f"# deferred-memd benchmarks ({binary}, {os.cpu_count()} CPUs)")
    print("\n## Engine overhead, zero-latency simulated kernel")
    print(f"{'blocks':>7} {'workers':>9} {'engine ms':>10} {'process ms':>11} {'us/block':>9} {'peak RSS MB':>12}")
    for blocks in (1024, 8192):
        for workers in ("per-zone", "serial"):
            wall, report, rss = run(binary, blocks, ["--latency-ms-per-gib", "0", "--workers", workers])
            engine = report["elapsedNanoseconds"] / 1e6
            print(f"{blocks:>7} {workers:>9} {engine:>10.1f} {wall * 1000:>11.1f} {engine * 1000 / blocks:>9.1f} {rss / 1024:>12.1f}")

    blocks = 128
    per_block = 30e-3 * BLOCK / GiB  # probe + online at 30 ms per GiB
    print(f"\n## Wall time against the ideal, {blocks} blocks ({blocks * BLOCK // GiB} GiB), 30 ms per GiB, 50% movable")
    print(f"{'lock model':>10} {'workers':>24} {'wall ms':>9} {'ideal ms':>9} {'ratio':>6}")
    for lock in ("global", "per-zone"):
        ideal = blocks * per_block if lock == "global" else (blocks / 2) * per_block
        for label, args in (("per-zone (gate)", ["--workers", "per-zone"]),
                            ("per-zone --no-gate", ["--workers", "per-zone", "--no-gate"]),
                            ("serial", ["--workers", "serial"])):
            wall, report, _ = run(binary, blocks, ["--lock-model", lock] + args)
            engine = report["elapsedNanoseconds"] / 1e9
            print(f"{lock:>10} {label:>24} {engine * 1000:>9.1f} {ideal * 1000:>9.1f} {engine / ideal:>6.2f}")


if __name__ == "__main__":
    main()
