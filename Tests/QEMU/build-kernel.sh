#!/bin/bash
# Builds one of the test kernels from Debian's linux-source-6.1 (or another linux-source-X.Y tarball): tinyconfig
# with the fragment(s) beside this script merged on top; for arm64, the patches in kernel/ applied first.
#
# usage: build-kernel.sh --arch x86_64|arm64 [--variant NAME] CACHE_DIR [SOURCE_TARBALL]
#   x86_64  the probe kernel: probe-kernel.config (+ probe-kernel-NAME.config), bzImage, CACHE_DIR/bzImage-probe[-NAME]-STAMP
#   arm64   the patched kernel: arm64-kernel.config (+ arm64-kernel-NAME.config), cross-built Image,
#           CACHE_DIR/Image-arm64[-NAME][-X.Y]-STAMP (X.Y only for another tarball than 6.1), its .config beside it
# Prints the image's path as its last line on stdout, and on stderr one line saying whether it was cached or
# built and how long that took. STAMP hashes what makes the image (the fragments' settings, the patches, the tarball,
# the compiler), so a cached image is reused exactly while none of them changed.
#
# What makes a cold build cheaper (issue #26): the tarball is unpacked (and patched) once per source, into
# CACHE_DIR/linux-src/, and every image of that source builds out of tree (make O=) from it; an image is built
# under a lock of its own, so a second caller (the scenarios, while scripts/test.sh's background builder is on
# it) waits for it instead of building it again. Installs nothing: the caller installs linux-source-6.1, the
# kernel build dependencies and gcc-aarch64-linux-gnu.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fail() { echo "build-kernel: $*" >&2; exit 1; }
arch= variant=
while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch=${2:?--arch x86_64|arm64}; shift 2 ;;
        --variant) variant=${2:?--variant NAME}; shift 2 ;;
        -*) fail "unknown option $1" ;;
        *) break ;;
    esac
done
out=${1:?usage: build-kernel.sh --arch x86_64|arm64 [--variant NAME] CACHE_DIR [SOURCE_TARBALL]}
default_tarball=/usr/src/linux-source-6.1.tar.xz
tarball=${2:-$default_tarball}
case $arch in
    x86_64) base=probe-kernel name=bzImage-probe target=bzImage built=arch/x86/boot/bzImage cross= patches=() ;;
    arm64) base=arm64-kernel name=Image-arm64 target=Image built=arch/arm64/boot/Image cross=aarch64-linux-gnu-
           patches=("$repo"/kernel/*.patch)
           [ -f "${patches[0]}" ] || fail "no patches in $repo/kernel" ;;
    *) fail "--arch must be x86_64 or arm64, not '${arch}'" ;;
esac
fragments=("$here/$base.config")
if [ -n "$variant" ]; then fragments+=("$here/$base-$variant.config"); name=$name-$variant; fi
for fragment in "${fragments[@]}"; do [ -f "$fragment" ] || fail "no fragment $fragment"; done
top=$(basename "$tarball" .tar.xz)
version=${top#linux-source-}
[ -f "$tarball" ] || fail "$tarball missing (apt-get install $top)"
[[ $top == linux-source-* && $version =~ ^[0-9]+\.[0-9]+$ ]] || fail "$tarball: not a linux-source-X.Y.tar.xz"
command -v "${cross}gcc" >/dev/null || fail "${cross}gcc missing (apt-get install gcc-aarch64-linux-gnu)"
[ "$tarball" = "$default_tarball" ] || name=$name-$version
# The fragments count by their settings (a comment edit rebuilds nothing), in order: a variant's override matters.
stamp=$( (grep -h '^CONFIG_' "${fragments[@]}"; sha256sum ${patches[@]+"${patches[@]}"} "$tarball" | cut -d' ' -f1
          "${cross}gcc" --version | head -1) | sha256sum | cut -c1-16)
image="$out/$name-$stamp"
mkdir -p "$out"
if [ -s "$image" ]; then echo "build-kernel: $name cached" >&2; echo "$image"; exit 0; fi

# One builder per image; the others wait, then find it built.
exec 8>"$out/.lock-$name"
flock 8
if [ -s "$image" ]; then echo "build-kernel: $name cached (built meanwhile by another caller)" >&2; echo "$image"; exit 0; fi
started=$SECONDS

# The source, unpacked (and patched) once: every image of the same tarball and patches builds from it, out of tree.
source_key=$( (sha256sum "$tarball" ${patches[@]+"${patches[@]}"} | cut -d' ' -f1) | sha256sum | cut -c1-12)
src="$out/linux-src/$top-$arch-$source_key"
(
    exec 7>"$out/linux-src.lock"
    flock 7
    [ -e "$src/.complete" ] && exit 0
    # Older unpacked sources of the same tarball and arch (patches since changed) are of no further use.
    rm -rf "$out/linux-src/$top-$arch"-* "$src.tmp"
    mkdir -p "$src.tmp"
    tar -C "$src.tmp" -xf "$tarball" || fail "could not unpack $tarball"
    [ -d "$src.tmp/$top" ] || fail "$tarball has no top directory $top"
    for patch in ${patches[@]+"${patches[@]}"}; do
        patch -d "$src.tmp/$top" -p1 --forward --batch --quiet < "$patch" >&2 || fail "$(basename "$patch") does not apply to $top"
    done
    mv "$src.tmp/$top" "$src" && rm -rf "$src.tmp" && touch "$src/.complete" || fail "could not move the source to $src"
) || exit 1
unpacked=$((SECONDS - started))

work="$out/linux-obj-$name"
rm -rf "$work"; mkdir -p "$work"
kmake() { make -C "$src" O="$work" ${cross:+ARCH=arm64 CROSS_COMPILE=$cross} -s "$@" >&2; }
# tinyconfig with the fragments merged on top; fails naming every fragment line that olddefconfig dropped (a
# dependency missing drops it silently). A later fragment's line overrides an earlier one's (a variant's page size).
kmake tinyconfig || fail "make tinyconfig failed"
(cd "$work" && "$src/scripts/kconfig/merge_config.sh" -m .config "${fragments[@]}" > merge.log 2>&1) \
    || { cat "$work/merge.log" >&2; fail "merging ${fragments[*]} failed"; }
kmake olddefconfig || fail "make olddefconfig failed"
missing=$(cat "${fragments[@]}" | grep '^CONFIG_' | awk -F= '{last[$1] = $0; order[$1] = NR} END {for (k in last) print order[k], last[k]}' \
    | sort -n | cut -d' ' -f2- | while read -r line; do
        case $line in
        *=n) grep -qx "# ${line%=n} is not set" "$work/.config" || echo "$line" ;;
        *) grep -qx "$line" "$work/.config" || echo "$line" ;;
        esac
    done)
[ -z "$missing" ] || fail "not set after olddefconfig: $(echo $missing)"
kmake -j"$(nproc)" "$target" || fail "make $target failed"
cp "$work/$built" "$image.tmp"
cp "$work/.config" "$image.config"
mv "$image.tmp" "$image"
rm -rf "$work"
echo "build-kernel: $name built in $((SECONDS - started)) s ($unpacked s unpacking)" >&2
echo "$image"
