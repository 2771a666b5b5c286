#!/usr/bin/env bash
# Installs what building and testing deferred-memd needs on a fresh Debian machine, only what is missing.
# libsystemd-dev/libudev-dev must match the installed libsystemd0/libudev1, so they are pinned to those versions.
set -euo pipefail

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

for pkg in util-linux python3 pkg-config systemd time binutils "$@"; do
    have "$pkg" || need+=("$pkg")
done
for pair in libsystemd-dev:libsystemd0 libudev-dev:libudev1; do
    dev=${pair%%:*} runtime=${pair##*:}
    if ! have "$dev"; then
        version=$(dpkg-query -W -f='${Version}' "$runtime" 2>/dev/null || true)
        if [ -n "$version" ]; then need+=("$dev=$version"); else need+=("$dev"); fi
    fi
done

if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
    # A half-configured package from an earlier install blocks every later one: repair first.
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq -f >/dev/null || true
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: swift (6.3) is not on PATH; install the Swift toolchain first" >&2
    exit 1
fi
