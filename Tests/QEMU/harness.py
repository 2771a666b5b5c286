"""What the x86 (run.py) and arm64 (arm64.py, run-arm64.py) real-kernel runners share: the packages, the
initramfs (one builder, one /init), the counted clock, what a guest printed and how a boot ends."""

import os
import shutil
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Counted time (issue #28): guest time advances one ns per executed instruction, translation costs none, and the
# RTC follows that clock from a fixed date; each runner adds its CPU and vCPU count.
COUNTED_CLOCK = ["-icount", "shift=0,sleep=off", "-rtc", "clock=vm,base=2026-01-01T00:00:00"]


def log(message):
    print(message, flush=True)


def ensure_packages(packages):
    """Installs what is missing (scripts/setup-debian.sh: apt-get, once)."""
    subprocess.run([os.path.join(REPO, "scripts", "setup-debian.sh")] + packages, check=True)


def initramfs(workdir, name, busybox, files):
    """Every guest's initramfs, x86 and arm64: busybox, the one /init (guest/init, which runs
    /scenarios/NAME.sh for dm.scenario=NAME) and `files` ({path in the guest: host path}), as a gzip'd cpio in
    `workdir`."""
    root = os.path.join(workdir, name + "-root")
    shutil.rmtree(root, ignore_errors=True)
    for sub in ["bin", "sbin", "proc", "sys", "dev", "run", "tmp", "etc", "scenarios"]:
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    for target, source in {"/bin/busybox": busybox, "/init": os.path.join(REPO, "Tests", "QEMU", "guest", "init"), **files}.items():
        path = os.path.join(root, target.lstrip("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copy2(source, path)
    os.chmod(os.path.join(root, "init"), 0o755)
    return pack(root, os.path.join(workdir, name + ".cpio.gz"), remove=True)


def pack(root, image, remove=False):
    """`root` as a gzip'd newc cpio at `image`, entries sorted (the same tree packs the same); `remove`: then
    deletes the tree."""
    names = subprocess.run("find . | sort", shell=True, cwd=root, check=True, stdout=subprocess.PIPE).stdout
    cpio = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=names, check=True, stdout=subprocess.PIPE).stdout
    with open(image, "wb") as f:
        f.write(subprocess.run(["gzip", "-1"], input=cpio, check=True, stdout=subprocess.PIPE).stdout)
    if remove:
        shutil.rmtree(root, ignore_errors=True)
    return image


def read(path):
    """The serial log so far ("" before QEMU has created it)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_or_kill(process, timeout):
    """Waits for the guest to power off; kills it after `timeout` seconds. True when it had to be killed."""
    try:
        process.wait(timeout)
        return False
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return True


def console_text(serial, process):
    """The serial log, then whatever QEMU itself said on its stdout (errors such as a bad machine option)."""
    output = process.stdout.read().decode(errors="replace") if process.stdout else ""
    return read(serial) + ("\n[qemu] " + output if output.strip() else "")
