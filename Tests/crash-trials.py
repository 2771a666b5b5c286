#!/usr/bin/env python3
"""Many crashes, nothing lost: SIGKILL `deferred-memd-boot run --simulate` at a random point, re-run it, and check
the machine after every trial: every planned block online in the zone the first plan gave it (the journal's),
nothing onlined twice (the blocks online at the kill are reported already online, the rest onlined by the re-run),
nothing offline, no conflict, no temporary file left, and auto_online_blocks back to its value (the killed run takes
either way of onlining a probed block; an auto-zone run killed mid-way leaves it naming a zone).

usage: crash-trials.py --binary .build/release/deferred-memd-boot [--trials 200] [--seed N]
Prints one line per 20 trials and a closing `N passed, N failed` line; exits 1 on any failure.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MACHINES = ["x86-vm-mem-limit", "arm64-qemu-virt", "x86-vm-numa-dimms", "phone-12g", "arm64-qemu-initrd-high"]
MEMORY = "sys/devices/system/memory"


def block_state(root, index):
    base = os.path.join(root, MEMORY, f"memory{index}")
    try:
        with open(os.path.join(base, "state")) as f:
            state = f.read().strip()
        with open(os.path.join(base, "valid_zones")) as f:
            zones = f.read().split()
    except FileNotFoundError:
        return "absent", []
    return state, zones


def trial(binary, tool, machine, rng, workdir):
    """One kill and re-run; returns (problems, online at kill, planned)."""
    root = os.path.join(workdir, "tree")
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run(["cp", "-a", os.path.join(REPO, "Examples", machine), root], check=True)
    plan = json.loads(subprocess.run([tool, "plan", "--json", "--sysroot", root], check=True, stdout=subprocess.PIPE, text=True).stdout)
    planned = {b["index"]: b for b in plan["blocks"]}
    # About a quarter of a second for the whole run, so that a random delay lands anywhere in it.
    gib = max(len(planned) * plan["blockSize"] / (1 << 30), 0.125)
    latency = 250 / gib
    journal = os.path.join(root, "run/deferred-memd/plan.json")
    # Both ways of onlining a probed block: a killed auto-zone run leaves auto_online_blocks naming a zone.
    method = rng.choice(["two-write", "auto-zone"])
    process = subprocess.Popen([binary, "run", "--simulate", "--latency-ms-per-gib", f"{latency:.1f}", "--probe-method", method, "--sysroot", root],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not os.path.exists(journal) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(rng.uniform(0.0, 0.3))
    process.kill()
    process.wait()
    online_at_kill = {i for i in planned if block_state(root, i)[0] == "online"}
    rerun = subprocess.run([binary, "run", "--json", "--simulate", "--latency-ms-per-gib", "0", "--sysroot", root],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    problems = []
    if rerun.returncode != 0:
        problems.append(f"re-run exit {rerun.returncode}")
    try:
        report = json.loads(rerun.stdout)
    except ValueError:
        return problems + ["re-run printed no report"], len(online_at_kill), len(planned)
    outcomes = {b["index"]: b for b in report["blocks"]}
    for index, block in planned.items():
        state, zones = block_state(root, index)
        if state != "online" or zones != [block["kernelZone"]]:
            problems.append(f"memory{index}: {state} {zones}, planned {block['kernelZone']}")
        entry = outcomes.get(index)
        if entry is None or entry["zone"] != block["zone"]:
            problems.append(f"memory{index}: the re-run's zone is not the first plan's")
        elif entry["outcome"] != ("already-online" if index in online_at_kill else "onlined"):
            problems.append(f"memory{index}: {entry['outcome']} (online at kill: {index in online_at_kill})")
    knob = os.path.join(root, MEMORY, "auto_online_blocks")
    with open(os.path.join(REPO, "Examples", machine, MEMORY, "auto_online_blocks")) as f, open(knob) as g:
        original, now = f.read().strip(), g.read().strip()
    if now != original:
        problems.append(f"auto_online_blocks is {now} after the re-run ({method} run killed), was {original}")
    leftovers = [n for n in os.listdir(os.path.dirname(journal)) if ".tmp." in n] if os.path.isdir(os.path.dirname(journal)) else []
    if leftovers:
        problems.append(f"temporary files left: {leftovers}")
    return problems, len(online_at_kill), len(planned)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="deferred-memd-boot")
    parser.add_argument("--tool", help="deferred-memd (default: beside --binary)")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    tool = args.tool or os.path.join(os.path.dirname(args.binary), "deferred-memd")
    rng = random.Random(args.seed)
    workdir = tempfile.mkdtemp(prefix="deferred-memd-crash-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
    passed = failed = mid_run = 0
    started = time.monotonic()
    try:
        for number in range(args.trials):
            machine = MACHINES[number % len(MACHINES)]
            problems, at_kill, planned = trial(args.binary, tool, machine, rng, workdir)
            mid_run += 0 < at_kill < planned
            if problems:
                failed += 1
                print(f"trial {number} ({machine}, seed {args.seed}): FAIL, {at_kill}/{planned} online at the kill")
                for problem in problems[:10]:
                    print(f"  - {problem}")
            else:
                passed += 1
            if (number + 1) % 20 == 0:
                print(f"crash trials: {number + 1}/{args.trials}, {mid_run} killed mid-run", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"crash trials: {args.trials} SIGKILLs and re-runs in {time.monotonic() - started:.0f} s (seed {args.seed}): "
          f"{mid_run} landed mid-run (some blocks online, not all)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
