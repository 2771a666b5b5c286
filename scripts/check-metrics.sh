#!/usr/bin/env bash
# The metrics files against the real consumers: simulated runs of an example machine write the run, rescue and
# watch files; Debian's `promtool check metrics` must accept each one, and Debian's prometheus-node-exporter,
# started on loopback with only its textfile collector on that directory, must serve our series with the
# values of those runs and no textfile scrape error.
# Usage: scripts/check-metrics.sh [BUILD_DIR]   (default .build/release: deferred-memd and deferred-memd-boot)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/.build/release}" && pwd)
tool=$build/deferred-memd boot=$build/deferred-memd-boot
command -v promtool >/dev/null && command -v prometheus-node-exporter >/dev/null \
    || { echo "check-metrics: promtool and prometheus-node-exporter are needed (scripts/setup-debian.sh)" >&2; exit 1; }
scratch=$(mktemp -d /tmp/deferred-memd-metrics.XXXXXX)
exporter=""
cleanup() {
    if [ -n "$exporter" ]; then kill "$exporter" 2>/dev/null || true; wait "$exporter" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "check-metrics: $*" >&2; exit 1; }

# The boot's run, with block 40 failing for good (exit 3, 128 MiB missing), then the fallback's rescue.
cp -a "$here/Examples/x86-vm-numa-dimms" "$scratch/boot"
textfiles=/var/lib/prometheus/node-exporter
mkdir -p "$scratch/boot$textfiles"
set +e
"$boot" run --simulate --latency-ms-per-gib 1 --sysroot "$scratch/boot" --metrics-directory "$textfiles" \
    --fault online:40:EIO:forever >/dev/null 2>&1
rc=$?
set -e
[ $rc -eq 3 ] || fail "the run with a failing block exited $rc, not 3"
"$boot" rescue --simulate --sysroot "$scratch/boot" --metrics-directory "$textfiles" >/dev/null 2>&1
# watch: coldplug onlines the 16 offline blocks of a fresh copy as one burst; the empty event source ends it.
cp -a "$here/Examples/x86-vm-numa-dimms" "$scratch/hotplug"
mkdir -p "$scratch/hotplug$textfiles"
"$tool" watch --simulate --events-from /dev/null --sysroot "$scratch/hotplug" --metrics-directory "$textfiles" >/dev/null 2>&1
cp "$scratch/hotplug$textfiles/deferred-memd-watch.prom" "$scratch/boot$textfiles/"

directory=$scratch/boot$textfiles
for command in run rescue watch; do
    file=$directory/deferred-memd-$command.prom
    [ -s "$file" ] || fail "$file was not written"
    promtool check metrics < "$file" || fail "promtool rejects $file"
done
if ls "$directory" | grep -q '\.tmp\.'; then fail "a temporary file was left in $directory"; fi
echo "promtool check metrics: run, rescue and watch files accepted"

# node_exporter on a free loopback port, with only the textfile collector.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus-node-exporter --collector.disable-defaults --collector.textfile --collector.textfile.directory="$directory" \
    --web.listen-address="127.0.0.1:$port" >"$scratch/exporter.log" 2>&1 &
exporter=$!
python3 - "$port" <<'EOF' || { cat "$scratch/exporter.log" >&2; fail "node_exporter does not serve our metrics"; }
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/metrics"
for _ in range(100):
    try:
        text = urllib.request.urlopen(url, timeout=2).read().decode()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("no answer from " + url)
expected = [
    'deferred_memd_missing_bytes{command="run"} 1.34217728e+08',
    'deferred_memd_failed_blocks{command="run"} 1',
    'deferred_memd_last_run_exit_status{command="run"} 3',
    'deferred_memd_blocks{command="run",node="1",outcome="failed",zone="Normal"} 1',
    'deferred_memd_blocks{command="rescue",node="1",outcome="onlined",zone="Normal"} 1',
    'deferred_memd_missing_bytes{command="rescue"} 0',
    'deferred_memd_last_run_exit_status{command="rescue"} 0',
    'deferred_memd_watch_bursts_total 1',
    'deferred_memd_watch_onlined_blocks_total{zone="Movable"} 8',
    'node_textfile_scrape_error 0',
]
missing = [line for line in expected if line not in text.splitlines()]
ours = [line for line in text.splitlines() if line.startswith("deferred_memd_")]
if missing:
    print("\n".join(ours), file=sys.stderr)
    sys.exit("missing from /metrics: " + "; ".join(missing))
print(f"node_exporter /metrics on 127.0.0.1:{sys.argv[1]}: {len(ours)} deferred_memd_ series, no textfile scrape error")
EOF
