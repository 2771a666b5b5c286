#!/usr/bin/env bash
# Installs what building and testing deferred-memd needs on a fresh Debian machine, only what is missing.
# libsystemd-dev/libudev-dev must match the installed libsystemd0/libudev1, so they are pinned to those versions.
set -euo pipefail

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# prometheus (promtool) and prometheus-node-exporter: scripts/check-metrics.sh checks our metrics files with them.
# lintian and dpkg-dev (dpkg-shlibdeps): scripts/build-deb.sh.
for pkg in util-linux python3 pkg-config systemd time binutils prometheus prometheus-node-exporter lintian dpkg-dev "$@"; do
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
    # Installed for their tools only: no prometheus server or node_exporter is started at install (policy-rc.d
    # 101, unless the machine has its own), and neither is left enabled as a service.
    own_policy=1
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        own_policy=0
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod 755 /usr/sbin/policy-rc.d
    fi
    status=0
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" || status=$?
    [ $own_policy -eq 1 ] || $sudo rm -f /usr/sbin/policy-rc.d
    [ $status -eq 0 ] || exit $status
    for service in prometheus prometheus-node-exporter; do
        if [ "$(systemctl is-enabled "$service" 2>/dev/null)" = enabled ]; then $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true; fi
    done
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: swift (6.3) is not on PATH; install the Swift toolchain first" >&2
    exit 1
fi
