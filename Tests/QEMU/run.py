#!/usr/bin/env python3
"""Boots real Linux kernels under QEMU (TCG) and runs the deferred-memd scenarios inside them.

Each scenario is one boot: a busybox initramfs holding the static-stdlib release binaries (deferred-memd and,
beside it, deferred-memd-boot, with the shared libraries
they link), the guest scripts, and `dm.scenario=NAME` on the kernel command line. The guest prints
`CHECK PASS|FAIL`, `MEASURE` and `SUMMARY` lines on the serial console; this script reads them back, fails with
the guest's log when a check fails, a guest hangs or a summary is missing, and prints the measurements.

usage: run.py --binary .build/release/deferred-memd [--only NAME ...] [--no-bench] [--cache DIR] [--figures FILE]
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

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
DEFERRED = "mem=1G memhp_default_state=offline deferred_mem.kernelcore=50%"

# name: (kernel, qemu machine arguments, kernel command line, least number of checks, timeout in seconds)
SCENARIOS = {
    "probe": ("probe", PC_4G_MEM1G, DEFERRED, 14, 240),
    "probe-q35": ("probe", ["-M", "q35", "-m", "4G"], DEFERRED, 14, 240),
    "dimms": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline", 7, 300),
    "crash": ("probe", PC_4G_MEM1G, DEFERRED, 9, 240),
    "race": ("stock", STOCK_DIMMS, "memhp_default_state=offline", 6, 300),
    "hotplug": ("stock", ["-M", "pc", "-m", "2G,slots=4,maxmem=16G"], "memhp_default_state=offline", 10, 400),
    "badinput": ("probe", PC_4G_MEM1G, "mem=1G memhp_default_state=offline", 5, 240),
    "noprobe": ("stock", PC_4G_MEM1G, "mem=1G memhp_default_state=offline", 5, 300),
    "systemd": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline", 15, 900),
    "systemd-fallback": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline", 8, 900),
    "systemd-upgrade": ("stock", STOCK_DIMMS_NUMA, "memhp_default_state=offline dm.version=0.1.0+upgrade1", 9, 900),
}
# The systemd scenarios install the .deb (scripts/build-deb.sh) with dpkg; systemd-upgrade then changes the
# conffile and installs this newer version over it.
PACKAGE_VERSION = "0.1.0"
UPGRADE_VERSION = "0.1.0+upgrade1"
UPGRADED_CONFIGURATION = "# changed by the administrator before the upgrade\n[Plan]\nMovableCore=25%\n"
SCENARIO_FOR_FILE = {"probe-q35": "probe"}
BENCH_MODES = ["serial", "per-zone", "per-zone-nogate", "shell"]
# DIMMs the host plugs when the guest asks (`PLUG name size` on the console).
PLUGS = {"dimm1": "1G", "dimm2": "2G", "dimm3": "6G"}


def log(message):
    print(message, flush=True)


def ensure_packages():
    subprocess.run([os.path.join(REPO, "scripts", "setup-debian.sh")] + PACKAGES, check=True)


def kernels(cache):
    probe = subprocess.run([os.path.join(HERE, "build-probe-kernel.sh"), cache], check=True,
                           stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    stock = subprocess.run([os.path.join(HERE, "fetch-stock-kernel.sh"), cache], check=True,
                           stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    return {"probe": probe, "stock": stock}


def shared_libraries(binary):
    """The binary's shared libraries and the loader, as ldd names them."""
    out = subprocess.run(["ldd", binary], check=True, stdout=subprocess.PIPE, text=True).stdout
    paths = set()
    for line in out.splitlines():
        match = re.search(r"(/\S+)", line.split("=>")[-1])
        if match:
            paths.add(match.group(1))
    return sorted(paths)


def build_deb(binary, version):
    """The package of the release build beside `binary` (lintian is scripts/test.sh's, not every boot's)."""
    out = subprocess.run([os.path.join(REPO, "scripts", "build-deb.sh"), "--build-dir", os.path.dirname(binary), "--version", version,
                          "--no-lintian"], check=True, stdout=subprocess.PIPE, text=True).stdout
    return out.strip().splitlines()[-1]


def dpkg_install(root, deb):
    """`dpkg -i` into the root, as an administrator would (its maintainer scripts run chrooted there); no TTY,
    no --force-conf*: a conffile question would fail the install."""
    subprocess.run(["dpkg", "--root", root, "-i", deb], check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def debian_root(cache, binary, workdir, upgrade=False):
    """The Debian root of the systemd scenarios with the deferred-memd package installed by dpkg (its postinst
    enables the service), as a gzip'd cpio. `upgrade`: then the conffile changed and a newer package over it."""
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
    # A getty on the serial console would hang up the checks' output there.
    for masked in ["serial-getty@ttyS0.service", "getty.target"]:
        os.symlink("/dev/null", os.path.join(units, masked))
    os.makedirs(os.path.join(root, "dm"), exist_ok=True)
    shutil.copy2(os.path.join(HERE, "guest", "systemd-check.sh"), os.path.join(root, "dm", "check.sh"))
    shutil.copy2(os.path.join(HERE, "guest", "lib.sh"), os.path.join(root, "dm", "lib.sh"))
    archive = os.path.join(workdir, "debian-upgrade.cpio.gz" if upgrade else "debian.cpio.gz")
    files = subprocess.run("find . | sort", shell=True, cwd=root, check=True, stdout=subprocess.PIPE).stdout
    cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files, check=True, stdout=subprocess.PIPE).stdout
    with open(archive, "wb") as f:
        f.write(subprocess.run(["gzip", "-1"], input=cpio, check=True, stdout=subprocess.PIPE).stdout)
    shutil.rmtree(root, ignore_errors=True)
    return archive


def initramfs(binary, workdir, extra=None, name="initramfs"):
    root = os.path.join(workdir, name + "-root")
    for sub in ["bin", "sbin", "proc", "sys", "dev", "run", "tmp", "etc", "scenarios"]:
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    shutil.copy2(shutil.which("busybox") or "/bin/busybox", os.path.join(root, "bin", "busybox"))
    shutil.copy2(binary, os.path.join(root, "sbin", "deferred-memd"))
    shutil.copy2(os.path.join(os.path.dirname(binary), "deferred-memd-boot"), os.path.join(root, "sbin", "deferred-memd-boot"))
    for library in shared_libraries(binary):
        target = os.path.join(root, library.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.realpath(library), target)
    shutil.copy2(os.path.join(HERE, "guest", "init"), os.path.join(root, "init"))
    os.chmod(os.path.join(root, "init"), 0o755)
    shutil.copy2(os.path.join(HERE, "guest", "lib.sh"), os.path.join(root, "lib.sh"))
    for name in os.listdir(os.path.join(HERE, "guest", "scenarios")):
        shutil.copy2(os.path.join(HERE, "guest", "scenarios", name), os.path.join(root, "scenarios", name))
    if extra:
        shutil.copy2(extra, os.path.join(root, "debian.cpio.gz"))
    image = os.path.join(workdir, name + ".cpio.gz")
    files = subprocess.run("find . | sort", shell=True, cwd=root, check=True, stdout=subprocess.PIPE).stdout
    cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=files, check=True, stdout=subprocess.PIPE).stdout
    with open(image, "wb") as f:
        f.write(subprocess.run(["gzip", "-1"], input=cpio, check=True, stdout=subprocess.PIPE).stdout)
    return image


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


def boot(name, kernel, machine, append, image, workdir, timeout):
    """Boots one guest; returns (serial log text, seconds, timed out)."""
    serial = os.path.join(workdir, f"{name}.log")
    qmp_path = os.path.join(workdir, f"{name}.qmp")
    command = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-smp", "2", *machine,
               "-kernel", kernel, "-initrd", image,
               "-append", f"console=ttyS0 loglevel=4 panic=-1 {append}",
               "-display", "none", "-monitor", "none", "-serial", f"file:{serial}", "-no-reboot",
               "-qmp", f"unix:{qmp_path},server=on,wait=off"]
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
        text = read(serial)
        for plug, size in re.findall(r"^PLUG (\S+) (\S+)", text, re.M):
            if plug not in plugged:
                qmp = qmp or QMP(qmp_path)
                qmp.plug_dimm(plug, size)
                plugged.add(plug)
        time.sleep(0.1)
    process.wait()
    output = process.stdout.read().decode(errors="replace") if process.stdout else ""
    text = read(serial) + ("\n[qemu] " + output if output.strip() else "")
    return text, time.monotonic() - started, timed_out


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--no-bench", action="store_true")
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/deferred-memd"))
    parser.add_argument("--figures", default=os.path.join(REPO, ".build", "qemu-figures.json"))
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--bench-rounds", type=int, default=3)
    args = parser.parse_args()

    if not args.no_install:
        ensure_packages()
    available = kernels(args.cache)
    workdir = tempfile.mkdtemp(prefix="deferred-memd-qemu.")
    image = initramfs(os.path.abspath(args.binary), workdir)
    selected = [name for name in SCENARIOS if not args.only or name in args.only]
    systemd_images = {}
    for name in selected:
        if name.startswith("systemd"):
            upgrade = name == "systemd-upgrade"
            if upgrade not in systemd_images:
                systemd_images[upgrade] = initramfs(os.path.abspath(args.binary), workdir,
                                                    extra=debian_root(args.cache, os.path.abspath(args.binary), workdir, upgrade),
                                                    name="systemd-upgrade" if upgrade else "systemd")
    log(f"qemu: kernels {available['probe']} and {available['stock']}; initramfs {os.path.getsize(image) >> 10} KiB")

    failures = []
    figures = {}
    for name in selected:
        kernel, machine, append, least, timeout = SCENARIOS[name]
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
        # Modes interleaved over rounds, so that drift in the host's speed spreads over all of them.
        for round in range(args.bench_rounds):
            for mode in BENCH_MODES:
                name = f"bench-{mode}"
                text, seconds, timed_out = boot(name, available["probe"], PC_4G_MEM1G,
                                                f"{DEFERRED} dm.scenario=bench dm.mode={mode}", image, workdir, 300)
                ok, passed, problems, measures = verdict(name, text, 1, timed_out)
                figures.setdefault(name, []).append(measures)
                log(f"qemu: {name:20s} round {round + 1} {'ok' if ok else 'FAIL'}  " + " ".join(f"{k}={v}" for k, v in measures.items()))
                if not ok:
                    failures.append(name)
                    log(f"--- {name}: " + "; ".join(problems) + f"\n{text[-8000:]}")
        print_bench(figures)

    os.makedirs(os.path.dirname(args.figures), exist_ok=True)
    with open(args.figures, "w") as f:
        json.dump(figures, f, indent=2)
    shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        log(f"qemu: FAILED: {', '.join(failures)}")
        sys.exit(1)
    log(f"qemu: all {len(selected)} scenarios passed")


def median(rounds, key):
    values = sorted(int(m[key]) for m in rounds if key in m)
    return str(values[len(values) // 2]) if values else "-"


def print_bench(figures):
    keys = [("blocks", "blocks"), ("wall_ms", "wall ms"), ("engine_ms", "engine ms"), ("kernel_write_ms_sum", "Σ kernel writes ms"),
            ("startup_to_first_write_ms", "exec→1st write ms"), ("startup_to_main_ms", "exec→main ms"), ("verify_ms", "verify ms"), ("exec_help_ms_x10", "10× --help ms"),
            ("plan_ms_x10", "10× plan ms"), ("busybox_true_ms_x10", "10× true ms"), ("peak_rss_kib", "peak RSS KiB")]
    rounds = len(figures.get("bench-serial", []))
    log(f"\nreal kernel (6.1 probe kernel, TCG, 2 vCPUs, -m 4G mem=1G): medians of {rounds} boots per mode, 10 ms clock")
    log("  " + f"{'mode':16s}" + "".join(f"{title:>19s}" for _, title in keys))
    for mode in BENCH_MODES:
        runs = figures.get(f"bench-{mode}", [])
        log("  " + f"{mode:16s}" + "".join(f"{median(runs, key):>19s}" for key, _ in keys))


if __name__ == "__main__":
    main()
