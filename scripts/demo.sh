#!/usr/bin/env bash
# The main job on a bundled example machine: builds deferred-memd, copies the write-up's phone (12 GiB, mem=2G,
# 5 GiB movable) to a temporary directory, shows the plan, runs the onlining against the simulated kernel,
# and shows the result. Never touches this machine's /sys or /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
swift build -c release --static-swift-stdlib --disable-local-rpath
bin=.build/release/deferred-memd
machine=${1:-phone-12g}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "Examples/$machine" "$work/root"
echo "== plan ($machine)"
"$bin" plan --sysroot "$work/root"
echo "== run (simulated kernel, 30 ms per GiB)"
"$bin" run --simulate --sysroot "$work/root"
echo "== status"
"$bin" status --sysroot "$work/root"
