# Scenario "a kernel that refuses some blocks" (probe kernel with CONFIG_MEMORY_NOTIFIER_ERROR_INJECT, mem=1G,
# deferred_mem.kernelcore=50%): the preloaded helper /lib/inject-online.so switches the kernel's injection on for
# the online writes of three chosen blocks only (a Normal one with ENOMEM, a Movable one with EIO, the last one
# with EBUSY) and off after each. Exactly those fail, each with its own errno and attempts; every other block is
# online in its planned zone; exit 3. A re-run without injection onlines the three in their planned zones.
. /lib.sh
mount_debugfs
deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
total=$(wc -l < /run/planned.txt)
normal=$(grep kernel /run/planned.txt | sed -n 2p | cut -d' ' -f1)
movable=$(grep movable /run/planned.txt | sed -n 3p | cut -d' ' -f1)
last=$(tail -1 /run/planned.txt | cut -d' ' -f1)
echo "chosen: memory$normal (Normal, -12) memory$movable (Movable, -5) memory$last (-16)"
grep -v -e "^$normal " -e "^$movable " -e "^$last " /run/planned.txt > /run/others.txt
LD_PRELOAD=/lib/inject-online.so DM_INJECT="$normal:-12:0 $movable:-5:0 $last:-16:0" DM_INJECT_LOG=/run/inject.log \
    deferred-memd-boot run --probe-method two-write --json > /run/report.json 2> /run/run.err
expect_eq exit-code $? 3
expect_eq three-failed "$(json_count outcome failed /run/report.json)" 3
for pair in "$normal ENOMEM 6" "$movable EIO 2" "$last EBUSY 6"; do
    set -- $pair
    expect_eq memory$1-failed "$(json_block $1 outcome /run/report.json)/$(json_block $1 stage /run/report.json)" failed/online
    expect_eq memory$1-errno "$(json_block $1 errno /run/report.json)" $2
    expect_eq memory$1-attempts "$(json_block $1 attempts /run/report.json)" $3
    expect_eq memory$1-offline "$(state $1)" offline
done
check_online_as_planned others-online-as-planned /run/others.txt
expect_eq others-onlined "$(json_count outcome onlined /run/report.json)" $((total - 3))
expect_eq kernel-refused-eleven-writes "$(injections)" 11
expect_eq helper-refused-eleven-writes "$(wc -l < /run/inject.log)" 11
expect_eq no-refusal-elsewhere "$(cut -d' ' -f1 /run/inject.log | sort -u | tr '\n' ' ')" "$(printf 'memory%s\n' $normal $movable $last | sort | tr '\n' ' ')"

deferred-memd-boot run --probe-method two-write --json > /run/rerun.json 2> /run/rerun.err
expect_eq rerun-exit-code $? 0
check_online_as_planned rerun-every-block-online-as-planned /run/planned.txt
expect_eq rerun-onlined-the-three "$(json_count outcome onlined /run/rerun.json)" 3
expect_eq rerun-others-already-online "$(json_count outcome already-online /run/rerun.json)" $((total - 3))
measure blocks $total
measure injected "$(injections)"
summary
