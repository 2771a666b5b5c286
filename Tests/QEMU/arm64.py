#!/usr/bin/env python3
"""Boots the arm64 test kernel under qemu-system-aarch64 (TCG, `-M virt`), with QEMU's own devicetree or with a
custom devicetree exactly as written.

QEMU rewrites the memory nodes of a `-dtb` file to match `-m`, so a devicetree with several banks, holes or a
`/reserved-memory` layout cannot be passed with `-dtb`. `boot(..., dts=...)` instead compiles the scenario's DTS
(on top of QEMU's own tree, dumped with `-M virt,dumpdtb=`), puts `bootargs` and `linux,initrd-start/end` in its
`/chosen`, loads the Image, the DTB and the initrd with `-device loader` at fixed addresses, and starts the CPU at
a tiny stub (arm64/boot-stub.S, assembled at test time) that puts the DTB's address in x0 and jumps to the Image.
QEMU gives the guest RAM for the whole `-m` range; the devicetree decides what Linux believes is DRAM.
`boot(..., firmware=EDK2)` boots the Image's EFI stub through edk2 instead (needs `-M virt,acpi=off`): the
kernel then takes its memory from the UEFI map and ignores the devicetree's memory node.

The guests print `FACT` lines (arm64/facts.sh), and optionally a capture of the files deferred-memd reads between
`CAPTURE-BEGIN` and `CAPTURE-END` (a gzip'd tar in base64). `boot` returns the serial log like run.py's `boot`.

usage: arm64.py [--cache DIR] [--only NAME ...] [--examples] [--logs DIR] [--install]
  Runs the fact-finding scenarios below and prints their FACT lines; --examples writes the captures of the
  scenarios that have one into Examples/ (replacing what is there).
"""
import argparse
import base64
import functools
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (packages, packing, the counted clock, the serial log: shared with run.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GUEST = os.path.join(HERE, "arm64")
PACKAGES = ["gcc-aarch64-linux-gnu", "binutils-aarch64-linux-gnu", "qemu-system-arm", "qemu-efi-aarch64",
            "device-tree-compiler",
            "linux-source-6.1", "build-essential", "bc", "bison", "flex", "libelf-dev", "libssl-dev", "xz-utils",
            "cpio", "gzip"]
CROSS = "aarch64-linux-gnu-"

# Fixed load addresses for custom-devicetree boots. QEMU virt's DRAM starts at 0x40000000 and QEMU puts its own
# DTB there: load nothing at that address. The Image must sit 2 MiB-aligned (text_offset is 0 since 5.10).
EDK2 = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"  # qemu-efi-aarch64, which qemu-system-arm recommends
QEMU_DTB = 0x40000000
KERNEL = 0x40200000
DTB = 0x44000000
STUB = 0x44200000
INITRD = 0x48000000

VIRT_4G = ["-M", "virt", "-m", "4G"]
# For UEFI boots: with ACPI tables present edk2 hands the kernel an empty devicetree ("EFI stub: Generating empty
# DTB"), and this kernel has no ACPI: no console, no memory. acpi=off makes edk2 pass QEMU's devicetree on.
VIRT_4G_NOACPI = ["-M", "virt,acpi=off", "-m", "4G"]
# Two NUMA nodes of 2 GiB, one CPU each: QEMU writes numa-node-id into the memory and cpu nodes and a distance-map.
VIRT_NUMA = ["-M", "virt", "-m", "4G", "-smp", "2",
             "-object", "memory-backend-ram,id=r0,size=2G", "-numa", "node,nodeid=0,cpus=0,memdev=r0",
             "-object", "memory-backend-ram,id=r1,size=2G", "-numa", "node,nodeid=1,cpus=1,memdev=r1"]

# The layouts of the write-up's devices, one QEMU machine and devicetree each, shared by the facts runner below and
# run-arm64.py: QEMU's arguments, the custom devicetree (None: QEMU's own), where the initrd goes (custom trees
# only), UEFI firmware, and the DRAM and carve-outs the tree describes (the truth run-arm64.py checks against,
# written here apart from the daemon's reading). A scenario is a layout, a command line and its checks.
QEMU_RAM = [(0x40000000, 0x140000000)]
BANKS_DRAM = [(0x40000000, 0x80000000), (0x88000000, 0xc0000000), (0x100000000, 0x140000000)]
LAYOUTS = {
    "virt": dict(machine=VIRT_4G, dts=None, dram=QEMU_RAM, reserved=[]),
    "banks": dict(machine=VIRT_4G, dts="banks.dts", dram=BANKS_DRAM,
                  reserved=[(0x90000000, 0x90800000), (0x110000000, 0x111000000), (0x120000000, 0x120010000)]),
    "initrd-high": dict(machine=VIRT_4G, dts="initrd-high.dts", initrd=0x100000000, dram=QEMU_RAM, reserved=[]),
    "numa": dict(machine=VIRT_NUMA, dts=None, dram=QEMU_RAM, reserved=[]),
    "vendor": dict(machine=VIRT_4G, dts="vendor.dts", dram=[(0x40000000, 0x80000000), (0x90000000, 0xc0000000), (0x100000000, 0x140000000)],
                   reserved=[]),
    "uefi": dict(machine=VIRT_4G_NOACPI, dts=None, firmware=EDK2, dram=QEMU_RAM, reserved=[]),
    "big-little": dict(machine=VIRT_4G + ["-smp", "2"], dts="big-little.dts", dram=QEMU_RAM, reserved=[]),
}

# name: a layout, the kernel command line, blocks to probe ("ADDR[:online_kernel|online_movable]"), Examples/
# directory for the capture (or None).
SCENARIOS = {
    "virt": dict(**LAYOUTS["virt"], append="mem=1G deferred_mem.kernelcore=50%",
                 probe=["0x80000000:online_kernel", "0x88000000:online_movable"], example="arm64-qemu-virt"),
    "banks": dict(**LAYOUTS["banks"], append="mem=1G deferred_mem.movablecore=50%",
                  probe=["0x88000000:online_kernel", "0x100000000:online_movable"]),
    "initrd-high": dict(**LAYOUTS["initrd-high"], append="mem=1G deferred_mem.kernelcore=50%",
                        probe=["0x100000000", "0x80000000:online_movable", "0x88000000:online_kernel",
                               "0x108000000:online_kernel"],
                        example="arm64-qemu-initrd-high"),
    # The same layout on a 16 KiB page kernel (build-kernel.sh --arch arm64 --variant 16k; -cpu max has the granule).
    "initrd-high-16k": dict(**LAYOUTS["initrd-high"], variant="16k", cpu="max", append="mem=1G deferred_mem.kernelcore=50%",
                            probe=["0x80000000:online_movable", "0x88000000:online_kernel"],
                            example="arm64-qemu-initrd-high-16k"),
    "numa": dict(**LAYOUTS["numa"], append="mem=2560M deferred_mem.movablecore=100%",
                 probe=["0xe0000000:online_movable", "0x100000000:online_kernel"]),
    "mem1000m": dict(**LAYOUTS["virt"], append="mem=1000M",
                     probe=["0x78000000", "0x80000000:online_kernel"]),
    "vendor": dict(**LAYOUTS["vendor"], append="mem=1G",
                   probe=["0x90000000:online_movable", "0x100000000:online_kernel"], example="arm64-qemu-vendor"),
    "vendor-cmdline": dict(**LAYOUTS["vendor"], append="mem=1G deferred_mem.kernelcore=512M deferred_mem.movablecore=75%", probe=[]),
    # UEFI (edk2) boot: the EFI stub deletes the memory nodes, so there is no devicetree RAM map at all.
    "vendor-efi": dict(**LAYOUTS["uefi"], append="mem=1G deferred_mem.kernelcore=50%",
                       probe=["0x80000000:online_kernel", "0x100000000:online_movable"],
                       example="arm64-qemu-vendor-efi", timeout=300),
    # Expected to oops at boot (a reusable shared-dma-pool above mem=): the scenario records what happens.
    # earlycon: the oops comes before the PL011 console driver registers.
    "banks-cma": dict(machine=VIRT_4G, dts="banks-cma.dts", append="earlycon mem=1G", probe=[], may_fail=True),
}


log = harness.log


def fail(message):
    sys.exit(f"arm64: {message}")


def run(command, **kwargs):
    """Runs a command; on failure exits with the command and its output."""
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    if result.returncode != 0:
        fail(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def ensure_packages():
    harness.ensure_packages(PACKAGES)


def kernel_arguments(variant=None):
    """build-kernel.sh's arguments for the patched arm64 kernel, or its `variant`."""
    return ["--arch", "arm64", *(["--variant", variant] if variant else [])]


@functools.cache
def kernel(cache, variant=None):
    """The patched arm64 Image (built, or taken from the cache; asked once per run); `variant`:
    build-kernel.sh's (16k, 64k, nohotremove)."""
    image = run([os.path.join(HERE, "build-kernel.sh"), *kernel_arguments(variant), cache]).strip().splitlines()[-1]
    if variant:
        log(f"arm64: patched kernel, {variant} variant: {image}")
    return image


def stock_kernel(cache):
    """Debian's own arm64 kernel image, the release of linux-image-amd64's (fetched, or taken from the cache); its
    config-RELEASE lies beside it."""
    return run([os.path.join(HERE, "fetch-stock-kernel.sh"), cache, "arm64"]).strip().splitlines()[-1]


def busybox(cache):
    """A static arm64 busybox (Debian's busybox-static:arm64)."""
    return run([os.path.join(HERE, "fetch-arm64-busybox.sh"), cache]).strip().splitlines()[-1]


def initramfs(busybox_path, workdir, files=None, name="initramfs"):
    """The arm64 guests' initramfs (harness.initramfs) with this busybox and `files`."""
    return harness.initramfs(workdir, name, busybox_path, files or {})


def boot_stub(workdir, kernel_address=KERNEL, dtb_address=DTB):
    """Assembles arm64/boot-stub.S for these addresses; returns the raw binary's path."""
    obj = os.path.join(workdir, "boot-stub.o")
    binary = os.path.join(workdir, "boot-stub.bin")
    run([CROSS + "as", f"--defsym=DTB={dtb_address:#x}", f"--defsym=KERNEL={kernel_address:#x}", "-o", obj,
         os.path.join(GUEST, "boot-stub.S")])
    run([CROSS + "objcopy", "-O", "binary", obj, binary])
    return binary


def base_dts(workdir, machine):
    """QEMU's own devicetree for these machine arguments, decompiled to workdir/qemu-virt-base.dts."""
    if machine[0] != "-M" or machine[1].split(",")[0] != "virt":
        fail(f"machine arguments must start with -M virt: {machine}")
    dtb = os.path.join(workdir, "qemu-virt-base.dtb")
    run(["qemu-system-aarch64", "-accel", "tcg", "-cpu", "cortex-a57", "-M", f"{machine[1]},dumpdtb={dtb}", *machine[2:],
         "-display", "none"])
    dts = os.path.join(workdir, "qemu-virt-base.dts")
    # Without its /dts-v1/ line: each scenario's file has its own, then any /memreserve/ entries, which dtc takes
    # only between the header and the first node.
    text = run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb])
    with open(dts, "w") as f:
        f.write(text.replace("/dts-v1/;\n", "", 1))
    return dts


def custom_dtb(workdir, dts, machine, bootargs, initrd_start, initrd_end):
    """Compiles arm64/DTS over QEMU's tree, with bootargs and the initrd's range in /chosen."""
    base_dts(workdir, machine)
    wrapper = os.path.join(workdir, "scenario.dts")
    with open(wrapper, "w") as f:
        f.write(f'/include/ "{os.path.join(GUEST, dts)}"\n'
                "/ {\n\tchosen {\n"
                f'\t\tbootargs = "{bootargs}";\n'
                f"\t\tlinux,initrd-start = /bits/ 64 <{initrd_start:#x}>;\n"
                f"\t\tlinux,initrd-end = /bits/ 64 <{initrd_end:#x}>;\n"
                "\t};\n};\n")
    dtb = os.path.join(workdir, "scenario.dtb")
    run(["dtc", "-q", "-i", workdir, "-I", "dts", "-O", "dtb", "-o", dtb, wrapper])
    return dtb


# Counted time (issue #28): guest time advances 1 ns per executed instruction and translation costs none; icount
# excludes MTTCG (one vCPU); no randomness in QEMU's devicetree (dtb-randomness=off: no rng-seed, no kaslr-seed) and
# the RTC from the virtual clock, so the same boot counts the same.
COUNTED = harness.COUNTED_CLOCK


def counted_machine(gib):
    return ["-M", "virt,dtb-randomness=off", "-m", f"{gib}G", "-smp", "1"]


def qemu_command(kernel_path, initrd, append, machine, serial, workdir, dts=None, initrd_address=INITRD,
                 firmware=None, cpu="cortex-a57", dtb_address=DTB):
    """The qemu-system-aarch64 command line: QEMU's devicetree (dts None), optionally through UEFI firmware
    (`firmware`: edk2's QEMU_EFI.fd, which boots the Image's EFI stub), or arm64/DTS loaded as written."""
    command = ["qemu-system-aarch64", "-accel", "tcg", "-cpu", cpu, *machine,
               "-display", "none", "-monitor", "none", "-serial", f"file:{serial}", "-no-reboot"]
    bootargs = f"console=ttyAMA0 loglevel=4 panic=-1 {append}"
    if firmware is not None:
        if dts is not None:
            fail("a custom devicetree cannot be combined with UEFI firmware")
        if not os.path.exists(firmware):
            fail(f"{firmware} missing (apt-get install qemu-efi-aarch64)")
        command += ["-bios", firmware]
    if dts is None:
        return command + ["-kernel", kernel_path, "-initrd", initrd, "-append", bootargs]
    initrd_end = initrd_address + os.path.getsize(initrd)
    check_layout([(KERNEL, KERNEL + os.path.getsize(kernel_path) + (16 << 20), "Image (and its bss)"),
                  (dtb_address, dtb_address + (2 << 20), "DTB"), (STUB, STUB + 4096, "stub"),
                  (initrd_address, initrd_end, "initrd")])
    dtb = custom_dtb(workdir, dts, machine, bootargs, initrd_address, initrd_end)
    stub = boot_stub(workdir, dtb_address=dtb_address)
    return command + [
        "-device", f"loader,file={kernel_path},addr={KERNEL:#x},force-raw=on",
        "-device", f"loader,file={dtb},addr={dtb_address:#x},force-raw=on",
        "-device", f"loader,file={initrd},addr={initrd_address:#x},force-raw=on",
        "-device", f"loader,file={stub},addr={STUB:#x},force-raw=on",
        "-device", f"loader,addr={STUB:#x},cpu-num=0",
    ]


def check_layout(regions):
    """Fails when two loaded images overlap or one covers QEMU's own DTB."""
    for i, (start, end, what) in enumerate(regions):
        if start < QEMU_DTB + (2 << 20) and end > QEMU_DTB:
            fail(f"{what} at {start:#x} overlaps QEMU's DTB at {QEMU_DTB:#x}")
        for other_start, other_end, other in regions[i + 1:]:
            if start < other_end and other_start < end:
                fail(f"{what} at {start:#x} overlaps {other} at {other_start:#x}")


def boot(name, kernel_path, initrd, append, workdir, machine=VIRT_4G, dts=None, initrd_address=INITRD,
         firmware=None, timeout=180, cpu="cortex-a57", dtb_address=DTB, extra=()):
    """Boots one guest until it powers off; returns (serial log text, seconds, timed out). `cpu`: a 16 KiB page
    kernel needs one with that granule (`max`; the Cortex-A57 has 4 and 64 KiB only)."""
    serial = os.path.join(workdir, f"{name}.log")
    if os.path.exists(serial):
        os.remove(serial)
    command = qemu_command(kernel_path, initrd, append, machine, serial, workdir, dts, initrd_address, firmware, cpu, dtb_address)
    command[1:1] = list(extra)
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timed_out = harness.wait_or_kill(process, timeout)
    return harness.console_text(serial, process), time.monotonic() - started, timed_out


def facts(text):
    """The FACT lines of a serial log, without the prefix."""
    return [line.rstrip("\r") for line in re.findall(r"^FACT (.*)$", text, re.M)]


def capture(text):
    """The gzip'd tar between CAPTURE-BEGIN and CAPTURE-END, or None."""
    match = re.search(r"^CAPTURE-BEGIN\r?\n(.*?)^CAPTURE-END", text, re.M | re.S)
    if not match:
        return None
    return base64.b64decode("".join(match.group(1).split()))


def write_example(archive, destination):
    """Replaces `destination` with the captured tree (links kept as links)."""
    shutil.rmtree(destination, ignore_errors=True)
    os.makedirs(destination)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.name.startswith("/") or ".." in member.name.split("/"):
                fail(f"capture holds an unsafe path: {member.name}")
        tar.extractall(destination)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/deferred-memd"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--examples", action="store_true", help="write the captures into Examples/")
    parser.add_argument("--logs", help="keep the serial logs in this directory")
    parser.add_argument("--install", action="store_true", help="install the packages first (scripts/setup-debian.sh)")
    args = parser.parse_args()
    if args.install:
        ensure_packages()
    image = kernel(args.cache)
    workdir = tempfile.mkdtemp(prefix="deferred-memd-arm64.")
    initrd = initramfs(busybox(args.cache), workdir, {"/scenarios/facts.sh": os.path.join(GUEST, "facts.sh")})
    failures = []
    for name, scenario in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        example = scenario.get("example")
        append = (f"{scenario['append']} dm.scenario=facts dm.layout={name} dm.capture={1 if example else 0} "
                  f"dm.probe={','.join(scenario['probe'])}")
        variant = scenario.get("variant")
        text, seconds, timed_out = boot(name, kernel(args.cache, variant) if variant else image, initrd, append, workdir, scenario["machine"],
                                        scenario["dts"], scenario.get("initrd", INITRD), scenario.get("firmware"),
                                        scenario.get("timeout", 180), scenario.get("cpu", "cortex-a57"))
        if args.logs:
            os.makedirs(args.logs, exist_ok=True)
            with open(os.path.join(args.logs, f"{name}.log"), "w") as f:
                f.write(text)
        found = facts(text)
        ok = not timed_out and found[-1:] == ["end"]
        log(f"=== {name}: {'ok' if ok else 'FAILED'} in {seconds:.1f} s ({len(found)} facts)")
        for line in found:
            log(f"  {line}")
        if not ok and scenario.get("may_fail"):
            log(f"--- {name}: did not finish, as expected. Guest log (tail):\n{text[-4000:]}")
            continue
        if not ok:
            failures.append(name)
            log(f"--- {name}: {'timed out; ' if timed_out else ''}no final FACT end. Guest log:\n{text[-6000:]}")
            continue
        if example and args.examples:
            archive = capture(text)
            if archive is None:
                failures.append(name)
                log(f"--- {name}: no CAPTURE-BEGIN/CAPTURE-END in the log")
                continue
            write_example(archive, os.path.join(REPO, "Examples", example))
            log(f"  wrote Examples/{example}")
    shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        fail(f"FAILED: {', '.join(failures)}")


if __name__ == "__main__":
    main()
