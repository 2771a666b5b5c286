#!/bin/bash
# Builds a minimal Debian root (debootstrap minbase + systemd + udev) into OUTPUT_DIR/debian-root, once; prints its
# path. Used by the systemd-at-boot scenarios, which boot it with the stock kernel as PID 1.
set -euo pipefail
out=${1:?output directory}
root="$out/debian-root"
if [ -x "$root/lib/systemd/systemd" ] && [ -e "$root/.complete" ]; then echo "$root"; exit 0; fi
rm -rf "$root"
mkdir -p "$out"
debootstrap --variant=minbase --include=systemd,systemd-sysv,udev bookworm "$root" http://deb.debian.org/debian >&2
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/*
touch "$root/.complete"
echo "$root"
