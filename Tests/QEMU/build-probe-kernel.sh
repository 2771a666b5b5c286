#!/bin/bash
# Builds the probe-capable kernel from Debian's linux-source-6.1 and the fragment beside this script.
# Usage: build-probe-kernel.sh OUTPUT_DIR   (prints the bzImage path; reuses it when the fragment is unchanged)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?output directory}
mkdir -p "$out"
fragment="$here/probe-kernel.config"
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || { echo "build-probe-kernel: /usr/src/linux-source-6.1.tar.xz missing (apt-get install linux-source-6.1)" >&2; exit 1; }
stamp=$( (sha256sum "$fragment" "$tarball" | cut -d' ' -f1; gcc --version | head -1) | sha256sum | cut -c1-16)
image="$out/bzImage-probe-$stamp"
if [ -s "$image" ]; then echo "$image"; exit 0; fi
work="$out/linux-build"
rm -rf "$work"; mkdir -p "$work"
tar -C "$work" -xf "$tarball"
src=$(ls -d "$work"/linux-source-6.1*)
(
  cd "$src"
  make -s tinyconfig >&2
  scripts/kconfig/merge_config.sh -m .config "$fragment" >&2
  make -s olddefconfig >&2
  # Every line of the fragment must have survived olddefconfig (a dependency missing drops it silently).
  missing=$(grep '^CONFIG_' "$fragment" | while read -r line; do grep -qx "$line" .config || echo "$line"; done)
  [ -z "$missing" ] || { echo "build-probe-kernel: not set after olddefconfig: $missing" >&2; exit 1; }
  make -s -j"$(nproc)" bzImage >&2
) 
cp "$src/arch/x86/boot/bzImage" "$image"
rm -rf "$work"
echo "$image"
