#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/Corpus/<target>/ from the example machines (Examples/*/), plus any .dtb
given on the command line (the committed ones came from Debian's linux-image-6.1.0-50-arm64, see
Docs/reliability.md). Re-running it rewrites the generated seeds; seeds it did not write are left alone.

usage: Fuzz/make-seeds.py [BLOB.dtb ...]
"""
import os
import shutil
import struct
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(REPO, "Fuzz", "Corpus")
EXAMPLES = os.path.join(REPO, "Examples")
MAX_RECORDS = 64  # FuzzTree reads at most this many records
MAX_BLOB = 100 << 10


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def records(entries):
    """FuzzTree's record list: path NUL u16-length content; a path ending in / is a directory."""
    out = b""
    for path, content in entries[:MAX_RECORDS]:
        content = content[:0xFFFF]
        out += path.encode() + b"\0" + struct.pack(">H", len(content)) + content
    return out


def tree(top, prefix="", keep=None):
    """(relative path, content) for every file under top; symbolic links (memoryN/nodeN) become directories."""
    entries = []
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            full = os.path.join(root, name)
            relative = prefix + os.path.relpath(full, top)
            if keep and not keep(relative):
                continue
            if os.path.islink(full):
                entries.append((relative + "/", b""))
            else:
                entries.append((relative, read(full)))
    return entries


def main():
    seen_blobs = set()
    for machine in sorted(os.listdir(EXAMPLES)):
        base = os.path.join(EXAMPLES, machine)
        fdt = os.path.join(base, "sys/firmware/fdt")
        if os.path.isfile(fdt):
            blob = read(fdt)
            # QEMU pads its blob to 1 MiB: too slow a seed (libFuzzer runs every seed on every start); dtc
            # writes it back without the padding.
            if len(blob) > MAX_BLOB and shutil.which("dtc"):
                blob = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", fdt], check=True, stdout=subprocess.PIPE).stdout
            if len(blob) <= MAX_BLOB and blob not in seen_blobs:
                seen_blobs.add(blob)
                write("FuzzFlattenedDevicetree", machine + ".dtb", blob)
        devicetree = os.path.join(base, "proc/device-tree")
        if os.path.isdir(devicetree):
            write("FuzzDevicetreeDirectory", machine, records(tree(devicetree)))
        cmdline = os.path.join(base, "proc/cmdline")
        if os.path.isfile(cmdline):
            write("FuzzKernelCommandLine", machine, read(cmdline))
        for name in ("zoneinfo", "iomem", "meminfo"):
            path = os.path.join(base, "proc", name)
            if os.path.isfile(path):
                write("FuzzProcFiles", f"{machine}-{name}", read(path))
        deferred = os.path.join(base, "sys/kernel/deferred_mem_init")
        if os.path.isdir(deferred):
            for name in sorted(os.listdir(deferred)):
                write("FuzzKernelCommandLine", f"{machine}-{name}", read(os.path.join(deferred, name)))
        conf = os.path.join(base, "etc/deferred-memd.conf")
        if os.path.isfile(conf):
            write("FuzzConfiguration", machine, read(conf))
        sys_entries = []
        memory = os.path.join(base, "sys/devices/system/memory")
        if os.path.isdir(memory):
            # The knobs and the first few blocks: a record list holds at most MAX_RECORDS files.
            blocks = sorted((n for n in os.listdir(memory) if n.startswith("memory")), key=lambda n: int(n[6:]))
            wanted = set(blocks[:4] + blocks[-2:])
            keep = lambda p: "/" not in p or p.split("/")[0] in wanted
            sys_entries += tree(memory, "devices/system/memory/", lambda p: keep(p[len("devices/system/memory/"):]))
        memmap = os.path.join(base, "sys/firmware/memmap")
        if os.path.isdir(memmap):
            sys_entries = tree(memmap, "firmware/memmap/") + sys_entries
        if sys_entries:
            write("FuzzMemoryBlockDirectory", machine, records(sys_entries))
    for blob in sys.argv[1:]:
        if os.path.getsize(blob) > MAX_BLOB:
            sys.exit(f"{blob}: larger than {MAX_BLOB} bytes")
        write("FuzzFlattenedDevicetree", os.path.basename(blob), read(blob))
    # The plan journal as the daemon writes it (FuzzPlanJournal's boot id and RAM), and as an older one did.
    boot = "0b1c2d3e-fuzz-4f5a-8b6c-7d8e9f0a1b2c"
    write("FuzzPlanJournal", "journal", (
        '{"bootId":"%s","blockSize":134217728,"extents":[{"first":32,"count":8,"node":0,"zone":"Normal","action":"probe"},'
        '{"first":40,"count":8,"node":0,"zone":"Movable","action":"probe"},{"first":128,"count":4,"node":1,"zone":"Movable","action":"online"}]}\n' % boot).encode())
    write("FuzzPlanJournal", "journal-runs", (
        '{"bootId":"%s","blockSize":134217728,"runs":[{"first":32,"count":16,"node":0,"zone":"Normal","action":"probe"}]}\n' % boot).encode())
    write("FuzzConfiguration", "every-key", b"""# every section and key
[Plan]
KernelCore=4G
MovableCore=
[Run]
Workers=per-zone
Gate=yes
AutoOnline=switch
ProbeMethod=two-write
[Workers]
NormalCPUs=0-3,8
MovableCPUs=4-7
Nice=-5
NormalPriority=idle
MovablePriority=10
[Watch]
Policy=split
Ratio=301
PerNode=no
[Future]
Key=1
""")
    write("FuzzPlanJournal", "json", '[null,true,false,-1,18446744073709551615,1.5e-3,"a\\u00e9\\n\\"",{"k":[]}]'.encode())


if __name__ == "__main__":
    main()
