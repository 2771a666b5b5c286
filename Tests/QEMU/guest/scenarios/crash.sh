# Scenario 3 (probe-capable kernel, mem=1G, deferred_mem.kernelcore=50%): a run killed with SIGKILL mid-way,
# then a re-run, ends with everything online as first planned; a further run is a no-op with success.
. /lib.sh
deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
total=$(wc -l < /run/planned.txt)
before=$(present_blocks | wc -l)
# The boot binary, as the service runs it: a power cut or an OOM kill at boot hits this one. It probes with one
# write per block (auto-zone, asked for): the crash that leaves auto_online_blocks naming a zone.
deferred-memd-boot run --workers serial --probe-method auto-zone > /run/first.out 2>&1 &
pid=$!
# Kill once a few blocks are in: mid-way, between or inside writes.
i=0
while [ $i -lt 400 ]; do
    [ $(($(present_blocks | wc -l) - before)) -ge 4 ] && break
    usleep 5000; i=$((i + 1))
done
kill -9 $pid
wait $pid
expect_eq first-run-killed $? 137
# auto_online_blocks still names a zone, and only the saved value in /run/deferred-memd tells the next run (two
# writes per block, the default) what to put back.
case $(cat $MEM/auto_online_blocks) in
online_kernel | online_movable) pass "killed-run-left-auto-online-on ($(cat $MEM/auto_online_blocks))" ;;
*) fail killed-run-left-auto-online-on "auto_online_blocks is $(cat $MEM/auto_online_blocks)" ;;
esac
expect_eq killed-run-saved-auto-online "$(cat /run/deferred-memd/auto_online_blocks.saved)" offline
added=$(($(present_blocks | wc -l) - before))
[ $added -lt $total ] && pass "killed-mid-way ($added of $total probed)" || fail killed-mid-way "all $total blocks were in before the kill"
deferred-memd run --json > /run/rerun.json 2> /run/rerun.err
expect_eq rerun-exit-code $? 0
check_online_as_planned rerun-finishes-the-original-plan /run/planned.txt
no_block_offline nothing-left-offline
expect_eq rerun-no-conflicts "$(json_count outcome conflict /run/rerun.json)" 0
expect_eq auto-online-restored "$(cat $MEM/auto_online_blocks)" offline
deferred-memd run --json > /run/third.json 2>/dev/null
expect_eq third-run-exit-code $? 0
expect_eq third-run-is-a-no-op "$(json_count outcome already-online /run/third.json)" "$total"
summary
