#!/bin/bash
# Runs COMMAND with arm64 known to dpkg and apt (for `apt-get download PACKAGE:arm64`), then removes the arm64
# architecture again unless it was there before, so the host's package set is left as it was.
# usage: with-arm64-apt.sh COMMAND [ARG...]
set -euo pipefail
fail() { echo "with-arm64-apt: $*" >&2; exit 1; }
added=no
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 || fail "dpkg --add-architecture arm64 failed (root needed)"
    added=yes
fi
cleanup() {
    if [ $added = yes ]; then
        dpkg --remove-architecture arm64 || echo "with-arm64-apt: could not remove the arm64 architecture" >&2
        apt-get update -qq >&2 || true
    fi
}
trap cleanup EXIT
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || fail "apt-get update failed"
"$@"
