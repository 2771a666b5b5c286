#!/usr/bin/env python3
"""The daemon on arm64, on the real kernel: boots the patched arm64 6.1 kernel (kernel/, Tests/QEMU/arm64.py) with
the devicetree layouts of the write-up's devices, runs the cross-built deferred-memd-boot and deferred-memd inside
the guest as deferred-memd.service would (arm64/daemon-check.sh), and checks here what the kernel did: every
planned block online in the zone the plan names as the kernel shows it (valid_zones), on the planned node, the
zones' present pages grown by exactly the planned blocks, nothing online outside the devicetree's DRAM or over a
/reserved-memory carve-out, a re-run that writes nothing, `status`, and (crash scenarios) a SIGKILL mid-run
finished by the next run. The stock scenarios boot Debian's own arm64 kernel instead (no probe file, no vendor
interface), where the daemon must explain what it cannot do and change nothing in the kernel.

usage: run-arm64.py --binaries .build/arm64 [--only NAME ...] [--cache DIR] [--kernel IMAGE]
       run-arm64.py --replay --tool .build/release/deferred-memd [--only NAME ...] [--kernel IMAGE]
  --kernel: boot this patched arm64 Image (e.g. build-kernel.sh --arch arm64 CACHE_DIR linux-source-6.12.tar.xz's) in the
  patched-kernel scenarios instead of building or taking the cached 6.1 one; the stock-* scenarios still boot
  Debian's stock kernel, and the *-16k, *-64k and *-nohotremove ones the 6.1 kernel built with 16 or 64 KiB
  pages or without MEMORY_HOTREMOVE (build-kernel.sh --arch arm64 --variant, built in the background by scripts/test.sh or when first needed).
  --binaries: the output of scripts/cross-build-arm64.sh (deferred-memd-boot, deferred-memd, lib/).
  --replay: when no arm64 daemon can be built (Debian sid moved under the cross build), the host plans each
  scenario from its capture in Examples/ (taken from the same kernel and layout), records the engine's writes with
  `run --dry-run`, and the guest replays them with echo; the kernel's result is checked the same way. What cannot
  be checked without the daemon in the guest (its exit codes, report, re-run, status, the SIGKILL) is said.
"""
import argparse
import base64
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arm64  # noqa: E402

GUEST = arm64.GUEST
BLOCK = 128 << 20


def handover(case, extra="", least=10, layout="virt", mem="1G", split="deferred_mem.kernelcore=50%", **more):
    """A case of guest/scenarios/handover.sh (the kernel half: its own checks) on a layout (arm64.LAYOUTS)."""
    append = " ".join(word for word in (f"mem={mem}", split, extra, f"dm.handover={case}") if word)
    return dict(**arm64.LAYOUTS[layout], append=append, mode="handover", least=least, **more)


def kernel_method(least=12, **layout):
    """The kernel method (deferred_mem.mode=kernel) on a layout, the daemon standing down."""
    return handover("kernel", "deferred_mem.mode=kernel", least=least, **layout)


# name: a layout (arm64.LAYOUTS: the boot, and the devicetree's DRAM and carve-outs to check against), the command
# line, the guest mode, and what the plan must show on this layout.
SCENARIOS = {
    "virt": dict(**arm64.LAYOUTS["virt"], append="mem=1G deferred_mem.kernelcore=50%", example="arm64-qemu-virt",
                 mode="run",
                 expect=dict(source="deferred_mem_init", blocks=24, normal=12, movable=12)),
    "virt-crash": dict(**arm64.LAYOUTS["virt"], append="mem=1G deferred_mem.kernelcore=50%",
                       mode="crash", cycles=20,
                       expect=dict(source="deferred_mem_init", blocks=24, normal=12, movable=12)),
    "banks": dict(**arm64.LAYOUTS["banks"], append="mem=1G deferred_mem.movablecore=50%",
                  mode="run",
                  expect=dict(source="deferred_mem_init", skipped_reserved=3)),
    "initrd-high": dict(**arm64.LAYOUTS["initrd-high"], example="arm64-qemu-initrd-high",
                        append="mem=1G deferred_mem.kernelcore=50%", mode="run",
                        expect=dict(source="deferred_mem_init", present_at_boot=32, dma_below_4g=True)),
    # The checked add puts each block on its candidate's node, the devicetree's (node 1 here): probe could not be
    # told one (6.1 assumes node 0; from 6.12 numa_memblks gives node 1 by the tree's order).
    "numa": dict(**arm64.LAYOUTS["numa"], append="mem=2560M deferred_mem.movablecore=100%",
                 mode="run",
                 expect=dict(source="deferred_mem_init", movable=12, nodes=[1], no_warning="numa-node-via-probe")),
    "mem1000m": dict(**arm64.LAYOUTS["virt"], append="mem=1000M", mode="run",
                     expect=dict(source="deferred_mem_init", partial_boot_bytes=24 << 20, normal=24, movable=0)),
    # The vendor interface without a devicetree RAM map (as under UEFI, where the EFI stub drops the memory nodes):
    # the daemon reads a root with the kernel's memory files bind-mounted and no devicetree, so only the bounds
    # say where deferred RAM is (QEMU backs all of it).
    "vendor-nomap": dict(**arm64.LAYOUTS["virt"], append="mem=1G deferred_mem.kernelcore=50%",
                         mode="run-nodt",
                         expect=dict(source="deferred_mem_init", warning="bounds-only", blocks=24, normal=12, movable=12)),
    "vendor": dict(**arm64.LAYOUTS["vendor"], append="mem=1G", example="arm64-qemu-vendor",
                   mode="run",
                   expect=dict(source="deferred_mem_init", blocks=14, movable=8)),
    # A vendor kernel with the probe file but without the vendor interface: the daemon reads a root without
    # /sys/kernel/deferred_mem_init, so mem= (an amount on arm64, kept from the lowest bank up) and the devicetree
    # alone say what is deferred; the kernel's result is checked as above.
    # UEFI (edk2, acpi=off so that the devicetree reaches the kernel): the memory map is the firmware's, the image
    # sits near the top of RAM above mem= (boot memory in ZONE_NORMAL above the deferred blocks); the checked add
    # still puts Movable below it (only the candidates count for interleaving).
    "uefi": dict(**arm64.LAYOUTS["uefi"], timeout=400, append="mem=1G deferred_mem.kernelcore=50%",
                 mode="run", expect=dict(source="deferred_mem_init", normal=12)),
    # big.LITTLE (issue #27): CPUs of different capacity; with no CPU list the workers run on the big one (cpu1).
    "big-little": dict(**arm64.LAYOUTS["big-little"], append="mem=1G deferred_mem.kernelcore=50%",
                       mode="run", expect=dict(source="deferred_mem_init", normal=12, worker_cpus=[1])),
    "virt-dt": dict(**arm64.LAYOUTS["virt"], append="mem=1G deferred_mem.kernelcore=50%", mode="run-dt", expect=dict(source="devicetree", blocks=24, normal=12, movable=12)),
    # mem= as the kernel reads it: early_mem's memparse() stops at the "B", so the kernel boots with 1 GiB, and
    # so must the daemon's plan (with a command-line warning), not refuse the word. swiotlb=force: a bounce buffer
    # whatever mem= left, so the plan does not warn no-bounce-buffer (the other scenarios boot without one).
    "virt-dt-suffix": dict(**arm64.LAYOUTS["virt"], append="mem=1GB deferred_mem.kernelcore=50% swiotlb=force", mode="run-dt",
                           expect=dict(source="devicetree", blocks=24, normal=12, movable=12, warning="command-line")),
    "banks-dt": dict(**arm64.LAYOUTS["banks"], append="mem=1G deferred_mem.movablecore=50%",
                     mode="run-dt",
                     expect=dict(source="devicetree", skipped_reserved=3)),
    # 16 KiB pages (Android's 16 KB kernels): blocks stay 128 MiB, /proc/zoneinfo counts 16 KiB frames and, without
    # hugetlbfs, /proc/meminfo has no Hugepagesize to tell. ZONE_DMA stretched to 4 GiB by the initrd makes the
    # frames matter: read as 4 KiB frames, the blocks below 4 GiB fall outside ZONE_DMA's span and are named Normal.
    "initrd-high-16k": dict(variant="16k", cpu="max", page=16 << 10, **arm64.LAYOUTS["initrd-high"],
                            append="mem=1G deferred_mem.kernelcore=50%",          mode="run-dt", expect=dict(source="devicetree", present_at_boot=32, dma_below_4g=True)),
    # mem= in kernel pages: early_mem masks with PAGE_MASK, so mem=1048580K (1 GiB + 4 KiB) boots exactly 1 GiB on a
    # 16 KiB page kernel, memory16 is not present, and the plan probes it (read as 4 KiB pages it would be boot memory).
    "virt-dt-16k": dict(variant="16k", cpu="max", page=16 << 10, **arm64.LAYOUTS["virt"],
                        append="mem=1048580K deferred_mem.kernelcore=50%", mode="run-dt",
                        expect=dict(source="devicetree", blocks=24, normal=12, movable=12)),
    # 64 KiB pages (arm64 server kernels): 512 MiB blocks, memory2 the first; mem=1G leaves six to probe.
    "virt-64k": dict(variant="64k", page=64 << 10, block=512 << 20, **arm64.LAYOUTS["virt"],
                     append="mem=1G deferred_mem.kernelcore=50%", mode="run",
                     expect=dict(source="deferred_mem_init", blocks=6, normal=3, movable=3)),
    # No CONFIG_MEMORY_HOTREMOVE (some vendor kernels): no valid_zones at all, so the run can verify that each block
    # is online but not its zone; the zones' present pages must still grow by exactly the planned blocks.
    "virt-nohotremove": dict(variant="nohotremove", **arm64.LAYOUTS["virt"], append="mem=1G deferred_mem.kernelcore=50%",
                             mode="run", no_valid_zones=True,
                             expect=dict(source="deferred_mem_init", blocks=24, normal=12, movable=12)),
    "initrd-high-dt": dict(**arm64.LAYOUTS["initrd-high"],
                           append="mem=1G deferred_mem.kernelcore=50%", mode="run-dt",
                           expect=dict(source="devicetree", present_at_boot=32, dma_below_4g=True)),
    # After the memory (issue #29), as on x86 (guest/scenarios/sizing.sh, its own checks): the full boot first, whose
    # values the mem= boot's sizing is checked against (`reference`: its MEASURE lines become dm.full=).
    "sizing-full": dict(**arm64.LAYOUTS["virt"], append="dm.sizing=full", mode="sizing", least=1),
    "sizing": dict(**arm64.LAYOUTS["virt"], append="mem=1G deferred_mem.kernelcore=50% dm.sizing=run", mode="sizing",
                   least=22, reference="sizing-full"),
    # The devicetree blob where an EFI stub puts it, near the top of the bank (issue #27): mem= drops its memblock
    # reservation, so only the kernel's candidates keep the daemon off its block (guest/scenarios/fdt-high.sh).
    "fdt-high": dict(machine=arm64.VIRT_4G, dts="one-bank.dts", dtb=0x13fe00000, append="mem=1G deferred_mem.kernelcore=50% dm.dtb=0x13fe00000",
                     mode="fdt-high", least=10),
    # The kernel half (issue #27; guest/scenarios/handover.sh, its own checks): the checked add's refusals, the
    # kernel taking over (no daemon; a stopped one; a slow one it must not overtake; a 'done' with blocks missing),
    # and the kernel method (deferred_mem.mode=kernel) on each layout, with the daemon standing down.
    "checked-refusals": handover("refusals", "memory_hotplug.memmap_on_memory=1", least=30),
    # Timeouts long enough for a loaded host, where the guest's clock follows the host's (TCG): the claims and
    # checks below happen seconds of guest time after late_initcall.
    "takeover-timeout": handover("timeout", "deferred_mem.timeout=10", least=9),
    "takeover-stopped": handover("stopped", "deferred_mem.timeout=6", least=10),
    "takeover-slow": handover("slow", "deferred_mem.timeout=6", least=8),
    "takeover-done-missing": handover("done-missing", "memory_hotplug.memmap_on_memory=1", least=8),
    "kernel-method": kernel_method(),
    "kernel-method-banks": kernel_method(layout="banks", split="deferred_mem.movablecore=50%"),
    "kernel-method-initrd-high": kernel_method(layout="initrd-high"),
    "kernel-method-numa": kernel_method(layout="numa", mem="2560M", split="deferred_mem.movablecore=100%"),
    "kernel-method-mem1000m": kernel_method(mem="1000M", split=""),
    # The amounts from /chosen (movablecore-size), which the kernel splits by as deferred-memd does by the files.
    "kernel-method-vendor": kernel_method(layout="vendor", split=""),
    "kernel-method-16k": kernel_method(variant="16k", cpu="max"),
    "kernel-method-big-little": kernel_method(layout="big-little", least=13),
    # UEFI (edk2): the EFI stub loads the image near the top of RAM, above mem=, so ZONE_NORMAL spans all of RAM.
    "kernel-method-uefi": kernel_method(layout="uefi", timeout=400),
    "kernel-method-64k": kernel_method(variant="64k"),
    # Debian's own arm64 kernel (fetch-stock-kernel.sh arm64): memory hotplug, no probe file, no vendor interface.
    # The daemon must change nothing and say why. `steps`: each one's exit; `says`/`doctor_says`: what the run's
    # summary (the unit's STATUS=, `status`'s last run) and doctor's output must name.
    # mem=1G on QEMU's devicetree: 3 GiB deferred that nothing can add; the unit runs and fails (OnFailure=).
    "stock-mem1g": dict(kernel="stock", **arm64.LAYOUTS["virt"], append="mem=1G", mode="stock",
                        steps=dict(check=0, plan=0, run=1, doctor=6, status=0),
                        expect=dict(source="devicetree", blocks=24, warning="no-probe-file",
                                    says=["all 24 failed at probe", "/sys/devices/system/memory/probe", "CONFIG_ARCH_MEMORY_PROBE"],
                                    doctor_says=["arm64 needs a vendor patch"])),
    # No mem=: nothing deferred, the unit is skipped (ExecCondition= exits 1) and a run is a no-op.
    "stock-full": dict(kernel="stock", **arm64.LAYOUTS["virt"], append="", mode="stock",
                       steps=dict(check=1, plan=0, run=0, doctor=0, status=0),
                       expect=dict(source="offline-blocks", blocks=0)),
    # UEFI with ACPI (edk2, as arm64 servers and VMs boot): the EFI stub hands the kernel an empty devicetree, so with
    # mem=1G nothing says where the other 3 GiB are. The unit must not be skipped in silence: it runs and fails.
    "stock-uefi": dict(kernel="stock", **arm64.LAYOUTS["virt"], firmware=arm64.EDK2, append="mem=1G", mode="stock",
                       steps=dict(check=0, plan=0, run=1, doctor=6, status=0),
                       expect=dict(source="offline-blocks", blocks=0, warning="no-ram-map",
                                   says=["nothing done: mem= limits boot memory, but no RAM map"],
                                   doctor_says=["/sys/kernel/deferred_mem_init"]), timeout=400),
}


# The x86 guests' scenarios (guest/scenarios) that the arm64 guests run too, each with its own checks; every other
# mode is one of daemon-check.sh's, which takes it from dm.mode=.
SHARED_SCENARIOS = ("sizing", "fdt-high", "handover", "kernel-half-bench")


def guest_scenario(mode):
    return mode if mode in SHARED_SCENARIOS else "daemon-check"


def blobs(text):
    """name → parsed JSON of each BLOB the guest printed (None when it does not parse)."""
    found = {}
    for name, body in re.findall(r"^BLOB-BEGIN (\S+)\r?\n(.*?)^BLOB-END", text, re.M | re.S):
        try:
            found[name] = json.loads(gzip.decompress(base64.b64decode("".join(body.split()))))
        except (ValueError, OSError):
            found[name] = None
    return found


def states(text):
    """step → {block index: (state, [zones], node)} and step → {zone: present pages}."""
    blocks, zones = {}, {}
    for step, index, state, valid, node in re.findall(r"^BLOCK (\S+) memory(\d+) (\S+) (\S+) (\S+)\r?$", text, re.M):
        blocks.setdefault(step, {})[int(index)] = (state, valid.split(","), None if node == "-" else int(node))
    for step, zone, present in re.findall(r"^ZONE (\S+) (\S+) (\d+)\r?$", text, re.M):
        zones.setdefault(step, {})[zone] = zones.get(step, {}).get(zone, 0) + int(present)
    return blocks, zones


def inside(start, end, ranges):
    return any(low <= start and end <= high for low, high in ranges)


def overlaps(start, end, ranges):
    return any(start < high and low < end for low, high in ranges)


def check(name, scenario, text, replayed_plan=None):
    """The problems found in one guest's log (empty: the scenario passed), and the figures to print. With
    `replayed_plan` (replay mode) the plan is the host's and only the kernel's result is checked."""
    problems, figures = [], {}
    steps = {step: int(rc) for step, rc in re.findall(r"^STEP (\S+) rc=(\d+)\r?$", text, re.M)}
    documents = blobs(text)
    blocks, zones = states(text)
    plan, report, rerun = documents.get("plan"), documents.get("report"), documents.get("rerun")
    replay = replayed_plan is not None
    if replay:
        plan = replayed_plan

    def require(condition, message):
        if not condition:
            problems.append(message)

    expected_steps = [("replay", 0)] if replay else [("check", 0), ("plan", 0), ("run", 0), ("rerun", 0), ("status", 0), ("recheck", 1)]
    for step, expected in expected_steps:
        require(steps.get(step) == expected, f"{step}: exit {steps.get(step)}, expected {expected}")
    if not plan or (not replay and (not report or not rerun)) or "before" not in blocks or "final" not in blocks:
        problems.append("the guest did not print the plan, both reports and the block states")
        return problems, figures

    release = tuple(int(n) for n in (re.findall(r"^RELEASE (\d+)\.(\d+)", text, re.M) or [(0, 0)])[0])
    expect = {key: value(release) if callable(value) else value for key, value in scenario["expect"].items()}
    planned = {b["index"]: b for b in plan["blocks"]}
    normal = [b for b in plan["blocks"] if b["zone"] == "Normal"]
    movable = [b for b in plan["blocks"] if b["zone"] == "Movable"]
    require(plan["source"] == expect["source"], f"plan source {plan['source']}, expected {expect['source']}")
    for key, actual in [("blocks", len(planned)), ("normal", len(normal)), ("movable", len(movable))]:
        if key in expect:
            require(actual == expect[key], f"plan: {actual} {key} blocks, expected {expect[key]}")
    codes = [w.get("code") if isinstance(w, dict) else w for w in plan["warnings"]]
    if expect.get("warning"):
        require(expect["warning"] in codes, f"plan warnings {codes} lack {expect['warning']}")
    if expect.get("no_warning"):
        require(expect["no_warning"] not in codes, f"plan warns {expect['no_warning']}")
    if "nodes" in expect:
        require(sorted({b["node"] for b in plan["blocks"]}) == expect["nodes"], "plan nodes differ from the kernel's")
    # The kernel decides on swiotlb once, at boot: the plan warns no-bounce-buffer exactly when the kernel's log shows
    # none and there is memory to add above 4 GiB (a 32-bit DMA mask's reach).
    swiotlb = re.findall(r"^SWIOTLB (\d+) (\d+)\r?$", text, re.M)
    if swiotlb and swiotlb[0][1] != "0" and not replay:
        above = any(not b["alreadyOnline"] and b["start"] + plan["blockSize"] > 1 << 32 for b in plan["blocks"])
        expected = above and swiotlb[0][0] == "0"
        require(("no-bounce-buffer" in codes) == expected,
                f"no-bounce-buffer {'warned' if 'no-bounce-buffer' in codes else 'not warned'}, but the kernel's log has "
                f"{swiotlb[0][0]} swiotlb lines and the plan {'adds' if above else 'adds nothing'} above 4 GiB")
        figures["swiotlb"] = int(swiotlb[0][0])
    reasons = [s["reason"] for s in plan["skipped"]]
    if "skipped_reserved" in expect:
        require(sum(r.startswith(("overlaps /reserved-memory", "overlaps /memreserve/")) for r in reasons) == expect["skipped_reserved"],
                f"skipped carve-outs: {reasons}")
    if "present_at_boot" in expect:
        index = expect["present_at_boot"]
        require(index not in planned, f"memory{index}, present at boot above the limit, is in the plan")
        require(any("re-added at boot" in r for r in reasons), f"no skipped entry for memory{index}'s lost RAM: {reasons}")
        require(blocks["before"].get(index, ("",))[0] == "online", f"memory{index} was not online at boot")
    if "partial_boot_bytes" in expect:
        lost = [s for s in plan["skipped"] if "mem= ended in" in s["reason"]]
        require(len(lost) == 1 and lost[0]["bytes"] == expect["partial_boot_bytes"], f"partial boot block: {plan['skipped']}")
    if expect.get("dma_below_4g"):
        low = [b for b in normal if b["start"] < 1 << 32]
        require(low and all(b.get("kernelZone") == "DMA" for b in low), "Normal blocks below 4 GiB not named DMA in the plan")

    # The kernel's candidates (kernel/0002) are the blocks the plan probes: where the daemon reads them they bound
    # the plan; where it reads a root without them (run-dt) its own reading of the devicetree must come out the same.
    candidate_lines = re.findall(r"^CANDIDATE 0x([0-9a-f]+)-0x([0-9a-f]+) (\d+)\r?$", text, re.M)
    if candidate_lines:
        block_size = scenario.get("block", BLOCK)
        listed = sorted(index for start, end, _ in candidate_lines for index in range(int(start, 16) // block_size, int(end, 16) // block_size))
        probed = sorted(b["index"] for b in plan["blocks"] if b["action"] == "probe")
        require(listed == probed, f"the kernel's candidates {listed} are not the blocks the plan probes {probed}")
        figures["candidates"] = f"{len(listed)} blocks, as planned" if listed == probed else "differ from the plan"

    # The run and what the kernel shows.
    if not replay:
        require(report["exitCode"] == 0, f"report exit code {report['exitCode']}: {report['summary']}")
    final = blocks["final"]
    block_size = scenario.get("block", BLOCK)
    require(plan["blockSize"] == block_size, f"plan block size {plan['blockSize']}, the kernel's is {block_size}")
    require(plan.get("pageSize") == scenario.get("page", 4096), f"plan page size {plan.get('pageSize')}, the kernel's is {scenario.get('page', 4096)}")
    outcomes = {b["index"]: b for b in report["blocks"]} if not replay else {}
    for index, block in planned.items():
        state, valid, node = final.get(index, ("absent", [], None))
        require(state == "online", f"memory{index}: {state} at the end")
        # Without valid_zones (no CONFIG_MEMORY_HOTREMOVE) the zones' present pages below are the kernel's only word.
        hidden = valid == ["-"]
        require(hidden or valid == [block.get("kernelZone")], f"memory{index}: valid_zones {valid}, plan named {block.get('kernelZone')}")
        require(hidden == bool(scenario.get("no_valid_zones")), f"memory{index}: valid_zones {valid}")
        require(node == block["node"], f"memory{index}: node {node}, planned {block['node']}")
        if not replay:
            entry = outcomes.get(index, {})
            # Hidden: the successful online_kernel/online_movable is the kernel's word, the zone the plan named.
            shown = block.get("kernelZone") if hidden else valid[0] if valid else None
            require(entry.get("kernelZone") == shown, f"memory{index}: report says {entry.get('kernelZone')}, kernel {valid}")
    for index, (state, _, _) in final.items():
        start, end = index * block_size, (index + 1) * block_size
        if state == "online" and blocks["before"].get(index, ("",))[0] != "online":
            require(index in planned, f"memory{index} came online outside the plan")
            require(inside(start, end, scenario["dram"]), f"memory{index} {start:#x} is outside the devicetree's DRAM")
            require(not overlaps(start, end, scenario["reserved"]), f"memory{index} {start:#x} overlaps a carve-out")
    before, after = zones.get("before", {}), zones.get("final", {})
    pages_per_block = block_size // scenario.get("page", 4096)
    kernel = lambda z: sum(v for k, v in z.items() if k in ("DMA", "DMA32", "Normal"))  # noqa: E731
    require(after.get("Movable", 0) - before.get("Movable", 0) == len(movable) * pages_per_block,
            f"ZONE_MOVABLE grew by {after.get('Movable', 0) - before.get('Movable', 0)} pages, planned {len(movable) * pages_per_block}")
    require(kernel(after) - kernel(before) == len(normal) * pages_per_block,
            f"kernel zones grew by {kernel(after) - kernel(before)} pages, planned {len(normal) * pages_per_block}")
    if replay:
        figures["not checked without the daemon in the guest"] = "exit codes, report, re-run, status, SIGKILL"
        return problems, figures
    require(all(b["outcome"] == "already-online" for b in rerun["blocks"]), "the re-run was not a no-op")
    cycles = re.findall(r"^CYCLE (\d+) rc=(\d+) at_kill=(\d+)/(\d+) misplaced=(\d+)\r?$", text, re.M)
    if scenario.get("cycles"):
        require(len(cycles) == scenario["cycles"], f"{len(cycles)} kill/re-run cycles of {scenario['cycles']} reported")
        bad = [c for c in cycles if c[1] != "0" or c[4] != "0"]
        require(not bad, f"cycles that did not end online in ZONE_MOVABLE: {bad}")
        figures["kill/re-run cycles"] = f"{len(cycles) - len(bad)}/{len(cycles)} ok, {sum(0 < int(c[2]) < int(c[3]) for c in cycles)} killed mid-run"
    if scenario["mode"] == "crash":
        killed = blocks.get("killed", {})
        online_at_kill = sum(1 for index in planned if killed.get(index, ("",))[0] == "online")
        figures["online at kill"] = f"{online_at_kill}/{len(planned)}"
        require(any(b["outcome"] in ("onlined", "already-online") for b in report["blocks"]), "the re-run after the kill did nothing")
    if "worker_cpus" in expect:
        cpus = [w.get("cpus") for w in report.get("workers", [])]
        require(cpus and all(c == expect["worker_cpus"] for c in cpus), f"workers ran on {cpus}, expected {expect['worker_cpus']}")
        require((report["mode"].get("fastestCPUs") or {}).get("cpus") == expect["worker_cpus"], f"report mode: {report['mode']}")
        figures["workers on"] = f"CPUs {expect['worker_cpus']} (the fastest)"
    figures["run"] = report["summary"]
    return problems, figures


def check_stock(name, scenario, text):
    """The problems found in a stock-kernel guest's log: the steps' exits, the plan, a run that changed nothing in
    the kernel, and messages that say why (the probe file and the kernel option)."""
    problems, figures = [], {}
    steps = {step: int(rc) for step, rc in re.findall(r"^STEP (\S+) rc=(\d+)\r?$", text, re.M)}
    documents = blobs(text)
    blocks, zones = states(text)
    plan, report = documents.get("plan"), documents.get("report")

    def require(condition, message):
        if not condition:
            problems.append(message)

    def output(step):
        return "\n".join(re.findall(rf"^(?:OUT|ERR) {step}: (.*?)\r?$", text, re.M))

    for step, expected in scenario["steps"].items():
        require(steps.get(step) == expected, f"{step}: exit {steps.get(step)}, expected {expected}")
    if not plan or not report or "before" not in blocks or "final" not in blocks:
        problems.append("the guest did not print the plan, the report and the block states")
        return problems, figures
    expect = scenario["expect"]
    require(plan["source"] == expect["source"], f"plan source {plan['source']}, expected {expect['source']}")
    require(len(plan["blocks"]) == expect["blocks"], f"plan: {len(plan['blocks'])} blocks, expected {expect['blocks']}")
    require(all(b["action"] == "probe" for b in plan["blocks"]), "a planned block is not a probe")
    codes = [w.get("code") if isinstance(w, dict) else w for w in plan["warnings"]]
    if "warning" in expect:
        require(expect["warning"] in codes, f"plan warnings {codes} lack {expect['warning']}")
    require(report["exitCode"] == scenario["steps"]["run"], f"report exit code {report['exitCode']}")
    require(not any(b.get("outcome") == "onlined" for b in report.get("blocks", [])), "the report says a block was onlined")
    require(blocks["final"] == blocks["before"], "the blocks changed: " + str(
        {k: (blocks["before"].get(k), v) for k, v in blocks["final"].items() if blocks["before"].get(k) != v}))
    require(zones.get("final") == zones.get("before"), f"zones changed: {zones.get('before')} -> {zones.get('final')}")
    auto = dict(re.findall(r"^AUTO (\S+) (\S+)\r?$", text, re.M))
    require(auto.get("before") and auto.get("final") == auto.get("before"), f"auto_online_blocks changed: {auto}")
    for needed in expect.get("says", []):
        require(needed in report.get("summary", ""), f"the run's summary does not say '{needed}'")
    for needed in expect.get("doctor_says", []):
        require(needed in output("doctor"), f"doctor does not say '{needed}'")
    figures["run"] = report["summary"]
    return problems, figures


def check_guest(scenario, text):
    """A scenario that checks itself in the guest (CHECK PASS|FAIL, MEASURE and SUMMARY lines, guest/lib.sh): its
    failures, and its measurements as the figures."""
    passed = re.findall(r"^CHECK PASS (.*?)\r?$", text, re.M)
    problems = re.findall(r"^CHECK FAIL (.*?)\r?$", text, re.M)
    if not re.search(r"^SUMMARY ", text, re.M):
        problems.append("no SUMMARY line: the scenario did not finish")
    if len(passed) < scenario["least"]:
        problems.append(f"only {len(passed)} checks passed, expected at least {scenario['least']}")
    return problems, dict(re.findall(r"^MEASURE (\S+) (\S+?)\r?$", text, re.M))


def verdict(label, checked, text, seconds, timed_out):
    """Prints one scenario's result (and the guest's log when it failed); True when it passed."""
    problems, figures = checked
    if timed_out:
        problems.insert(0, f"timed out after {seconds:.0f} s")
    if "GUEST-END" not in text:
        problems.insert(0, "the guest did not finish")
    print(f"arm64 {label}: {'PASS' if not problems else 'FAIL'} in {seconds:.1f} s; " + "; ".join(f"{k}: {v}" for k, v in figures.items()), flush=True)
    for problem in problems:
        print(f"  - {problem}")
    if problems:
        print(f"----- guest log of {label} -----\n{text[-8000:]}\n-----", flush=True)
    return not problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binaries")
    parser.add_argument("--replay", action="store_true")
    parser.add_argument("--tool", help="the host's deferred-memd, for --replay")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/deferred-memd"))
    parser.add_argument("--kernel", help="the patched arm64 Image to boot instead of the 6.1 one built or cached")
    parser.add_argument("--bench", action="store_true",
                        help="instead of the scenarios, the kernel half's figures in counted time (kernel-half-bench.sh)")
    parser.add_argument("--bench-ways", nargs="*", choices=BENCH_WAYS, metavar="WAY",
                        help=f"with --bench, only these ways, at 4 GiB once each ({', '.join(BENCH_WAYS)})")
    parser.add_argument("--list-kernels", action="store_true",
                        help="print build-kernel.sh's arguments for each patched kernel the selected scenarios boot, one line each, and exit")
    args = parser.parse_args()
    if args.list_kernels:
        # --kernel stands in for the base kernel, not for a variant.
        variants = [s.get("variant") for name, s in SCENARIOS.items()
                    if s.get("kernel") != "stock" and (not args.only or name in args.only)]
        for variant in dict.fromkeys(sorted(variants, key=lambda v: v is not None)):
            if variant is None and args.kernel:
                continue
            print(" ".join(arm64.kernel_arguments(variant)))
        return
    if not args.binaries and not (args.replay and args.tool):
        parser.error("give --binaries, or --replay with --tool")
    if args.kernel and not os.path.isfile(args.kernel):
        parser.error(f"--kernel {args.kernel}: no such file")
    arm64.ensure_packages()
    image = os.path.abspath(args.kernel) if args.kernel else arm64.kernel(args.cache)
    print(f"arm64: patched kernel {image}", flush=True)
    workdir = tempfile.mkdtemp(prefix="deferred-memd-arm64-run.")
    if args.replay:
        return replay(args, image, workdir)
    stock = arm64.stock_kernel(args.cache)
    release = os.path.basename(stock).removeprefix("vmlinuz-")
    files = {"/scenarios/daemon-check.sh": os.path.join(GUEST, "daemon-check.sh"),
             # where Debian installs it: doctor reads the running kernel's configuration from /boot
             f"/boot/config-{release}": os.path.join(os.path.dirname(stock), f"config-{release}"),
             "/usr/sbin/deferred-memd-boot": os.path.join(args.binaries, "deferred-memd-boot"),
             "/usr/sbin/deferred-memd": os.path.join(args.binaries, "deferred-memd"),
             "/lib.sh": os.path.join(arm64.REPO, "Tests", "QEMU", "guest", "lib.sh"),
             **{f"/scenarios/{name}.sh": os.path.join(arm64.REPO, "Tests", "QEMU", "guest", "scenarios", f"{name}.sh") for name in SHARED_SCENARIOS}}
    for name in os.listdir(os.path.join(args.binaries, "lib")):
        files[f"/lib/{name}"] = os.path.join(args.binaries, "lib", name)
    initrd = arm64.initramfs(arm64.busybox(args.cache), workdir, files)
    if args.bench:
        return bench(image, initrd, workdir, args.bench_ways)
    failed = []
    measured = {}
    references = {s["reference"] for name, s in SCENARIOS.items() if s.get("reference") and args.only and name in args.only}
    for name, scenario in SCENARIOS.items():
        if args.only and name not in args.only and name not in references:
            continue
        append = scenario["append"]
        if scenario.get("reference"):
            values = {key.removeprefix("full_before_"): value for key, value in measured.get(scenario["reference"], {}).items()
                      if key.startswith("full_before_") and value}
            append += " dm.full=" + ",".join(f"{key}:{value}" for key, value in values.items())
        # A variant's Image is built (or found) the first time a chosen scenario needs it.
        kernel = stock if scenario.get("kernel") == "stock" else arm64.kernel(args.cache, scenario["variant"]) if scenario.get("variant") else image
        text, seconds, timed_out = arm64.boot(
            name, kernel, initrd,
            f"{append} dm.scenario={guest_scenario(scenario['mode'])} dm.mode={scenario['mode']} dm.cycles={scenario.get('cycles', 0)}",
            workdir, scenario["machine"],
            scenario["dts"], scenario.get("initrd", arm64.INITRD), scenario.get("firmware"),
            timeout=scenario.get("timeout", 300), cpu=scenario.get("cpu", "cortex-a57"), dtb_address=scenario.get("dtb", arm64.DTB))
        if scenario["mode"] in ("sizing", "fdt-high", "handover"):
            checked = check_guest(scenario, text)
            measured[name] = checked[1]
        else:
            checked = check_stock(name, scenario, text) if scenario["mode"] == "stock" else check(name, scenario, text)
        if not verdict(name, checked, text, seconds, timed_out):
            failed.append(name)
    if failed:
        print(f"arm64 scenarios failed: {' '.join(failed)}")
        sys.exit(1)
    print("arm64 scenarios: all passed")


# Each way of adding the deferred memory: the guest script's dm.method, and what the boot's command line adds.
# "+memmap": memory_hotplug.memmap_on_memory=1, which the checked add and the kernel's own adds use (each block's
# memmap then comes from the block, not from boot memory); the probe file passes MHP_NONE and cannot.
BENCH_WAYS = {
    "two-write": ("two-write", ""),
    "checked-add": ("checked-add", ""),
    "checked-add+memmap": ("checked-add", " memory_hotplug.memmap_on_memory=1"),
    # The same run by the full CLI, deferred-memd, instead of the service's deferred-memd-boot.
    "checked-add-cli": ("checked-add", " dm.binary=deferred-memd"),
    "kernel": ("kernel", " deferred_mem.mode=kernel"),
    "kernel+memmap": ("kernel", " deferred_mem.mode=kernel memory_hotplug.memmap_on_memory=1"),
    "takeover": ("takeover", " deferred_mem.timeout=0"),
}


def bench(image, initrd, workdir, ways=None):
    """The kernel half's figures (issue #27) in counted time: one boot per way of adding the memory and RAM size,
    mem=1G, and the checked add at 4 GiB twice, to show the spread (`ways`: only those, at 4 GiB once each). Prints
    figures beside their targets; fails only when a boot does not come up with all its memory online."""
    rows, failed = {}, []
    runs = [(gib, way) for gib in (4, 8) for way in BENCH_WAYS if gib == 4 or way != "checked-add-cli"] + [(4, "checked-add")]
    if ways:
        runs = [(4, way) for way in ways]
    for gib, way in runs:
        method, extra = BENCH_WAYS[way]
        append = f"mem=1G deferred_mem.kernelcore=50% nokaslr{extra} dm.scenario=kernel-half-bench dm.method={method}"
        text, seconds, timed_out = arm64.boot(f"bench-{gib}-{way}", image, initrd, append, workdir,
                                              arm64.counted_machine(gib), timeout=600, extra=arm64.COUNTED)
        problems, figures = check_guest({"least": 3}, text)
        if timed_out or problems:
            failed.append(f"{gib} GiB {way}")
            verdict(f"bench {gib} GiB {way}", (problems, figures), text, seconds, timed_out)
            continue
        rows.setdefault((gib, way), []).append({k: int(v) for k, v in figures.items() if v.lstrip("-").isdigit()})
        print(f"arm64 bench {gib} GiB {way}: " + ", ".join(f"{k} {v}" for k, v in figures.items()) + f" ({seconds:.0f} s wall)", flush=True)
    print("\nthe kernel half, COUNTED time (patched arm64 6.1, -icount shift=0,sleep=off, 1 vCPU, mem=1G, kernelcore=50%):")
    print(f"{'RAM':>4} {'way':<19} {'/init ms':>9} {'all online ms':>14} {'Σ kernel ms':>12} {'MemTotal MiB':>13}")
    for (gib, way), measures in rows.items():
        m = measures[0]
        print(f"{gib:>3}G {way:<19} {m['init_us'] / 1000:>9.1f} {m['online_us'] / 1000:>14.1f} {m['writes_us'] / 1000:>12.1f}"
              f" {m['memtotal_kib'] / 1024:>13.1f}")
    repeat = rows.get((4, "checked-add"), [])
    if len(repeat) == 2:
        a, b = repeat
        spread = max(abs(a[k] - b[k]) / max(a[k], 1) for k in ("init_us", "online_us", "writes_us")) * 100
        print(f"spread, the same boot twice (4 GiB checked-add): {spread:.3f} % at most")
    for gib in (4, 8):
        get = lambda way, key: rows[(gib, way)][0][key] if (gib, way) in rows else None  # noqa: E731
        pairs = [
            ("kernel method /init / daemon boot /init", get("kernel", "init_us"), get("checked-add", "init_us"), "≤ 1.05"),
            ("checked add Σ kernel / probe+state Σ kernel", get("checked-add", "writes_us"), get("two-write", "writes_us"), "≤ 0.90"),
            ("checked add +memmap Σ kernel / probe+state Σ kernel", get("checked-add+memmap", "writes_us"), get("two-write", "writes_us"), "≤ 0.90"),
            ("kernel method all online / daemon all online", get("kernel", "online_us"), get("checked-add", "online_us"), "≤ 1.00"),
            ("takeover (timeout 0) all online / daemon all online", get("takeover", "online_us"), get("checked-add", "online_us"), "(for the record)"),
        ]
        for label, numerator, denominator, target in pairs:
            if numerator is not None and denominator:
                print(f"{gib} GiB: {label}: {numerator / 1000:.1f} / {denominator / 1000:.1f} ms = {numerator / denominator:.3f} (target {target})")
        for key, label in (("main_us", "exec → main"), ("first_write_us", "exec → first write")):
            boot, cli = get("checked-add", key), get("checked-add-cli", key)
            if boot and cli:
                print(f"{gib} GiB: deferred-memd-boot / deferred-memd, {label}: {boot / 1000:.2f} / {cli / 1000:.2f} ms = {boot / cli:.3f}")
        with_memmap, without = get("checked-add+memmap", "memtotal_kib"), get("checked-add", "memtotal_kib")
        if with_memmap and without:
            print(f"{gib} GiB: memmap hosted in the added blocks (MemTotal without − with memmap_on_memory): {(without - with_memmap) / 1024:.1f} MiB"
                  " not allocated from the memory already online (at first, the boot memory)")
    if failed:
        print(f"arm64 bench boots failed: {' '.join(failed)}")
        sys.exit(1)


def replay(args, image, workdir):
    """The fallback: plan and record the writes on the host from each scenario's capture, replay them in the guest."""
    scenarios = {name: s for name, s in SCENARIOS.items() if s.get("example") and s["mode"] == "run"
                 and (not args.only or name in args.only)}
    print("arm64: no arm64 daemon: replaying the host's dry runs of " + ", ".join(scenarios) +
          " in the guest (the daemon's own run, re-run, status and SIGKILL are not checked, nor the stock-kernel scenarios)", flush=True)
    failed = []
    for name, scenario in scenarios.items():
        capture = os.path.join(arm64.REPO, "Examples", scenario["example"])
        copy = os.path.join(workdir, name + "-tree")
        subprocess.run(["cp", "-a", capture, copy], check=True)
        plan = json.loads(subprocess.run([args.tool, "plan", "--json", "--sysroot", copy], check=True,
                                         stdout=subprocess.PIPE, text=True).stdout)
        writes = subprocess.run([args.tool, "run", "--dry-run", "--sysroot", copy], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True).stdout
        script = os.path.join(workdir, name + "-writes.sh")
        with open(script, "w") as f:
            f.write(writes)
        initrd = arm64.initramfs(arm64.busybox(args.cache), workdir,
                                 {"/scenarios/daemon-check.sh": os.path.join(GUEST, "daemon-check.sh"),
                                  "/scenarios/replay.sh": os.path.join(GUEST, "replay.sh"), "/writes.sh": script},
                                 name=name + "-replay")
        text, seconds, timed_out = arm64.boot(name, image, initrd, scenario["append"] + " dm.scenario=replay", workdir, scenario["machine"],
                                              scenario["dts"], scenario.get("initrd", arm64.INITRD))
        if not verdict(f"{name} (replayed)", check(name, scenario, text, replayed_plan=plan), text, seconds, timed_out):
            failed.append(name)
    if failed:
        print(f"arm64 replayed scenarios failed: {' '.join(failed)}")
        sys.exit(1)
    print("arm64 replayed scenarios: all passed (SKIPPED: the daemon in the guest, for want of an arm64 build)")


if __name__ == "__main__":
    main()
