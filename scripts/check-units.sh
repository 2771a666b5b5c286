#!/usr/bin/env bash
# Stages an install into a temporary root and checks the units there: `systemd-analyze verify` must be clean
# and each unit's exposure (`systemd-analyze security --offline=true`) at most 2.0. Prints the scores.
# Usage: scripts/check-units.sh BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:?path to a built deferred-memd}
stage=$(mktemp -d /tmp/deferred-memd-units.XXXXXX)
trap 'rm -rf "$stage"' EXIT
"$here/scripts/install.sh" --destdir "$stage" --binary "$binary" >/dev/null
units=(deferred-memd.service deferred-memd-fallback.service deferred-memd-watch.service)
for unit in "${units[@]}"; do
    test -s "$stage/usr/lib/systemd/system/$unit" || { echo "check-units: $unit not installed" >&2; exit 1; }
done
for file in usr/sbin/deferred-memd usr/sbin/deferred-memd-boot etc/deferred-memd.conf usr/share/man/man8/deferred-memd.8 \
            usr/lib/systemd/system/systemd-zram-setup@.service.d/deferred-memd.conf \
            usr/share/bash-completion/completions/deferred-memd usr/share/zsh/site-functions/_deferred-memd \
            usr/share/fish/vendor_completions.d/deferred-memd.fish; do
    test -s "$stage/$file" || { echo "check-units: $file not installed" >&2; exit 1; }
done
# The example configuration parses without a configuration warning (every key commented out, every section known).
plan=$("$stage/usr/sbin/deferred-memd" plan --sysroot "$here/Examples/phone-12g" --config "$stage/etc/deferred-memd.conf" --json) \
    || { echo "check-units: plan with the example configuration failed" >&2; exit 1; }
if grep -q '"code": "configuration"' <<<"$plan"; then echo "check-units: the example configuration does not parse cleanly" >&2; exit 1; fi
# verify resolves dependencies (sysinit.target…) against this machine's units and checks that ExecStart= exists,
# so it runs on copies whose paths point into the staged root.
mkdir -p "$stage/verify"
for unit in "${units[@]}"; do
    sed "s|/usr/sbin/deferred-memd|$stage/usr/sbin/deferred-memd|g" "$stage/usr/lib/systemd/system/$unit" > "$stage/verify/$unit"
done
(cd "$stage/verify" && systemd-analyze verify --man=no "${units[@]/#/./}")
echo "systemd-analyze verify: clean"
for unit in "${units[@]}"; do
    line=$(systemd-analyze security --offline=true --root="$stage" --threshold=20 "$stage/usr/lib/systemd/system/$unit" 2>&1 | tail -1) \
        || { echo "check-units: $unit: $line (above 2.0)" >&2; exit 1; }
    echo "$line"
done
