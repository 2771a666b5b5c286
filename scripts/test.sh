#!/usr/bin/env bash
# Every test: installs what is missing, builds with warnings as errors, runs the Swift Testing suite against
# temporary copies of the example machines, checks the install path and systemd units, then prints the
# benchmark figures (printed, never asserted).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
swift build -Xswiftc -warnings-as-errors
swift test -Xswiftc -warnings-as-errors 2>&1 | tee .build/test.log
grep -qE "Test run with [0-9]+ tests? .*passed" .build/test.log

swift build -c release --static-swift-stdlib -Xswiftc -warnings-as-errors
# The install path and the units: systemd-analyze verify clean, exposure at most 2.0 (scores printed).
scripts/check-units.sh .build/release/deferred-memd

# Real kernels under QEMU (TCG): every scenario must pass; then the real-kernel figures (printed, not asserted).
python3 Tests/QEMU/run.py --binary .build/release/deferred-memd

# Benchmark figures (printed for the record; timings are never asserted).
python3 scripts/bench.py --binary .build/release/deferred-memd
