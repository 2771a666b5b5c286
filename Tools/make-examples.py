#!/usr/bin/env python3
"""Writes the bundled example machines under Examples/ (fake sysroots: /sys, /proc, /etc).

Each example is a machine from the design notes: the files are laid out and formatted as the kernel
formats them (Documentation/ABI/testing/sysfs-devices-memory, drivers/firmware/memmap.c). Run from the
repository root; it replaces Examples/<name> wholesale. Re-run after changing a machine here."""
import os, shutil, struct, sys

MiB, GiB = 1 << 20, 1 << 30
BLOCK = 128 * MiB
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Examples")


def write(root, path, data, mode="w"):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, mode) as f:
        f.write(data)


def cells(*values):
    return b"".join(struct.pack(">I", v) for v in values)


def reg(ranges, ac=2, sc=2):
    out = b""
    for start, size in ranges:
        out += cells(*([start >> 32, start & 0xFFFFFFFF] if ac == 2 else [start]))
        out += cells(*([size >> 32, size & 0xFFFFFFFF] if sc == 2 else [size]))
    return out


def memory_dir(root, block_size, blocks, auto_online="offline", probe=True):
    """blocks: list of (index, state, valid_zones, node)."""
    base = "/sys/devices/system/memory"
    write(root, f"{base}/block_size_bytes", "%x\n" % block_size)
    write(root, f"{base}/auto_online_blocks", auto_online + "\n")
    if probe:
        write(root, f"{base}/probe", "")
    nodes = set()
    for index, state, zones, node in blocks:
        d = f"{base}/memory{index}"
        write(root, f"{d}/state", state + "\n")
        write(root, f"{d}/valid_zones", zones + "\n")
        write(root, f"{d}/phys_index", "%08x\n" % index)
        write(root, f"{d}/online", ("1" if state == "online" else "0") + "\n")
        write(root, f"{d}/removable", "1\n")
        write(root, f"{d}/phys_device", "0\n")
        os.symlink(f"../../node/node{node}", os.path.join(root, d.lstrip("/"), f"node{node}"))
        nodes.add(node)
    for node in nodes:
        os.makedirs(os.path.join(root, f"sys/devices/system/node/node{node}"), exist_ok=True)


def meminfo(root, total, free):
    write(root, "/proc/meminfo", f"MemTotal:       {total // 1024} kB\nMemFree:        {free // 1024} kB\n"
          f"MemAvailable:   {free // 1024} kB\n")


def dt_directory(root, tree, base="/proc/device-tree"):
    """tree: {"props": {name: bytes}, "children": {name: tree}}"""
    for name, value in tree.get("props", {}).items():
        write(root, f"{base}/{name}", value, "wb")
    os.makedirs(os.path.join(root, base.lstrip("/")), exist_ok=True)
    for name, child in tree.get("children", {}).items():
        dt_directory(root, child, f"{base}/{name}")


def fdt_blob(tree, reservations=()):
    """Flattened devicetree, version 17 (Devicetree Specification, chapter 5)."""
    strings, offsets = b"", {}

    def name_offset(name):
        nonlocal strings
        if name not in offsets:
            offsets[name] = len(strings)
            strings += name.encode() + b"\0"
        return offsets[name]

    def pad(b):
        return b + b"\0" * (-len(b) % 4)

    def node(name, t):
        out = struct.pack(">I", 1) + pad(name.encode() + b"\0")
        for prop, value in t.get("props", {}).items():
            out += struct.pack(">III", 3, len(value), name_offset(prop)) + pad(value)
        for child_name, child in t.get("children", {}).items():
            out += node(child_name, child)
        return out + struct.pack(">I", 2)

    structure = node("", tree) + struct.pack(">I", 9)
    rsv = b"".join(struct.pack(">QQ", a, s) for a, s in reservations) + struct.pack(">QQ", 0, 0)
    off_rsv = 40
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(structure)
    total = off_strings + len(strings)
    header = struct.pack(">IIIIIIIIII", 0xD00DFEED, total, off_struct, off_strings, off_rsv, 17, 16, 0,
                         len(strings), len(structure))
    return header + rsv + structure + strings


def s(text):
    return text.encode() + b"\0"


def phone(root):
    """The write-up's phone: 12 GiB DRAM at 0, booted with mem=2G, vendor deferred_mem_init, 5 GiB movable."""
    memory_dir(root, BLOCK, [(i, "online", "DMA", 0) for i in range(16)])
    d = "/sys/kernel/deferred_mem_init"
    # Formats are not public: the example mixes the forms the daemon accepts.
    write(root, f"{d}/memblock_end_of_dram", "0x80000000\n")
    write(root, f"{d}/bootmem_end_of_dram", "12884901888\n")
    write(root, f"{d}/deferred_kernelcore", "5G\n")
    write(root, f"{d}/deferred_movablecore", "5368709120\n")
    write(root, "/proc/cmdline", "console=ttyMSM0,115200n8 androidboot.hardware=qcom mem=2G\n")
    meminfo(root, 2 * GiB - 180 * MiB, 1500 * MiB)
    tree = {"props": {"#address-cells": cells(2), "#size-cells": cells(2), "model": s("Qualcomm SM8550 phone")},
            "children": {
                "memory@0": {"props": {"device_type": s("memory"), "reg": reg([(0, 12 * GiB)])}},
                "reserved-memory": {"props": {"#address-cells": cells(2), "#size-cells": cells(2), "ranges": b""},
                                    "children": {"hyp@80000": {"props": {"reg": reg([(0x80000, 0x600000)]),
                                                                          "no-map": b""}}}}}}
    dt_directory(root, tree)


def arm64_tree():
    return {"props": {"#address-cells": cells(2), "#size-cells": cells(2), "model": s("Example arm64 board")},
            "children": {
                "memory@80000000": {"props": {"device_type": s("memory"), "reg": reg([(0x80000000, 2 * GiB)]),
                                              "numa-node-id": cells(0)}},
                "memory@880000000": {"props": {"device_type": s("memory"), "reg": reg([(0x880000000, 6 * GiB)]),
                                               "numa-node-id": cells(0)}},
                # Not a whole number of blocks: 1984 MiB = 15.5 blocks of 128 MiB.
                "memory@1000000000": {"props": {"device_type": s("memory"), "reg": reg([(0x1000000000, 1984 * MiB)]),
                                                "numa-node-id": cells(1), "hotpluggable": b""}},
                "memory@2000000000": {"props": {"device_type": s("memory"), "status": s("disabled"),
                                                "reg": reg([(0x2000000000, 4 * GiB)])}},
                "reserved-memory": {"props": {"#address-cells": cells(2), "#size-cells": cells(2), "ranges": b""},
                                    "children": {
                                        "ramoops@8a000000": {"props": {"reg": reg([(0x8A000000, 2 * MiB)])}},
                                        "modem@8d0000000": {"props": {"reg": reg([(0x8D0000000, 128 * MiB)]),
                                                                      "no-map": b""}},
                                        "adsp@8e4400000": {"props": {"reg": reg([(0x8E4400000, 24 * MiB)]),
                                                                     "no-map": b""}},
                                        "linux,cma": {"props": {"compatible": s("shared-dma-pool"), "reusable": b"",
                                                                "size": cells(0, 64 * MiB)}}}}}}


def arm64_machine(root, directory=True):
    """A board with banks above 4 GiB, a bank that is not a block multiple, carve-outs above boot memory,
    two NUMA nodes, no deferred_mem_init: the devicetree is the only map."""
    boot = [(i, "online", "DMA", 0) for i in range(16, 32)] + [(i, "online", "Normal", 0) for i in range(272, 280)]
    memory_dir(root, BLOCK, boot)
    write(root, "/proc/cmdline", "console=ttyAMA0 root=/dev/mmcblk0p2 mem=3G deferred_mem.movablecore=50%\n")
    meminfo(root, 3 * GiB - 120 * MiB, 2500 * MiB)
    tree = arm64_tree()
    if directory:
        dt_directory(root, tree)
    write(root, "/sys/firmware/fdt", fdt_blob(tree, reservations=[(0xFE000000, 0x10000)]), "wb")


def x86_mem_limit(root):
    """QEMU pc machine, -m 4G, booted with mem=1G: the firmware memmap still lists all RAM, with the PCI hole."""
    memory_dir(root, BLOCK, [(0, "online", "none", 0)] + [(i, "online", "DMA32", 0) for i in range(1, 8)])
    entries = [(0x0, 0x9FBFF, "System RAM"), (0x9FC00, 0x9FFFF, "Reserved"), (0xF0000, 0xFFFFF, "Reserved"),
               (0x100000, 0xBFFDFFFF, "System RAM"), (0xBFFE0000, 0xBFFFFFFF, "Reserved"),
               (0xFEFFC000, 0xFEFFFFFF, "Reserved"), (0xFFFC0000, 0xFFFFFFFF, "Reserved"),
               (0x100000000, 0x13FFFFFFF, "System RAM")]
    for n, (start, end, kind) in enumerate(entries):
        write(root, f"/sys/firmware/memmap/{n}/start", "0x%x\n" % start)
        write(root, f"/sys/firmware/memmap/{n}/end", "0x%x\n" % end)
        write(root, f"/sys/firmware/memmap/{n}/type", kind + "\n")
    write(root, "/proc/cmdline",
          "BOOT_IMAGE=/vmlinuz console=ttyS0 mem=1G memhp_default_state=offline deferred_mem.kernelcore=50%\n")
    meminfo(root, 1 * GiB - 90 * MiB, 800 * MiB)


def x86_dimms(root):
    """QEMU with two NUMA nodes of 1 GiB each and a 1 GiB DIMM per node, memhp_default_state=offline:
    nothing to probe (the stock kernel has no probe file), 16 offline blocks to online, split by a config file."""
    boot = [(0, "online", "none", 0)] + [(i, "online", "DMA32", 0) for i in range(1, 8)] + \
           [(i, "online", "DMA32", 1) for i in range(8, 16)]
    dimms = [(i, "offline", "Normal Movable", 0) for i in range(32, 40)] + \
            [(i, "offline", "Normal Movable", 1) for i in range(40, 48)]
    memory_dir(root, BLOCK, boot + dimms, probe=False)
    entries = [(0x0, 0x9FBFF, "System RAM"), (0x100000, 0x7FFDFFFF, "System RAM"), (0x7FFE0000, 0x7FFFFFFF, "Reserved"),
               (0x100000000, 0x13FFFFFFF, "System RAM"), (0x140000000, 0x17FFFFFFF, "System RAM")]
    for n, (start, end, kind) in enumerate(entries):
        write(root, f"/sys/firmware/memmap/{n}/start", "0x%x\n" % start)
        write(root, f"/sys/firmware/memmap/{n}/end", "0x%x\n" % end)
        write(root, f"/sys/firmware/memmap/{n}/type", kind + "\n")
    write(root, "/proc/cmdline", "BOOT_IMAGE=/vmlinuz console=ttyS0 memhp_default_state=offline\n")
    write(root, "/etc/deferred-memd.conf", "# Example: half of the hot-added DIMMs movable, so they can be unplugged.\n"
                                           "[Plan]\nMovableCore=50%\n")
    meminfo(root, 2 * GiB - 100 * MiB, 1700 * MiB)


MACHINES = {
    "phone-12g": phone,
    "arm64-board": lambda r: arm64_machine(r, directory=True),
    "arm64-board-blob": lambda r: arm64_machine(r, directory=False),
    "x86-vm-mem-limit": x86_mem_limit,
    "x86-vm-numa-dimms": x86_dimms,
}

if __name__ == "__main__":
    for name, build in MACHINES.items():
        root = os.path.join(ROOT, name)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        build(root)
        print("wrote", os.path.relpath(root))
