#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer (the toolchain's -sanitize=fuzzer,address): builds each
# target (Sources/Fuzz*) into .build/fuzz, runs it for --seconds on a copy of its seeds (Fuzz/Corpus/<target>; the
# committed corpus is never written), and fails on any crash, timeout, out-of-memory or sanitizer report, printing
# the reproducer. Per target it prints executions, exec/s, coverage (libFuzzer's cov:) and the corpus it grew to.
#
# usage: scripts/fuzz.sh [--seconds N] [TARGET ...]     (default: 30 seconds, every Fuzz* target)
# A reproducer reruns with: .build/fuzz/release/<target> <file>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --seconds=*) seconds=${1#*=}; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    for dir in Sources/Fuzz*/; do
        name=$(basename "$dir")
        [ "$name" = FuzzSupport ] || targets+=("$name")
    done
fi

# What the build needs is what every build needs; libFuzzer and ASan come with the Swift toolchain.
scripts/setup-debian.sh
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
if ! ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
    echo "fuzz: this Swift toolchain ($toolchain) has no libFuzzer runtime (libclang_rt.fuzzer)" >&2
    exit 1
fi

scratch=.build/fuzz
artifacts=$scratch/artifacts
mkdir -p "$artifacts"
work=$(mktemp -d "${TMPDIR:-/tmp}/deferred-memd-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# -D FUZZING: each target's @main hands its LLVMFuzzerTestOneInput to libFuzzer's driver (FuzzSupport).
# Release: twice the executions per second of a debug build; overflow and bounds traps stay in.
flags=(--scratch-path "$scratch" -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)

failed=()
summary=()
for target in "${targets[@]}"; do
    if [ ! -d "Sources/$target" ]; then
        echo "fuzz: no target $target (Sources/$target)" >&2
        exit 2
    fi
    echo "fuzz: building $target"
    # gold warns once per ASan helper symbol ("Cannot export local symbol"): only errors and the result are shown.
    if ! swift build "${flags[@]}" --product "$target" >"$artifacts/$target.build.log" 2>&1; then
        grep -v "Cannot export local symbol" "$artifacts/$target.build.log" | grep -E "error" | head -20 >&2
        echo "fuzz: $target did not build (log: $artifacts/$target.build.log)" >&2
        exit 1
    fi
    binary=$scratch/release/$target

    corpus=$work/$target
    mkdir -p "$corpus" "$artifacts/$target"
    [ -d "Fuzz/Corpus/$target" ] && cp -r "Fuzz/Corpus/$target/." "$corpus/"
    seeds=$(find "$corpus" -type f | wc -l)
    # A dictionary of the format's words and of numbers at the types' edges (libFuzzer rarely types a
    # 20-digit number by mutation alone).
    dictionary=$work/$target.dict
    cat Fuzz/Dictionaries/common.dict > "$dictionary"
    [ -f "Fuzz/Dictionaries/$target.dict" ] && cat "Fuzz/Dictionaries/$target.dict" >> "$dictionary"
    log=$artifacts/$target.log
    echo "fuzz: running $target for ${seconds}s on $seeds seeds (log: $log)"
    set +e
    # Reports go to the log; detect_leaks stays on (a leak is a finding too).
    # SWIFT_BACKTRACE off: the Swift runtime's backtracer, reading memory under ASan, hides the trap's own report.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} "$binary" "$corpus" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -use_value_profile=1 -dict="$dictionary" \
        -artifact_prefix="$artifacts/$target/" >"$log" 2>&1
    rc=$?
    set -e
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    coverage=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
    features=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
    grown=$(find "$corpus" -type f | wc -l)
    line="$target: ${executions:-?} executions in ${seconds}s (${rate:-?} exec/s), cov ${coverage:-?}, ft ${features:-?}, corpus $seeds -> $grown"
    if [ $rc -ne 0 ]; then
        reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        grep -E "ERROR: |Fatal error|SUMMARY: |==[0-9]+==|deadly signal|timeout|out-of-memory" "$log" | head -8 >&2 || true
        echo "fuzz: FAILED $line (exit $rc); reproducer: ${reproducer:-none written, see $log}" >&2
        echo "fuzz: rerun with: $binary ${reproducer:-<input>}" >&2
        failed+=("$target")
        line="$line: FAILED (reproducer ${reproducer:-none})"
    fi
    summary+=("$line")
done

echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
    exit 1
fi
