"""What a QEMU guest printed, and how a boot ends: shared by the x86 (run.py) and arm64 (arm64.py) harnesses."""

import subprocess


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
