#!/bin/bash
# Cross-builds the arm64 test kernel: Debian's linux-source-6.1 (or another linux-source-X.Y tarball), the patches
# in kernel/ (memory `probe` file, /sys/kernel/deferred_mem_init) and the fragment beside this script, merged onto
# tinyconfig.
# Usage: build-arm64-kernel.sh [--variant NAME] CACHE_DIR [SOURCE_TARBALL]   (SOURCE_TARBALL: a linux-source-X.Y.tar.xz
# whose top directory is linux-source-X.Y, default /usr/src/linux-source-6.1.tar.xz; prints the Image path as its
# last line; reuses a cached Image when the fragments, the patches, the source tarball and the cross compiler are
# unchanged). A variant merges arm64-kernel-NAME.config over the base fragment (e.g. --variant 16k: 16 KiB pages).
# The default's Image is CACHE_DIR/Image-arm64[-NAME]-STAMP, another tarball's CACHE_DIR/Image-arm64[-NAME]-X.Y-STAMP.
# Installs nothing: the caller installs gcc-aarch64-linux-gnu, linux-source-6.1 and the kernel build dependencies.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-config.sh"
repo=$(cd "$here/../.." && pwd)
variant=
if [ "${1:-}" = --variant ]; then variant=${2:?variant name}; shift 2; fi
out=${1:?usage: build-arm64-kernel.sh CACHE_DIR [SOURCE_TARBALL]}
default_tarball=/usr/src/linux-source-6.1.tar.xz
tarball=${2:-$default_tarball}
mkdir -p "$out"
fragments=("$here/arm64-kernel.config")
name=Image-arm64
if [ -n "$variant" ]; then
    fragments+=("$here/arm64-kernel-$variant.config")
    name=Image-arm64-$variant
fi
patches=("$repo"/kernel/*.patch)
cross=aarch64-linux-gnu-
fail() { echo "build-arm64-kernel: $*" >&2; exit 1; }
top=$(basename "$tarball" .tar.xz)
version=${top#linux-source-}
[ -f "$tarball" ] || fail "$tarball missing (apt-get install $top)"
[[ $top == linux-source-* && $version =~ ^[0-9]+\.[0-9]+$ ]] || fail "$tarball: not a linux-source-X.Y.tar.xz"
command -v "${cross}gcc" >/dev/null || fail "${cross}gcc missing (apt-get install gcc-aarch64-linux-gnu)"
[ -f "${patches[0]}" ] || fail "no patches in $repo/kernel"
for fragment in "${fragments[@]}"; do [ -f "$fragment" ] || fail "no fragment $fragment"; done
stamp=$( (sha256sum "${fragments[@]}" "${patches[@]}" "$tarball" | cut -d' ' -f1; "${cross}gcc" --version | head -1) \
    | sha256sum | cut -c1-16)
if [ "$tarball" = "$default_tarball" ]; then
    image="$out/$name-$stamp" work="$out/linux-$name-build"
else
    image="$out/$name-$version-$stamp" work="$out/linux-$name-build-$version"
fi
if [ -s "$image" ]; then echo "$image"; exit 0; fi
rm -rf "$work"; mkdir -p "$work"
tar -C "$work" -xf "$tarball"
src="$work/$top"
[ -d "$src" ] || fail "$tarball has no top directory $top"
started=$SECONDS
(
  cd "$src"
  for patch in "${patches[@]}"; do
    patch -p1 --forward --batch --quiet < "$patch" >&2 || fail "$(basename "$patch") does not apply to $(basename "$src")"
  done
  export ARCH=arm64 CROSS_COMPILE=$cross
  configure_kernel "${fragments[@]}"
  make -s -j2 Image >&2 || fail "make Image failed"
)
cp "$src/arch/arm64/boot/Image" "$image"
cp "$src/.config" "$image.config"
rm -rf "$work"
echo "build-arm64-kernel: built in $((SECONDS - started)) s" >&2
echo "$image"
