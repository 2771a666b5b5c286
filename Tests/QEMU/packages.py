#!/usr/bin/env python3
"""Prints, on one line, the Debian packages the QEMU stages install (run.py's and arm64.py's), so that
scripts/test.sh installs them once, up front, before its background builds start."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arm64  # noqa: E402
import run  # noqa: E402

print(" ".join(dict.fromkeys(run.PACKAGES + arm64.PACKAGES)))
