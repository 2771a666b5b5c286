#!/usr/bin/env bash
# Every test: installs what is missing, builds with warnings as errors, runs the Swift Testing suite against
# temporary copies of the example machines, then prints the benchmark figures (printed, never asserted).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
swift build -Xswiftc -warnings-as-errors
swift test -Xswiftc -warnings-as-errors 2>&1 | tee .build/test.log
grep -qE "Test run with [0-9]+ tests? .*passed" .build/test.log

# Benchmark figures (printed for the record; timings are never asserted).
swift build -c release --static-swift-stdlib
python3 scripts/bench.py .build/release/deferred-memd
