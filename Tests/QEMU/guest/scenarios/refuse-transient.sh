# Scenario "a kernel that refuses for a while" (probe kernel with CONFIG_MEMORY_NOTIFIER_ERROR_INJECT, mem=1G,
# deferred_mem.kernelcore=50%): the kernel refuses the first online writes of the run with EBUSY, then the guest
# clears the injection (the preloaded helper /lib/inject-online.so sets it before each chosen write and clears it
# after, so the count is exact whatever the timing). The daemon's retries carry the first block through: every
# block online as planned, exit 0, and the first block's attempts in the report are 1 probe + 5 online writes.
. /lib.sh
mount_debugfs
deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
total=$(wc -l < /run/planned.txt)
first=$(head -1 /run/planned.txt | cut -d' ' -f1)
second=$(sed -n 2p /run/planned.txt | cut -d' ' -f1)
t0=$(now_ms)
# Four refusals: the daemon's fifth and last attempt is the one that succeeds.
LD_PRELOAD=/lib/inject-online.so DM_INJECT='*:-16:4' DM_INJECT_LOG=/run/inject.log \
    deferred-memd-boot run --probe-method two-write --json > /run/report.json 2> /run/run.err
rc=$?
t1=$(now_ms)
expect_eq exit-code $rc 0
check_online_as_planned every-block-online-as-planned /run/planned.txt
expect_eq kernel-refused-four-writes "$(injections)" 4
expect_eq helper-refused-four-writes "$(grep -c "^memory$first -16$" /run/inject.log)" 4
expect_eq first-block-onlined "$(json_block $first outcome /run/report.json)" onlined
expect_eq first-block-attempts "$(json_block $first attempts /run/report.json)" 6
expect_eq first-block-last-errno "$(json_block $first errno /run/report.json)" EBUSY
expect_eq second-block-attempts "$(json_block $second attempts /run/report.json)" 2
expect_eq attempts-in-all "$(json_sum attempts /run/report.json)" $((total * 2 + 4))
expect_eq report-says-online "$(json_count outcome onlined /run/report.json)" "$total"
# The backoff between the five writes: 10 + 20 + 40 + 80 ms at least.
started=$(json_block $first startedAt /run/report.json)
finished=$(json_block $first finishedAt /run/report.json)
[ $(((finished - started) / 1000000)) -ge 150 ] && pass "first-block-backed-off ($(((finished - started) / 1000000)) ms)" || fail first-block-backed-off "$(((finished - started) / 1000000)) ms"
measure blocks $total
measure wall_ms $((t1 - t0))
measure first_block_ms $(((finished - started) / 1000000))
summary
