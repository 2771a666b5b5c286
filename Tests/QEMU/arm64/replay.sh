#!/bin/busybox sh
# run-arm64.py --replay: the writes the host's dry run recorded (/writes.sh), replayed with echo, between the
# states daemon-check.sh prints for the host to check.
. /scenarios/daemon-check.sh replay-before
sh -e /writes.sh
echo "STEP replay rc=$?"
state final
