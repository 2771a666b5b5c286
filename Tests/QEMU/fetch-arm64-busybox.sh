#!/bin/bash
# Fetches Debian's static arm64 busybox (busybox-static:arm64) into CACHE_DIR; prints its path as the last line.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
out=${1:?usage: fetch-arm64-busybox.sh CACHE_DIR}
mkdir -p "$out"
binary="$out/busybox-arm64/bin/busybox"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
fail() { echo "fetch-arm64-busybox: $*" >&2; exit 1; }
rm -rf "$out/busybox-arm64" "$out"/busybox-static_*_arm64.deb
(cd "$out" && "$here/with-arm64-apt.sh" apt-get download busybox-static:arm64 >&2) \
    || fail "apt-get download busybox-static:arm64 failed"
dpkg-deb -x "$out"/busybox-static_*_arm64.deb "$out/busybox-arm64" || fail "dpkg-deb -x failed"
rm -f "$out"/busybox-static_*_arm64.deb
[ -x "$binary" ] || fail "no bin/busybox in busybox-static:arm64"
file "$binary" 2>/dev/null | grep -q aarch64 || [ "$(od -An -tx1 -j18 -N2 "$binary" | tr -d ' ')" = b700 ] \
    || fail "$binary is not an aarch64 executable"
echo "$binary"
