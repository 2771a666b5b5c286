#!/usr/bin/env bash
# Runs the cross-built arm64 binaries under qemu-aarch64-static (user mode, no kernel involved) on the bundled
# Examples/arm64-board tree and compares what they print with the host (x86_64) build:
#   deferred-memd-boot plan --check, deferred-memd plan, deferred-memd plan --json   (read-only, on the original)
#   deferred-memd-boot run --simulate, deferred-memd run --simulate                  (each on its own temporary copy)
# For the runs, timestamps and durations are masked in the output, and the trees the simulated kernel wrote
# (everything but run/, which holds the timed report) must be identical.
# The arm64 binaries run against a root holding nothing but OUT_DIR/lib as /lib (qemu -L), as in a busybox
# initramfs: a library missing from lib/ fails the check.
#
#   scripts/verify-arm64-cross.sh OUT_DIR [HOST_BIN_DIR]
# OUT_DIR is cross-build-arm64.sh's --out; HOST_BIN_DIR defaults to .build/debug (built with `swift build` when
# missing).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: verify-arm64-cross.sh OUT_DIR [HOST_BIN_DIR]}
host=${2:-$here/.build/debug}
example="$here/Examples/arm64-board"
for b in deferred-memd-boot deferred-memd; do
    [ -x "$out/$b" ] || { echo "verify: no $out/$b (the check needs both products)" >&2; exit 1; }
done
command -v qemu-aarch64-static >/dev/null || { echo "verify: qemu-aarch64-static missing (apt-get install qemu-user-static)" >&2; exit 1; }
if [ ! -x "$host/deferred-memd" ] || [ ! -x "$host/deferred-memd-boot" ]; then
    (cd "$here" && swift build --product deferred-memd >&2 && swift build --product deferred-memd-boot >&2)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/initramfs-like"
mkdir -p "$root/lib"
cp -a "$out"/lib/. "$root/lib/"
failures=0

# run NAME ARCH CMD...: output (stdout then stderr) and exit code into $work/NAME.ARCH
run() {
    local name=$1 arch=$2; shift 2
    local rc=0
    "$@" > "$work/$name.$arch.out" 2> "$work/$name.$arch.err" || rc=$?
    cat "$work/$name.$arch.out" "$work/$name.$arch.err" > "$work/$name.$arch"
    echo "exit $rc" >> "$work/$name.$arch"
}
arm() { local b=$1; shift; qemu-aarch64-static -L "$root" "$out/$b" "$@"; }
x86() { local b=$1; shift; "$host/$b" "$@"; }
# Times, and the name of each architecture's copy of the example tree (paths in messages).
mask() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4}/TIME/g; s/ms=[0-9]+/ms=N/g; s/in [0-9]+ ms/in N ms/g; s/-(x86|arm)-tree/-tree/g' "$1"; }
compare() {
    local name=$1 how=${2:-exact}
    if [ "$how" = masked ]; then
        mask "$work/$name.x86" > "$work/$name.x86.m"; mask "$work/$name.arm" > "$work/$name.arm.m"
        set -- "$work/$name.x86.m" "$work/$name.arm.m"
    else
        set -- "$work/$name.x86" "$work/$name.arm"
    fi
    if diff -u "$1" "$2" > "$work/$name.diff"; then
        echo "verify: same   $name ($(( $(grep -c '' "$1") - 1 )) lines of output, $(tail -1 "$1"))"
    else
        echo "verify: DIFFER $name:"; cat "$work/$name.diff"; failures=$((failures + 1))
    fi
}

for a in x86 arm; do
    run boot-plan-check "$a" $a deferred-memd-boot plan --check --sysroot "$example"
    run tool-plan "$a" $a deferred-memd plan --sysroot "$example"
    run tool-plan-json "$a" $a deferred-memd plan --json --sysroot "$example"
done
compare boot-plan-check; compare tool-plan; compare tool-plan-json

for b in deferred-memd-boot deferred-memd; do
    for a in x86 arm; do
        cp -a "$example" "$work/$b-$a-tree"
        run "$b-run-simulate" "$a" $a "$b" run --simulate --sysroot "$work/$b-$a-tree"
    done
    compare "$b-run-simulate" masked
    if diff -r --no-dereference --exclude=run "$work/$b-x86-tree" "$work/$b-arm-tree" > "$work/$b-tree.diff"; then
        echo "verify: same   $b run --simulate: the trees it wrote ($(diff -rq --no-dereference --exclude=run "$example" "$work/$b-arm-tree" | wc -l) files changed or added besides run/)"
    else
        echo "verify: DIFFER $b run --simulate: trees written:"; head -50 "$work/$b-tree.diff"; failures=$((failures + 1))
    fi
done
# The originals must be untouched.
git -C "$here" diff --quiet -- Examples/arm64-board && [ -z "$(git -C "$here" status --porcelain -- Examples/arm64-board)" ] \
    || { echo "verify: Examples/arm64-board was modified"; failures=$((failures + 1)); }
[ "$failures" -eq 0 ] || { echo "verify: $failures difference(s)"; exit 1; }
echo "verify: the arm64 binaries print the same as the host build"
