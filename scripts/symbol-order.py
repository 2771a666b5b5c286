#!/usr/bin/env python3
"""Writes the boot binary's symbol ordering file: its functions in the order a run first executes them.

usage: scripts/symbol-order.py [--binary .build/release/deferred-memd-boot] [--out Sources/deferred-memd-boot/symbol-order.txt]

The release link (Package.swift) hands the file to lld (--symbol-ordering-file), which places those functions
first and together, in that order: the code a boot runs then sits in a few hundred contiguous pages instead of
pages scattered over the whole text, each of which the kernel maps with its 64 KiB fault-around (Docs/performance.md).
The order comes from user-mode QEMU (`qemu-x86_64-static -d in_asm,page`), which logs every block of guest code
the first time it translates it: the service's invocations (`run` on a simulated kernel, `plan --check`, `rescue`)
on the bundled x86 and devicetree example machines. Symbols that later disappear are skipped by the linker, new
ones go after: a stale file costs only placement. Regenerate after larger changes to what a run executes.
"""
import argparse
import bisect
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MACHINES = ["x86-vm-mem-limit", "phone-12g", "arm64-qemu-virt"]
INVOCATIONS = [["run", "--simulate", "--latency-ms-per-gib", "0"], ["plan", "--check"], ["rescue"]]


def symbols(binary):
    """(offset, name) of every function in the binary, sorted."""
    out = subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            found.append((int(parts[0], 16), parts[2]))
    return found


def first_executed(binary, arguments, table):
    """Names of the binary's functions in the order QEMU first translated code in them."""
    offsets = [offset for offset, _ in table]
    with tempfile.TemporaryDirectory(prefix="symbol-order-") as work:
        log = os.path.join(work, "qemu.log")
        subprocess.run(["qemu-x86_64-static", "-d", "in_asm,page", "-D", log, binary] + arguments,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base, end, order, seen = None, None, [], set()
        with open(log, errors="replace") as f:
            for line in f:
                if end is None:
                    # The executable is what QEMU maps first: the first range it lists is the image's load base
                    # (gold puts the text there, lld read-only data first), the first executable range its text.
                    m = re.match(r"^([0-9a-f]{16})-([0-9a-f]{16}) [0-9a-f]{16} (\S+)", line)
                    if m and base is None:
                        base = int(m.group(1), 16)
                    if m and m.group(3) == "r-x" and int(m.group(1), 16) >= base:
                        end = int(m.group(2), 16)
                    continue
                m = re.match(r"^0x([0-9a-f]+):", line)
                if not m:
                    continue
                address = int(m.group(1), 16)
                if not base <= address < end:
                    continue  # the dynamic loader and shared libraries
                i = bisect.bisect_right(offsets, address - base) - 1
                if i >= 0 and table[i][1] not in seen:
                    seen.add(table[i][1])
                    order.append(table[i][1])
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build/release/deferred-memd-boot"))
    parser.add_argument("--out", default=os.path.join(REPO, "Sources/deferred-memd-boot/symbol-order.txt"))
    args = parser.parse_args()
    if not shutil.which("qemu-x86_64-static"):
        sys.exit("symbol-order: needs qemu-x86_64-static (apt-get install qemu-user-static)")
    table = symbols(args.binary)
    if not table:
        sys.exit(f"symbol-order: no symbols in {args.binary} (build it unstripped: swift build -c release …)")
    order, seen = [], set()
    for machine in MACHINES:
        for invocation in INVOCATIONS:
            with tempfile.TemporaryDirectory(prefix="symbol-order-root-") as work:
                root = os.path.join(work, "root")
                shutil.copytree(os.path.join(REPO, "Examples", machine), root, symlinks=True)
                for name in first_executed(args.binary, invocation + ["--sysroot", root], table):
                    if name not in seen:
                        seen.add(name)
                        order.append(name)
    with open(args.out, "w") as f:
        f.write("\n".join(order) + "\n")
    print(f"symbol-order: {len(order)} functions of {len(table)} executed, written to {os.path.relpath(args.out, REPO)}")


if __name__ == "__main__":
    main()
