#!/bin/bash
# Fetches Debian's static arm64 busybox (busybox-static:arm64) into CACHE_DIR; prints its path as the last line.
# Adds the arm64 architecture to dpkg only for the download, and removes it again unless it was there before.
set -euo pipefail
out=${1:?usage: fetch-arm64-busybox.sh CACHE_DIR}
mkdir -p "$out"
binary="$out/busybox-arm64/bin/busybox"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
fail() { echo "fetch-arm64-busybox: $*" >&2; exit 1; }
added=no
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 || fail "dpkg --add-architecture arm64 failed (root needed)"
    added=yes
fi
cleanup() {
    if [ $added = yes ]; then
        dpkg --remove-architecture arm64 || echo "fetch-arm64-busybox: could not remove the arm64 architecture" >&2
        apt-get update -qq >&2 || true
    fi
}
trap cleanup EXIT
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || fail "apt-get update failed"
rm -rf "$out/busybox-arm64" "$out"/busybox-static_*_arm64.deb
(cd "$out" && apt-get download busybox-static:arm64 >&2) || fail "apt-get download busybox-static:arm64 failed"
dpkg-deb -x "$out"/busybox-static_*_arm64.deb "$out/busybox-arm64" || fail "dpkg-deb -x failed"
rm -f "$out"/busybox-static_*_arm64.deb
[ -x "$binary" ] || fail "no bin/busybox in busybox-static:arm64"
file "$binary" 2>/dev/null | grep -q aarch64 || [ "$(od -An -tx1 -j18 -N2 "$binary" | tr -d ' ')" = b700 ] \
    || fail "$binary is not an aarch64 executable"
echo "$binary"
