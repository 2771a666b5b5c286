#!/usr/bin/env python3
"""Boots real Linux kernels under QEMU (TCG) and runs the deferred-memd scenarios inside them.

Each scenario is one boot: a busybox initramfs holding the static-stdlib release binaries (deferred-memd and,
beside it, deferred-memd-boot, with the shared libraries
they link), the guest scripts, and `dm.scenario=NAME` on the kernel command line. The guest prints
`CHECK PASS|FAIL`, `MEASURE` and `SUMMARY` lines on the serial console; this script reads them back, fails with
the guest's log when a check fails, a guest hangs or a summary is missing, and prints the measurements.

usage: run.py --binary .build/release/deferred-memd [--only NAME ...] [--no-bench] [--bench-rounds N] [--bench-modes MODE ...]
              [--bench-clocks wall counted] [--counted-rounds N]
              [--cache DIR] [--figures FILE] [--boot-sizes 4,8] [--boot-systemd-sizes 4] [--boot-rounds 1]
              [--boot-counted-sizes 4,8] [--boot-counted-rounds 1]
              [--boot-variants VARIANT ...] [--stock-kernel VMLINUZ] [--list-kernels]

`bench` boots the bench guest once a mode and round in each clock: TCG wall time (2 vCPUs, for the record) and
counted time (QEMU -icount, 1 vCPU, no randomness: the same figures every boot; issue #28, Docs/performance.md).

`bootbench` (issue #16) boots the same busybox guest per RAM size in three variants (full, kernel-deferred,
deferred-memd), and the systemd guest in two (systemd-kernel-deferred, systemd-deferred-memd), one guest at a time,
rounds interleaved; `--only bootbench --boot-sizes 4,8,16,32 --boot-rounds 3` is the fuller run behind
Docs/boot-benchmark.svg. Its table and slopes: scripts/bootbench.py. The busybox variants boot again in counted time
(`--boot-counted-sizes`, issue #28), timed by the guest's TSC; `--boot-counted-sizes 4,8,16` is the run behind
Docs/boot-benchmark-counted*.svg.
"""
import argparse
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "scripts"))
import bootbench  # noqa: E402  (scripts/bootbench.py: the boot benchmark's table, slopes and SVG)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (packages, packing, the counted clock, the serial log: shared with arm64.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PACKAGES = ["qemu-system-x86", "busybox-static", "cpio", "gzip", "linux-source-6.1", "build-essential", "bc",
            "bison", "flex", "libelf-dev", "libssl-dev", "xz-utils", "debootstrap"]

PC_4G_MEM1G = ["-M", "pc", "-m", "4G"]
STOCK_DIMMS_NUMA = [
    "-M", "pc", "-m", "2G,slots=4,maxmem=16G",
    "-object", "memory-backend-ram,id=r0,size=1G", "-numa", "node,nodeid=0,memdev=r0",
    "-object", "memory-backend-ram,id=r1,size=1G", "-numa", "node,nodeid=1,memdev=r1",
    "-object", "memory-backend-ram,id=d0,size=2G", "-device", "pc-dimm,id=dimm0,memdev=d0,node=0",
    "-object", "memory-backend-ram,id=d1,size=2G", "-device", "pc-dimm,id=dimm1,memdev=d1,node=1",
]
STOCK_DIMMS = [
    "-M", "pc", "-m", "1G,slots=4,maxmem=8G",
    "-object", "memory-backend-ram,id=d0,size=2G", "-device", "pc-dimm,id=dimm0,memdev=d0",
    "-object", "memory-backend-ram,id=d1,size=2G", "-device", "pc-dimm,id=dimm1,memdev=d1",
]
SCARCE_16G = ["-M", "pc", "-m", "16G"]
# no_timer_check: on a loaded host, TCG is too slow for the IO-APIC timer check, which then panics the guest.
SCARCE = "memhp_default_state=offline no_timer_check"
DEFERRED = "mem=1G memhp_default_state=offline deferred_mem.kernelcore=50%"

# name: (kernel, qemu machine arguments, kernel command line, least number of checks, timeout in seconds)
SCENARIOS = {
    "probe": ("probe", PC_4G_MEM1G, DEFERRED, 14, 240),
    "probe-q35": ("probe", ["-M", "q35", "-m", "4G"], f"{DEFERRED} dm.method=auto-zone", 14, 240),
    # The command line as the kernel reads it: mem=1024MB is 1 GiB (memparse stops at "B"), a name with dashes is
    # the name with underscores, and what follows -- is init's: the probe scenario's checks, unchanged. iommu=soft:
    # x86 sets up swiotlb's bounce buffer whatever mem= left, so the plan does not warn no-bounce-buffer.
    "probe-cmdline": ("probe", PC_4G_MEM1G, "mem=1024MB memhp-default-state=offline deferred_mem.kernelcore=50% iommu=soft -- mem=2G", 14, 240),
    "dimms": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline", 7, 300),
    "crash": ("probe", PC_4G_MEM1G, DEFERRED, 9, 240),
    "race": ("stock", STOCK_DIMMS, "memhp_default_state=offline", 6, 300),
    "hotplug": ("stock", ["-M", "pc", "-m", "2G,slots=4,maxmem=16G"], "memhp_default_state=offline", 10, 400),
    "badinput": ("probe", PC_4G_MEM1G, "mem=1G memhp_default_state=offline", 5, 240),
    "noprobe": ("stock", PC_4G_MEM1G, "mem=1G memhp_default_state=offline", 5, 300),
    # x86 memmap= carve-outs that /sys/firmware/memmap does not show (it predates the command line).
    "memmap": ("probe", PC_4G_MEM1G, f"{DEFERRED} memmap=256M$0x80000000 memmap=128M!0xa0000000", 11, 240),
    "scarce-refuse": ("probe", SCARCE_16G, f"mem=256M {SCARCE} deferred_mem.movablecore=100% dm.expect=refuse", 8, 900),
    "scarce-256-50": ("probe", SCARCE_16G, f"mem=256M {SCARCE} deferred_mem.kernelcore=50%", 8, 900),
    "scarce-256-85": ("probe", SCARCE_16G, f"mem=256M {SCARCE} deferred_mem.kernelcore=15% dm.workers=per-zone", 8, 900),
    "scarce-320-85": ("probe", SCARCE_16G, f"mem=320M {SCARCE} deferred_mem.kernelcore=15%", 8, 900),
    # After the memory (issue #29): the full boot first, whose values the mem= boot is checked against (REFERENCE).
    "sizing-full": ("probe", SCARCE_16G, f"{SCARCE} dm.sizing=full", 1, 900),
    "sizing": ("probe", SCARCE_16G, f"mem=256M {SCARCE} deferred_mem.kernelcore=15% dm.sizing=run", 22, 900),
    "sizing-admin": ("probe", ["-M", "pc", "-m", "2G"], f"mem=256M {SCARCE} dm.sizing=admin", 5, 400),
    "refuse": ("probe", PC_4G_MEM1G, DEFERRED, 52, 600),
    "refuse-transient": ("probe", PC_4G_MEM1G, DEFERRED, 11, 400),
    "refuse-some": ("probe", PC_4G_MEM1G, DEFERRED, 23, 400),
    "systemd": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline", 21, 900),
    "systemd-fallback": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline", 8, 900),
    "systemd-doctor": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline", 8, 900),
    "systemd-upgrade": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline dm.version=0.1.0+upgrade1", 9, 900),
}
# The systemd scenarios install the .deb (scripts/build-deb.sh) with dpkg; systemd-upgrade then changes the
# conffile and installs this newer version over it.
PACKAGE_VERSION = "0.1.0"
UPGRADE_VERSION = "0.1.0+upgrade1"
UPGRADED_CONFIGURATION = "# changed by the administrator before the upgrade\n[Plan]\nMovableCore=25%\n"
SCENARIO_FOR_FILE = {"probe-q35": "probe", "probe-cmdline": "probe", **{name: "scarce" for name in ["scarce-256-50", "scarce-256-85", "scarce-320-85", "scarce-refuse"]},
                     "sizing-full": "sizing", "sizing-admin": "sizing"}
# A scenario that compares itself with another's boot: that one runs first (selected with it), and its MEASURE lines
# named full_before_KEY reach this one's command line as dm.full=KEY:VALUE,...
REFERENCE = {"sizing": "sizing-full"}
# serial-tool: the serial run from deferred-memd instead of deferred-memd-boot (exec -> first write of each binary).
BENCH_MODES = ["serial", "serial-tool", "serial-auto-zone", "per-zone", "per-zone-nogate", "shell"]
# The bench's boots per clock: figures["bench-MODE"] (TCG wall time) and figures["counted-MODE"] (counted time).
BENCH_PREFIX = {"wall": "bench", "counted": "counted"}
# Boot benchmark: variant -> (kernel, kernel command line). The daemon's boot keeps 1 GiB, as the other scenarios.
# All: the early console prints the kernel's banner as it starts (its arrival is timed; loglevel=6 first, since the
# early console replays only what the loglevel of the moment lets through); no_timer_check, because a busy host
# made 6.1's IO-APIC timer check fail ("IO-APIC + timer doesn't work", a panic) under TCG.
BOOT_COMMON = "loglevel=6 earlyprintk=serial,ttyS0 no_timer_check"
BOOT_VARIANTS = {
    "full": ("probe", BOOT_COMMON),
    "kernel-deferred": ("probe-deferred-init", BOOT_COMMON),
    "deferred-memd": ("probe", f"{DEFERRED} {BOOT_COMMON}"),
}
# The boot benchmark's systemd guest (issue #16 §1): Debian's stock kernel and the systemd scenarios' root, the
# packaged unit onlining what the kernel left offline. The stock kernel has DEFERRED_STRUCT_PAGE_INIT=y, which names
# the boot-RAM variant; it has no probe file, so the deferred memory is a cold-plugged DIMM above 1 GiB of boot RAM.
SYSTEMD_BOOT_VARIANTS = ["systemd-kernel-deferred", "systemd-deferred-memd"]
SYSTEMD_BOOT_APPEND = f"memhp_default_state=offline {BOOT_COMMON}"
# Checks each systemd boot must pass (systemd-check.sh, systemd-bootbench).
SYSTEMD_BOOT_CHECKS = {"systemd-kernel-deferred": 8, "systemd-deferred-memd": 11}
# DIMMs the host plugs when the guest asks (`PLUG name size` on the console).
PLUGS = {"dimm1": "1G", "dimm2": "2G", "dimm3": "6G"}


log = harness.log


def ensure_packages():
    harness.ensure_packages(PACKAGES)


def systemd_boot_machine(variant, gib):
    """QEMU's machine for a systemd boot benchmark variant at `gib` GiB, and the blocks of DIMM it has: all of it boot
    RAM, or 1 GiB of boot RAM and one DIMM of the rest (the pc machine puts it at 4 GiB: memory32 on)."""
    # reserve=off, as for the busybox guest: sizes above the host's RAM start.
    if variant == "systemd-kernel-deferred":
        return ["-M", "pc,memory-backend=ram", "-m", f"{gib}G", "-object", f"memory-backend-ram,id=ram,size={gib}G,reserve=off"], 0
    return ["-M", "pc", "-m", f"1G,slots=1,maxmem={gib}G", "-object", f"memory-backend-ram,id=d0,size={gib - 1}G,reserve=off",
            "-device", "pc-dimm,id=dimm0,memdev=d0"], (gib - 1) * 8


def probe_kernel(cache, variant=None):
    """The probe kernel's image, or its `variant`'s (built, or taken from the cache, waiting for scripts/test.sh's
    background builder if it is on it)."""
    return subprocess.run([os.path.join(HERE, "build-kernel.sh"), "--arch", "x86_64", *(["--variant", variant] if variant else []), cache],
                          check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]


def kernels(cache, stock=None):
    """Paths of the probe kernel and the stock kernel (a probe-kernel variant is added as probe-VARIANT where it is
    needed). `stock`: a stock kernel image to use instead of the one fetch-stock-kernel.sh fetches (Debian's 6.1,
    linux-image-amd64's)."""
    found = {"probe": probe_kernel(cache)}
    found["stock"] = os.path.abspath(stock) if stock else subprocess.run([os.path.join(HERE, "fetch-stock-kernel.sh"), cache], check=True,
                                                                          stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    return found


def shared_libraries(binary):
    """The binary's shared libraries and the loader, as ldd names them."""
    out = subprocess.run(["ldd", binary], check=True, stdout=subprocess.PIPE, text=True).stdout
    paths = set()
    for line in out.splitlines():
        match = re.search(r"(/\S+)", line.split("=>")[-1])
        if match:
            paths.add(match.group(1))
    return sorted(paths)


@functools.lru_cache(maxsize=None)
def build_deb(binary, version):
    """The package of the release build beside `binary` (lintian is scripts/test.sh's, not every boot's), built once
    per version and run."""
    out = subprocess.run([os.path.join(REPO, "scripts", "build-deb.sh"), "--build-dir", os.path.dirname(binary), "--version", version,
                          "--no-lintian"], check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def dpkg_install(root, deb):
    """`dpkg -i` into the root, as an administrator would (its maintainer scripts run chrooted there); no TTY,
    no --force-conf*: a conffile question would fail the install."""
    subprocess.run(["dpkg", "--root", root, "-i", deb], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def debian_root(cache, binary, workdir, kernel, upgrade=False):
    """The Debian root of the systemd scenarios with the deferred-memd package installed by dpkg (its postinst
    enables the service), as a gzip'd cpio. `upgrade`: then the conffile changed and a newer package over it.

    The stock kernel's configuration goes where its package installs it, for `doctor`: /boot/config-<release>
    (6.1, 6.12) or /usr/lib/modules/<release>/config (newer packages)."""
    base = subprocess.run([os.path.join(HERE, "build-systemd-root.sh"), cache], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    root = os.path.join(workdir, "debian")
    subprocess.run(["cp", "-a", base, root], check=True)
    dpkg_install(root, build_deb(binary, PACKAGE_VERSION))
    if upgrade:
        with open(os.path.join(root, "etc", "deferred-memd.conf"), "w") as f:
            f.write(UPGRADED_CONFIGURATION)
        dpkg_install(root, build_deb(binary, UPGRADE_VERSION))
    units = os.path.join(root, "etc", "systemd", "system")
    os.makedirs(os.path.join(units, "multi-user.target.wants"), exist_ok=True)
    os.symlink("/etc/systemd/system/dm-check.service", os.path.join(units, "multi-user.target.wants", "dm-check.service"))
    shutil.copy2(os.path.join(HERE, "guest", "systemd-check.service"), os.path.join(units, "dm-check.service"))
    # The boot benchmark's mark, enabled by /init for systemd-bootbench only.
    shutil.copy2(os.path.join(HERE, "guest", "systemd-all-online.service"), os.path.join(units, "dm-all-online.service"))
    # A getty on the serial console would hang up the checks' output there.
    for masked in ["serial-getty@ttyS0.service", "getty.target"]:
        os.symlink("/dev/null", os.path.join(units, masked))
    os.makedirs(os.path.join(root, "dm"), exist_ok=True)
    shutil.copy2(os.path.join(HERE, "guest", "systemd-check.sh"), os.path.join(root, "dm", "check.sh"))
    shutil.copy2(os.path.join(HERE, "guest", "systemd-all-online.sh"), os.path.join(root, "dm", "all-online.sh"))
    shutil.copy2(os.path.join(HERE, "guest", "lib.sh"), os.path.join(root, "dm", "lib.sh"))
    # Red Hat's memory-onlining rule, which the init installs for systemd-doctor only.
    shutil.copy2(os.path.join(REPO, "Tests", "DeferredMemdTests", "DoctorFixtures", "40-redhat.rules"), os.path.join(root, "dm", "40-redhat.rules"))
    boot_dir = os.path.dirname(kernel)
    for name in os.listdir(boot_dir):
        if name.startswith("config-"):
            os.makedirs(os.path.join(root, "boot"), exist_ok=True)
            shutil.copy2(os.path.join(boot_dir, name), os.path.join(root, "boot", name))
    # Newer packages (sid's linux-binary-*/linux-base-*, 2026) ship usr/lib/modules/RELEASE/{vmlinuz,config} and leave
    # /boot to a hook of linux-base's (00-legacy-boot); the root gets the config where the package puts it, only there.
    if os.path.basename(kernel) == "vmlinuz" and os.path.exists(os.path.join(boot_dir, "config")):
        modules = os.path.join(root, "usr", "lib", "modules", os.path.basename(boot_dir))
        os.makedirs(modules, exist_ok=True)
        shutil.copy2(os.path.join(boot_dir, "config"), os.path.join(modules, "config"))
    return harness.pack(root, os.path.join(workdir, "debian-upgrade.cpio.gz" if upgrade else "debian.cpio.gz"), remove=True)


def initramfs(binary, workdir, extra=None, name="initramfs", boot_only=False):
    """The x86 guests' initramfs (harness.initramfs): the daemon's binaries with the shared libraries they link, the
    guest scripts, the refuse scenarios' preload. boot_only: what a real one would hold for the boot benchmark, the
    service's binary (deferred-memd-boot) stripped as install.sh strips it, without the command-line tool (the
    kernel unpacks the image before /init, so its size is part of every boot's time), and the counted clock's tsc.
    extra: the systemd scenarios' Debian root, which /init unpacks."""
    built = os.path.join(workdir, name + "-built")
    os.makedirs(built, exist_ok=True)
    service = os.path.join(os.path.dirname(binary), "deferred-memd-boot")
    files = {"/lib.sh": os.path.join(HERE, "guest", "lib.sh")}
    if boot_only:
        binary = os.path.join(built, "deferred-memd-boot")
        subprocess.run(["strip", "--strip-unneeded", "-o", binary, service], check=True)
        files["/sbin/deferred-memd-boot"] = binary
        # The counted boot benchmark's clock: the TSC, read by /init and at the daemon's end.
        files["/sbin/tsc"] = os.path.join(built, "tsc")
        subprocess.run(["gcc", "-O2", "-Wall", "-static", "-nostdlib", "-fno-stack-protector", "-fno-pie", "-no-pie",
                        "-o", files["/sbin/tsc"], os.path.join(HERE, "guest", "tsc.c")], check=True)
    else:
        files.update({"/sbin/deferred-memd": binary, "/sbin/deferred-memd-boot": service})
    files.update({library: os.path.realpath(library) for library in shared_libraries(binary)})
    # The refuse scenarios' helper, preloaded into the daemon: built for the libc copied above.
    files["/lib/inject-online.so"] = os.path.join(built, "inject-online.so")
    subprocess.run(["gcc", "-O2", "-Wall", "-shared", "-fPIC", "-o", files["/lib/inject-online.so"],
                    os.path.join(HERE, "guest", "inject-online.c")], check=True)
    scenarios = os.path.join(HERE, "guest", "scenarios")
    files.update({f"/scenarios/{script}": os.path.join(scenarios, script) for script in os.listdir(scenarios)})
    if extra:
        files["/debian.cpio.gz"] = extra
    return harness.initramfs(workdir, name, shutil.which("busybox") or "/bin/busybox", files)


class QMP:
    """Just enough of the QEMU Machine Protocol to hot-plug a DIMM."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        self.file = self.sock.makefile("rw")
        self.file.readline()  # greeting
        self.execute("qmp_capabilities")

    def execute(self, command, **arguments):
        self.file.write(json.dumps({"execute": command, "arguments": arguments}) + "\n")
        self.file.flush()
        while True:
            reply = json.loads(self.file.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"QMP {command}: {reply['error']}")

    def plug_dimm(self, name, size):
        self.execute("object-add", **{"qom-type": "memory-backend-ram", "id": f"mem-{name}", "size": parse_size(size)})
        self.execute("device_add", driver="pc-dimm", id=name, memdev=f"mem-{name}")


def parse_size(text):
    return int(text[:-1]) << {"M": 20, "G": 30}[text[-1]]


# Counted time (issue #28): the guest's clocks advance 2^0 ns per executed instruction, none while QEMU translates
# code or the host is busy, so a figure is the guest's work and repeats from boot to boot. shift=0: one instruction
# is one ns, the finest step, and near a real core's rate, so timeouts and the kernel's own timers keep their
# proportions. sleep=off: an idle guest's clock does not run ahead by wall time. -rtc clock=vm: the RTC follows
# the same clock. icount excludes MTTCG, and with -smp 2 it hangs x86 secondary-CPU bring-up: one vCPU, so the
# per-zone workers take turns on it, as on a single-core device. What still varied between boots was randomness
# (the shell loop by 5 %) and the RTC's start: RDRAND/RDSEED (host entropy) are off, address-space randomisation with
# them, and the RTC starts at a fixed date, not the host's. Two boots then give the same figures to the microsecond.
COUNTED = harness.COUNTED_CLOCK + ["-smp", "1", "-cpu", "max,rdrand=off,rdseed=off"]
COUNTED_APPEND = "nokaslr norandmaps"


def qemu_command(kernel, machine, append, image, serial, counted=False):
    return ["qemu-system-x86_64", "-accel", "tcg", *(COUNTED if counted else ["-cpu", "max", "-smp", "2"]), *machine,
            "-kernel", kernel, "-initrd", image,
            "-append", f"console=ttyS0 loglevel=4 panic=-1 {COUNTED_APPEND + ' ' if counted else ''}{append}",
            "-display", "none", "-monitor", "none", "-serial", serial, "-no-reboot"]


def boot(name, kernel, machine, append, image, workdir, timeout, counted=False):
    """Boots one guest (in counted time: COUNTED); returns (serial log text, seconds, timed out)."""
    serial = os.path.join(workdir, f"{name}.log")
    qmp_path = os.path.join(workdir, f"{name}.qmp")
    command = qemu_command(kernel, machine, append, image, f"file:{serial}", counted) + ["-qmp", f"unix:{qmp_path},server=on,wait=off"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    qmp = None
    plugged = set()
    timed_out = False
    while process.poll() is None:
        if time.monotonic() - started > timeout:
            timed_out = True
            process.kill()
            break
        text = harness.read(serial)
        for plug, size in re.findall(r"^PLUG (\S+) (\S+)", text, re.M):
            if plug not in plugged:
                qmp = qmp or QMP(qmp_path)
                qmp.plug_dimm(plug, size)
                plugged.add(plug)
        time.sleep(0.1)
    process.wait()
    return harness.console_text(serial, process), time.monotonic() - started, timed_out


def timed_boot(kernel, machine, append, image, timeout, counted=False):
    """Boots one guest with its console on a pipe; returns (console text, seconds, timed out, marks): marks are the
    milliseconds from QEMU's start at which each `DM-…` line of the guest, the kernel's banner (`Linux version`, on an
    early console) and systemd's (`Welcome to …`, as `systemd`) arrived. The host's clock, because the guest's cannot
    see the struct page initialisation: in 6.1's start_kernel, setup_arch() (memmap_init) and mm_init() (memblock_free_all) run before
    timekeeping_init() starts /proc/uptime and sched_clock_init() lets printk times leave 0."""
    started = time.monotonic()
    process = subprocess.Popen(qemu_command(kernel, machine, append, image, "stdio", counted), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, marks = [], {}

    def reader():
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip("\r\n")
            # Anywhere in the line: systemd's status output shares the console with the guest's.
            found = re.search(r"(?<![\w.])DM-[A-Z][A-Z-]*", line)
            mark = found.group(0) if found else "kernel" if "] Linux version " in line else "systemd" if "Welcome to " in line else None
            if mark and mark not in marks:
                marks[mark] = int((time.monotonic() - started) * 1000)
            lines.append(line)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    timed_out = harness.wait_or_kill(process, timeout)
    seconds = time.monotonic() - started
    thread.join(5)
    return "\n".join(lines), seconds, timed_out, marks


def verdict(name, text, least, timed_out):
    """(ok, checks passed, failures, measurements)."""
    passed = re.findall(r"^CHECK PASS (.*)$", text, re.M)
    failed = re.findall(r"^CHECK FAIL (.*)$", text, re.M)
    measures = dict(re.findall(r"^MEASURE (\S+) (\S+)$", text, re.M))
    problems = list(failed)
    if timed_out:
        problems.append("the guest did not power off in time (hung?)")
    if not re.search(r"^SUMMARY ", text, re.M):
        problems.append("no SUMMARY line: the scenario did not finish")
    if len(passed) < least:
        problems.append(f"only {len(passed)} checks passed, expected at least {least}")
    return not problems, passed, problems, measures


def boot_benchmark(available, binary, workdir, sizes, systemd_sizes, variants, rounds, systemd_image, failures, counted=False):
    """Issue #16: each RAM size booted in each variant, one guest at a time, rounds interleaved; returns one record
    per boot and appends the name of any boot that failed to failures. counted (issue #28): under -icount, 1 vCPU,
    the busybox variants timed by the guest's TSC (tsc.c) from QEMU's start, in executed instructions. "All memory online" is the guest's check:
    every whole block of System RAM in the firmware map online (the daemon leaves a block that is only partly RAM,
    as at the top of the pc machine's low RAM, 0xb8000000-0xbffdffff, offline; a full boot has it). The systemd
    variants boot at systemd_sizes only, from systemd_image (None when none is selected)."""
    image = initramfs(binary, workdir, name="bootbench", boot_only=True)
    log(f"boot benchmark: initramfs {os.path.getsize(image) >> 10} KiB (busybox, stripped deferred-memd-boot)")
    if systemd_image:
        log(f"boot benchmark: systemd initramfs {os.path.getsize(systemd_image) >> 10} KiB (the same and the Debian root, package installed)")
    started = time.monotonic()
    records = []
    for round in range(rounds):
        for gib in sorted(set(sizes) | set(systemd_sizes)):
            for variant in variants:
                if variant in BOOT_VARIANTS and gib in sizes:
                    record, ok, problems, text = busybox_boot(available, image, variant, gib, counted)
                elif variant in SYSTEMD_BOOT_VARIANTS and gib in systemd_sizes:
                    record, ok, problems, text = systemd_boot(available, systemd_image, variant, gib)
                else:
                    continue
                name = f"bootbench{'-counted' if counted else ''}-{variant}-{gib}g"
                records.append({"variant": variant, "gib": gib, "round": round + 1, **({"clock": "counted"} if counted else {}), **record})
                log(f"qemu: {name:36s} round {round + 1} {'ok' if ok else 'FAIL'}  " + " ".join(f"{k}={v}" for k, v in record.items()))
                if not ok:
                    failures.append(name)
                    log(f"--- {name}: " + "; ".join(problems) + f"\n{text[-8000:]}")
    log(f"\nboot benchmark: {len(records)} boots in {time.monotonic() - started:.0f} s")
    bootbench.print_report(records, log, counted=counted)
    return records


def busybox_boot(available, image, variant, gib, counted=False):
    """One boot of the busybox guest: (record, ok, problems, console text); counted: under -icount, timed by the
    guest's TSC."""
    kernel, append = BOOT_VARIANTS[variant]
    # reserve=off (MAP_NORESERVE): a guest larger than the host's RAM still starts (the kernel's overcommit
    # heuristic refused 32 GiB on a 23 GiB host); it touches little more than its memmap.
    memory = ["-M", "pc,memory-backend=ram", "-m", f"{gib}G", "-object", f"memory-backend-ram,id=ram,size={gib}G,reserve=off"]
    text, seconds, timed_out, marks = timed_boot(available[kernel], memory,
                                                 f"{append} dm.scenario=bootbench dm.variant={variant}", image,
                                                 (300 if counted else 120) + 30 * gib, counted)
    ok, passed, problems, measures = verdict(variant, text, 3, timed_out)
    if counted:
        # The guest's TSC: ns of executed instructions from QEMU's start (firmware and decompression included, the
        # same in every boot), as ms with µs kept.
        if "init_tsc_us" in measures and "all_online_tsc_us" in measures:
            measures["init_ms"] = int(measures["init_tsc_us"]) / 1000
            measures["all_online_ms"] = int(measures["all_online_tsc_us"]) / 1000
        else:
            problems.append("no TSC figures (init_tsc_us, all_online_tsc_us) from the guest")
            ok = False
        return {"qemu_wall_ms": int(seconds * 1000), **measures}, ok, problems, text
    # Host times from the kernel's banner (its first line; QEMU's start to it, firmware and decompression, kept
    # apart as kernel_start_ms): /init began (DM-INIT), all memory online (the daemon's end, or /init where the
    # kernel initialised all of it before).
    end = "DM-ALL-ONLINE" if variant == "deferred-memd" else "DM-INIT"
    if all(mark in marks for mark in ("kernel", "DM-INIT", end)):
        measures["kernel_start_ms"] = marks["kernel"]
        measures["init_ms"], measures["all_online_ms"] = marks["DM-INIT"] - marks["kernel"], marks[end] - marks["kernel"]
    else:
        problems.append(f"a console line is missing: the kernel's banner, DM-INIT or {end}")
        ok = False
    return {"qemu_wall_ms": int(seconds * 1000), **measures}, ok, problems, text


def systemd_boot(available, image, variant, gib):
    """One boot of the systemd guest: (record, ok, problems, console text). Host times from the kernel's banner to
    /init (DM-INIT: the busybox /init, which then unpacks the Debian root), to systemd's first line as PID 1
    (`Welcome to Debian…`, printed before it loads any unit) and to DM-ALL-ONLINE, which the unit ordered after
    deferred-memd.service prints: in both variants, when a unit that needs all memory could start."""
    machine, dimm_blocks = systemd_boot_machine(variant, gib)
    text, seconds, timed_out, marks = timed_boot(available["stock"], machine,
                                                 f"{SYSTEMD_BOOT_APPEND} dm.scenario=systemd-bootbench dm.variant={variant} "
                                                 f"dm.dimm_blocks={dimm_blocks}", image, 300 + 30 * gib)
    ok, passed, problems, measures = verdict(variant, text, SYSTEMD_BOOT_CHECKS[variant], timed_out)
    if all(mark in marks for mark in ("kernel", "DM-INIT", "systemd", "DM-ALL-ONLINE")):
        measures["kernel_start_ms"] = marks["kernel"]
        measures["init_ms"], measures["systemd_ms"] = marks["DM-INIT"] - marks["kernel"], marks["systemd"] - marks["kernel"]
        measures["all_online_ms"] = marks["DM-ALL-ONLINE"] - marks["kernel"]
    else:
        problems.append("a console line is missing: the kernel's banner, DM-INIT, systemd's welcome or DM-ALL-ONLINE")
        ok = False
    return {"qemu_wall_ms": int(seconds * 1000), **measures}, ok, problems, text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--no-bench", action="store_true")
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/deferred-memd"))
    parser.add_argument("--figures", default=os.path.join(REPO, ".build", "qemu-figures.json"))
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--stock-kernel", metavar="VMLINUZ",
                        help="the stock-kernel scenarios boot this image instead of Debian's 6.1 that fetch-stock-kernel.sh fetches "
                             "(a dpkg -x'd linux-image's boot/vmlinuz-RELEASE, or usr/lib/modules/RELEASE/vmlinuz where newer packages "
                             "put it; its config beside it goes into the systemd root where that package installs it)")
    parser.add_argument("--bench-rounds", type=int, default=3)
    parser.add_argument("--bench-modes", nargs="*", default=BENCH_MODES, choices=BENCH_MODES)
    parser.add_argument("--bench-clocks", nargs="*", default=list(BENCH_PREFIX), choices=list(BENCH_PREFIX),
                        help="wall: TCG, 2 vCPUs, the guest's clock follows the host's (for the record); counted: -icount, 1 vCPU")
    parser.add_argument("--counted-rounds", type=int, default=3, help="boots per mode in counted time (their spread is printed)")
    parser.add_argument("--boot-sizes", default="4,8", help="GiB of RAM per boot benchmark size (CI: two sizes)")
    parser.add_argument("--boot-systemd-sizes", help="GiB per systemd-guest boot benchmark size (default: --boot-sizes)")
    parser.add_argument("--boot-rounds", type=int, default=1)
    parser.add_argument("--boot-counted-sizes", default="4,8",
                        help="GiB per size of the boot benchmark in counted time (-icount, 1 vCPU; busybox variants; '' for none)")
    parser.add_argument("--boot-counted-rounds", type=int, default=1, help="its boots per size and variant (a second shows the spread)")
    parser.add_argument("--boot-variants", nargs="*", default=[*BOOT_VARIANTS, *SYSTEMD_BOOT_VARIANTS],
                        choices=[*BOOT_VARIANTS, *SYSTEMD_BOOT_VARIANTS])
    parser.add_argument("--list-kernels", action="store_true",
                        help="print build-kernel.sh's arguments for each kernel the selected scenarios boot, one line each, and exit")
    args = parser.parse_args()
    bootbench_selected = not args.no_bench and (not args.only or "bootbench" in args.only)
    boot_systemd = bootbench_selected and any(variant in SYSTEMD_BOOT_VARIANTS for variant in args.boot_variants)

    variants = ["deferred-init"] if bootbench_selected and "kernel-deferred" in args.boot_variants else []
    if args.list_kernels:
        for variant in [None, *variants]:
            print(" ".join(["--arch", "x86_64", *(["--variant", variant] if variant else [])]))
        return
    if not args.no_install:
        ensure_packages()
    # The variants only the boot benchmark boots are asked for when it starts (test.sh's background builder makes them last).
    available = kernels(args.cache, args.stock_kernel)
    workdir = tempfile.mkdtemp(prefix="deferred-memd-qemu.")
    image = initramfs(os.path.abspath(args.binary), workdir)
    selected = [name for name in SCENARIOS if not args.only or name in args.only or name in {REFERENCE.get(only) for only in args.only}]
    systemd_images = {}
    for name in selected:
        if name.startswith("systemd"):
            upgrade = name == "systemd-upgrade"
            if upgrade not in systemd_images:
                systemd_images[upgrade] = initramfs(os.path.abspath(args.binary), workdir,
                                                    extra=debian_root(args.cache, os.path.abspath(args.binary), workdir, available["stock"], upgrade),
                                                    name="systemd-upgrade" if upgrade else "systemd")
    # The systemd boot benchmark's: as the service would have it, only the stripped deferred-memd-boot beside busybox.
    systemd_boot_image = initramfs(os.path.abspath(args.binary), workdir, name="systemd-bootbench", boot_only=True,
                                   extra=debian_root(args.cache, os.path.abspath(args.binary), workdir, available["stock"])) if boot_systemd else None
    log(f"qemu: kernels {available['probe']} and {available['stock']}; initramfs {os.path.getsize(image) >> 10} KiB")

    failures = []
    figures = {}
    for name in selected:
        kernel, machine, append, least, timeout = SCENARIOS[name]
        if name in REFERENCE:
            values = {key.removeprefix("full_before_"): value for key, value in figures.get(REFERENCE[name], {}).items() if key.startswith("full_before_")}
            append += " dm.full=" + ",".join(f"{key}:{value}" for key, value in values.items() if value)
        text, seconds, timed_out = boot(name, available[kernel], machine,
                                        f"{append} dm.scenario={SCENARIO_FOR_FILE.get(name, name)}",
                                        systemd_images[name == "systemd-upgrade"] if name.startswith("systemd") else image, workdir, timeout)
        ok, passed, problems, measures = verdict(name, text, least, timed_out)
        log(f"qemu: {name:10s} {'PASS' if ok else 'FAIL'}  {len(passed)} checks, {seconds:.1f} s ({kernel} kernel)")
        if measures:
            figures[name] = measures
        if not ok:
            failures.append(name)
            log(f"--- {name}: " + "; ".join(problems))
            log(f"--- {name}: guest log ---\n{text[-12000:]}\n--- end of {name} ---")

    if not args.no_bench and (not args.only or "bench" in args.only):
        # Modes interleaved over rounds, so that drift in the host's speed spreads over all of them (wall time); in
        # counted time the rounds show that nothing drifts.
        for clock in args.bench_clocks:
            for round in range(args.bench_rounds if clock == "wall" else args.counted_rounds):
                for mode in args.bench_modes:
                    name = f"{BENCH_PREFIX[clock]}-{mode}"
                    text, seconds, timed_out = boot(name, available["probe"], PC_4G_MEM1G,
                                                    f"{DEFERRED} dm.scenario=bench dm.mode={mode}", image, workdir,
                                                    # icount runs without MTTCG, on one host thread: slower on a busy host
                                                    900 if clock == "counted" else 300, counted=clock == "counted")
                    ok, passed, problems, measures = verdict(name, text, 1, timed_out)
                    figures.setdefault(name, []).append({**measures, "host_seconds": round_seconds(seconds)})
                    log(f"qemu: {name:22s} round {round + 1} {'ok' if ok else 'FAIL'}  {seconds:.0f} s  " + " ".join(f"{k}={v}" for k, v in measures.items()))
                    if not ok:
                        failures.append(name)
                        log(f"--- {name}: " + "; ".join(problems) + f"\n{text[-8000:]}")
            print_bench(figures, clock)

    if bootbench_selected:
        available.update({f"probe-{variant}": probe_kernel(args.cache, variant) for variant in variants})
        sizes = [int(size) for size in args.boot_sizes.split(",") if size]
        systemd_sizes = [int(size) for size in args.boot_systemd_sizes.split(",")] if args.boot_systemd_sizes else sizes
        figures["bootbench"] = boot_benchmark(available, os.path.abspath(args.binary), workdir, sizes, systemd_sizes if boot_systemd else [],
                                              args.boot_variants, args.boot_rounds, systemd_boot_image, failures)
        counted_sizes = [int(size) for size in args.boot_counted_sizes.split(",") if size]
        if counted_sizes:
            figures["bootbench-counted"] = boot_benchmark(
                available, os.path.abspath(args.binary), workdir, counted_sizes, [], [v for v in args.boot_variants if v in BOOT_VARIANTS],
                args.boot_counted_rounds, None, failures, counted=True)

    os.makedirs(os.path.dirname(args.figures), exist_ok=True)
    with open(args.figures, "w") as f:
        json.dump(figures, f, indent=2)
    shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        log(f"qemu: FAILED: {', '.join(failures)}")
        sys.exit(1)
    log(f"qemu: all {len(selected)} scenarios passed")


def round_seconds(seconds):
    return int(seconds * 10) / 10


def spread(rounds, key):
    """The median of a figure over the boots, and how far apart the boots were ((max - min) / median, %)."""
    values = sorted(int(m[key]) for m in rounds if key in m)
    if not values:
        return None, None
    middle = values[len(values) // 2]
    return middle, (100 * (values[-1] - values[0]) / middle if middle else 0.0)


BENCH_KEYS = [("blocks", "blocks", 1), ("wall_us", "wall ms", 1000), ("engine_us", "engine ms", 1000),
              ("kernel_write_us_sum", "Σ kernel writes ms", 1000), ("kernel_writes", "kernel writes", 1),
              ("startup_to_first_write_us", "exec→1st write ms", 1000), ("startup_to_main_us", "exec→main ms", 1000),
              ("startup_to_read_us", "exec→read ms", 1000), ("startup_to_planned_us", "exec→planned ms", 1000),
              ("verify_us", "verify ms", 1000), ("exec_help_x10_us", "10× --help ms", 1000), ("plan_x10_us", "10× plan ms", 1000),
              ("busybox_true_x10_us", "10× true ms", 1000), ("peak_rss_kib", "peak RSS KiB", 1)]


def print_bench(figures, clock):
    """The bench's table for one clock: the median of each figure over the boots of a mode, and in counted time
    its spread over them (`±` the whole range, %)."""
    rounds = len(figures.get(f"{BENCH_PREFIX[clock]}-serial", []))
    if clock == "counted":
        log(f"\nreal kernel, COUNTED time (6.1 probe kernel, -icount shift=0,sleep=off, 1 vCPU, -m 4G mem=1G): median of {rounds} boots a mode, ± range %")
    else:
        log(f"\nreal kernel, TCG WALL time, for the record (6.1 probe kernel, 2 vCPUs, -m 4G mem=1G): medians of {rounds} boots a mode")
    log("  " + f"{'mode':16s}" + "".join(f"{title:>20s}" for _, title, _ in BENCH_KEYS))
    for mode in BENCH_MODES:
        runs = figures.get(f"{BENCH_PREFIX[clock]}-{mode}", [])
        cells = []
        for key, _, unit in BENCH_KEYS:
            middle, apart = spread(runs, key)
            text = "-" if middle is None else (f"{middle / unit:.1f}" if unit > 1 else str(middle))
            if middle is not None and clock == "counted" and len(runs) > 1:
                text += f" ±{apart:.2f}%"
            cells.append(f"{text:>20s}")
        log("  " + f"{mode:16s}" + "".join(cells))


if __name__ == "__main__":
    main()
