# Scenario 4 (stock kernel, offline DIMMs): a udev-style shell loop onlines blocks while the daemon runs. The daemon
# reports successes or conflicts, never errors, and nothing stays offline.
. /lib.sh
printf '[Plan]\nMovableCore=50%%\n' > /etc/deferred-memd.conf
total=$(offline_blocks | wc -l)
[ $total -gt 0 ] && pass "offline-dimms ($total blocks)" || fail offline-dimms none
deferred-memd run --json > /run/report.json 2> /run/run.err &
pid=$!
# The onliner starts once the daemon has planned (its journal exists), so they race over the writes themselves.
i=0
while [ ! -e /run/deferred-memd/plan.json ] && [ $i -lt 2000 ]; do usleep 1000; i=$((i + 1)); done
( while :; do for s in $MEM/memory*/state; do [ "$(cat $s)" = offline ] && echo online > $s 2>/dev/null; done; done ) &
loop=$!
wait $pid
rc=$?
kill $loop; wait $loop 2>/dev/null
expect_in run-exit-code-success-or-partial $rc "0 3"
expect_eq no-failed-blocks "$(json_count outcome failed /run/report.json)" 0
no_block_offline nothing-left-offline
ok=$(($(json_count outcome onlined /run/report.json) + $(json_count outcome raced /run/report.json) + $(json_count outcome already-online /run/report.json) + $(json_count outcome conflict /run/report.json)))
expect_eq every-block-planned "$(grep -c '"outcome":' /run/report.json)" "$total"
expect_eq every-block-a-success-or-conflict "$ok" "$total"
measure conflicts "$(json_count outcome conflict /run/report.json)"
measure raced "$(json_count outcome raced /run/report.json)"
summary
