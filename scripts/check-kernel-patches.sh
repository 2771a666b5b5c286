#!/bin/bash
# Checks that the vendor kernel patches in kernel/ apply to and compile on Debian's other kernels, 5.10 (bullseye)
# and 6.12 (trixie): CI builds and boots them only on 6.1 (Tests/QEMU/build-kernel.sh), and a stable update can
# break them there unseen (6.12.110+ got the default online type accessors of 6.14, and mm/deferred_mem_init.c
# stopped compiling).
#
# usage: check-kernel-patches.sh [--cache DIR] [VERSION...]      (VERSION 5.10, 6.12; default both)
#   exit 0 all passed, 1 a patch does not apply or compile, 75 a source could not be fetched (nothing failed)
#   --cache DIR        default ~/.cache/deferred-memd, shared with build-kernel.sh
#   KERNEL_PATCH_DIR   the patches to check (default the repo's kernel/)
#   KERNEL_JOBS        make -j (default nproc)
# Per version: the newest linux-source-X.Y tarball (Tests/QEMU/fetch-linux-source.sh), unpacked and patched once per
# tarball and patches into DIR/linux-src/check-linux-source-X.Y-KEY, then tinyconfig + Tests/QEMU/arm64-kernel.config
# out of tree, and mm/deferred_mem_init.o and arch/arm64/mm/init.o compiled with W=1. Fails when a patch does not
# apply, CONFIG_DEFERRED_MEM_INIT or CONFIG_ARCH_MEMORY_PROBE is not set, the compile fails, or the compiler says
# anything about deferred_mem_init.[ch]. One line per version on stdout; details on stderr. A pass is remembered
# (DIR/check-kernel-patches/): while the tarball's version, the patches, the fragment's settings, the compiler and
# this script are unchanged, a rerun says "cached" without building.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
fail() { echo "check-kernel-patches: $*" >&2; exit 1; }
cache=$HOME/.cache/deferred-memd
while [ $# -gt 0 ]; do
    case "$1" in
        --cache) cache=${2:?--cache DIR}; shift 2 ;;
        -*) fail "unknown option $1" ;;
        *) break ;;
    esac
done
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(5.10 6.12)

# Several versions: each in a process of its own, so that one failing (fail exits) still lets the others report.
if [ ${#versions[@]} -gt 1 ]; then
    failed=() unfetched=()
    for version in "${versions[@]}"; do
        rc=0
        bash "${BASH_SOURCE[0]}" --cache "$cache" "$version" || rc=$?
        if [ $rc -eq 75 ]; then unfetched+=("$version"); elif [ $rc -ne 0 ]; then failed+=("$version"); fi
    done
    [ ${#failed[@]} -eq 0 ] || fail "failed on ${failed[*]}"
    # Exit 75 only when a source could not be had and nothing failed: the caller may skip rather than fail.
    [ ${#unfetched[@]} -eq 0 ] || { echo "check-kernel-patches: not checked (no source): ${unfetched[*]}" >&2; exit 75; }
    exit 0
fi

version=${versions[0]}
patch_dir=${KERNEL_PATCH_DIR:-$repo/kernel}
patches=("$patch_dir"/*.patch)
[ -f "${patches[0]}" ] || fail "no patches in $patch_dir"
fragment=$repo/Tests/QEMU/arm64-kernel.config
cross=aarch64-linux-gnu-
command -v "${cross}gcc" >/dev/null || fail "${cross}gcc missing (apt-get install gcc-aarch64-linux-gnu)"
for tool in make patch flex bison flock; do command -v "$tool" >/dev/null || fail "$tool missing"; done
mkdir -p "$cache/check-kernel-patches"

# No source (the archive unreachable and nothing cached): exit 75, which says "not checked", not "broken".
tarball=$("$repo/Tests/QEMU/fetch-linux-source.sh" "$cache" "$version" | tail -n1) \
    || { echo "check-kernel-patches: $version: SKIPPED: linux-source-$version could not be had" >&2; exit 75; }
top=$(basename "$tarball" .tar.xz)
pkg=$(cat "$tarball.version" 2>/dev/null || echo "$version (unknown package version)")
say() { echo "check-kernel-patches: $pkg: $*"; }
# Fails with the reason on stdout too, as the version's one line.
broken() { say "FAILED: $*"; exit 1; }

# What a pass depends on. The tarball counts by its package version (fetch-linux-source.sh checked its .deb) and size,
# the fragment by its settings (a comment edit checks nothing again).
key=$( (echo "$pkg $(stat -c %s "$tarball")"; sha256sum "${patches[@]}" "${BASH_SOURCE[0]}" | cut -d' ' -f1
        grep '^CONFIG_' "$fragment"; "${cross}gcc" --version | head -1) | sha256sum | cut -c1-16)
passed=$cache/check-kernel-patches/$top.passed
if [ "$(cat "$passed" 2>/dev/null)" = "$key" ]; then say "cached (passed $(date -r "$passed" '+%F %R'))"; exit 0; fi

# One check per version at a time (they share the object tree); a second caller waits, then finds it passed.
exec 8>"$cache/check-kernel-patches/.lock-$top"
flock 8
if [ "$(cat "$passed" 2>/dev/null)" = "$key" ]; then say "cached (passed meanwhile by another caller)"; exit 0; fi
started=$SECONDS

# The source, unpacked and patched once per tarball and patches, as build-kernel.sh does (under its lock, beside its
# trees): check- keeps the two scripts' trees apart, each removing only its own older ones.
source_key=$( (sha256sum "$tarball" "${patches[@]}" | cut -d' ' -f1) | sha256sum | cut -c1-12)
src=$cache/linux-src/check-$top-$source_key
mkdir -p "$cache/linux-src"
(
    exec 7>"$cache/linux-src.lock"
    flock 7
    [ -e "$src/.complete" ] && exit 0
    rm -rf "$src.tmp"
    mkdir -p "$src.tmp"
    tar -C "$src.tmp" -xf "$tarball" || broken "could not unpack $tarball"
    [ -d "$src.tmp/$top" ] || broken "$tarball has no top directory $top"
    for patch in "${patches[@]}"; do
        name=$(basename "$patch")
        echo "--- $name" >> "$src.tmp/patch.log"
        if ! patch -d "$src.tmp/$top" -p1 --forward --batch < "$patch" >> "$src.tmp/patch.log" 2>&1; then
            sed -n "/^--- $name\$/,\$p" "$src.tmp/patch.log" | tail -n +2 | sed "s/^/  $name: /" >&2
            (cd "$src.tmp/$top" && find . -name '*.rej' -exec cat {} + | head -60 >&2) || true
            rm -rf "$src.tmp"
            broken "$name does not apply to $top"
        fi
    done
    mv "$src.tmp/patch.log" "$src.tmp/$top/.check-patch.log"
    { mv "$src.tmp/$top" "$src" && rm -rf "$src.tmp" && touch "$src/.complete"; } || broken "could not move the source to $src"
    # Older trees of this version (patches since changed) are of no further use; removed only now, so that a patch
    # that does not apply leaves the last good tree.
    for old in "$cache/linux-src/check-$top"-*; do [ "$old" = "$src" ] || rm -rf "$old"; done
) || exit 1
unpacked=$((SECONDS - started))
# Where the hunks landed away from the patches' line numbers (offset, fuzz), to see a patch drifting before it breaks.
awk '/^--- / { p = $2 } /^patching file / { f = $3 } /offset|fuzz/ { print "  " p ": " f ": " $0 }' "$src/.check-patch.log" >&2

# Out of tree. The object tree goes afterwards: a new source tree (any patch change) lies at another path, so kept
# objects are all rebuilt anyway (measured on 6.12: 29 s with it kept, 26 s without).
work=$cache/linux-obj-check-$version
rm -rf "$work"; mkdir -p "$work"
kmake() { make -C "$src" O="$work" ARCH=arm64 CROSS_COMPILE="$cross" "$@"; }
# (5.10's tinyconfig talks through its own merge; only shown when it fails.)
kmake -s tinyconfig > "$work/tinyconfig.log" 2>&1 || { cat "$work/tinyconfig.log" >&2; broken "make tinyconfig failed"; }
(cd "$work" && "$src/scripts/kconfig/merge_config.sh" -m .config "$fragment" > merge.log 2>&1) \
    || { cat "$work/merge.log" >&2; broken "merging $fragment failed"; }
kmake -s olddefconfig >&2 || broken "make olddefconfig failed"
for option in CONFIG_DEFERRED_MEM_INIT CONFIG_ARCH_MEMORY_PROBE; do
    grep -qx "$option=y" "$work/.config" || broken "$option is not set after olddefconfig (a dependency changed?)"
done

# W=1 warnings elsewhere (5.10's vdso, headers) are not the patches'; those located in their own files are.
objects=(mm/deferred_mem_init.o arch/arm64/mm/init.o)
if ! kmake -j"${KERNEL_JOBS:-$(nproc)}" W=1 "${objects[@]}" > "$work/build.log" 2>&1; then
    { grep -E -A3 '(error|warning):' "$work/build.log" || tail -20 "$work/build.log"; } | sed "s|$src/||g" | head -60 >&2 || true
    broken "make W=1 ${objects[*]} failed"
fi
ours=$(grep -E -A3 'deferred_mem_init\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)' "$work/build.log" | sed "s|$src/||g" || true)
if [ -n "$ours" ]; then echo "$ours" >&2; broken "the compiler warns about deferred_mem_init (W=1)"; fi
others=$(grep -c ': warning:' "$work/build.log" || true)
rm -rf "$work"
echo "$key" > "$passed.tmp" && mv "$passed.tmp" "$passed"
echo "check-kernel-patches: $pkg: $unpacked s unpacking and patching, $others W=1 warnings in other files" >&2
say "applies, compiles (W=1, no warnings) in $((SECONDS - started)) s"
