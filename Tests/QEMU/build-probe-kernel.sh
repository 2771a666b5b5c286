#!/bin/bash
# Builds the probe-capable kernel from Debian's linux-source-6.1 and the fragment(s) beside this script.
# Usage: build-probe-kernel.sh [--variant NAME] OUTPUT_DIR
#   prints the bzImage path; reuses it when no fragment changed. A variant merges probe-kernel-NAME.config on top of
#   probe-kernel.config (e.g. --variant deferred-init), and its image's hash covers both fragments, so a change to
#   the base fragment rebuilds every variant.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-config.sh"
variant=
if [ "${1:-}" = --variant ]; then variant=${2:?variant name}; shift 2; fi
out=${1:?output directory}
mkdir -p "$out"
fragments=("$here/probe-kernel.config")
prefix=bzImage-probe
if [ -n "$variant" ]; then
  fragments+=("$here/probe-kernel-$variant.config")
  [ -f "${fragments[1]}" ] || { echo "build-probe-kernel: no fragment ${fragments[1]}" >&2; exit 1; }
  prefix=bzImage-probe-$variant
fi
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
[ -n "$tarball" ] || { echo "build-probe-kernel: /usr/src/linux-source-6.1.tar.xz missing (apt-get install linux-source-6.1)" >&2; exit 1; }
stamp=$( (sha256sum "${fragments[@]}" "$tarball" | cut -d' ' -f1; gcc --version | head -1) | sha256sum | cut -c1-16)
image="$out/$prefix-$stamp"
if [ -s "$image" ]; then echo "$image"; exit 0; fi
# One work tree per image, so that two builds (base and a variant) can run side by side.
work="$out/linux-build-$stamp"
rm -rf "$work"; mkdir -p "$work"
tar -C "$work" -xf "$tarball"
src=$(ls -d "$work"/linux-source-6.1*)
(
  cd "$src"
  configure_kernel "${fragments[@]}"
  make -s -j"$(nproc)" bzImage >&2
)
cp "$src/arch/x86/boot/bzImage" "$image.tmp"
mv "$image.tmp" "$image"
rm -rf "$work"
echo "$image"
