# Scenario 1 (probe-capable kernel, booted with mem=1G deferred_mem.kernelcore=50%): the daemon finds the rest of
# RAM in the firmware memmap, probes and onlines it; every whole block of System RAM above 1 GiB ends online,
# half (rounded up) in Normal below the Movable half, and nothing outside System RAM is ever probed.
. /lib.sh
limit=$((1 << 30))
size=$(block_size)
ram_ranges > /run/ram.txt
present_blocks > /run/boot.txt
whole_blocks_above $limit < /run/ram.txt > /run/expected.txt
total=$(wc -l < /run/expected.txt)
expect_eq probe-file-exists "$([ -e $MEM/probe ] && echo yes)" yes
[ $total -gt 0 ] && pass "memmap-has-deferred-ram ($total blocks)" || fail memmap-has-deferred-ram "no whole block above mem="

deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
expect_eq plan-covers-every-deferred-block "$(cut -d' ' -f1 /run/planned.txt | tr '\n' ' ')" "$(tr '\n' ' ' < /run/expected.txt)"
normal_want=$(((total + 1) / 2))
expect_eq plan-normal-half "$(grep -c kernel /run/planned.txt)" "$normal_want"
highest_normal=$(grep kernel /run/planned.txt | tail -1 | cut -d' ' -f1)
lowest_movable=$(grep movable /run/planned.txt | head -1 | cut -d' ' -f1)
[ "$highest_normal" -lt "$lowest_movable" ] && pass normal-below-movable || fail normal-below-movable "Normal up to $highest_normal, Movable from $lowest_movable"

# The kernel decided on swiotlb at boot, from the RAM mem= left it. The plan warns no-bounce-buffer exactly when the
# kernel's log (its first lines still there) shows no bounce buffer, as with mem=1G and RAM above 4 GiB deferred.
deferred-memd plan --json > /run/plan.json 2>/dev/null
if dmesg | head -3 | grep -q 'Linux version'; then
    if dmesg | grep -q 'software IO TLB: mapped'; then
        expect_eq plan-quiet-with-a-bounce-buffer "$(grep -c no-bounce-buffer /run/plan.json)" 0
    else
        expect_contains plan-warns-no-bounce-buffer no-bounce-buffer /run/plan.json
    fi
fi

movable_before=$(zone_present_pages Movable)
# dm.method=auto-zone (the probe-q35 scenario): one kernel write per block, asked for; else the default, two.
method=$(sed -n 's/.*dm\.method=\([^ ]*\).*/\1/p' /proc/cmdline)
t0=$(now_ms)
deferred-memd-boot run ${method:+--probe-method $method} --json > /run/report.json 2> /run/run.err  # what the service runs
rc=$?
t1=$(now_ms)
expect_eq run-exit-code $rc 0
check_online_as_planned every-block-online-in-planned-zone /run/planned.txt
no_block_offline nothing-left-offline
blocks_inside_ram nothing-probed-outside-system-ram /run/ram.txt /run/boot.txt
movable_after=$(zone_present_pages Movable)
expect_eq zoneinfo-movable-pages "$((movable_after - movable_before))" "$(((total - normal_want) * size / 4096))"
expect_eq report-says-online "$(json_count outcome onlined /run/report.json)" "$total"
expect_eq auto-online-restored "$(cat $MEM/auto_online_blocks)" offline
if [ "$method" = auto-zone ]; then
    # On a 6.1 kernel: one probe write per block, auto_online_blocks set to online_kernel before the first and
    # switched once to online_movable; no block needed a state write after its probe.
    expect_eq probe-method-auto-zone "$(grep -c '"probeMethod": "auto-zone"' /run/report.json)" 1
    expect_eq one-write-per-block-plus-one-switch "$(json_sum attempts /run/report.json)" "$((total + 1))"
else
    # The default: a probe and a state write per block (auto_online_blocks is already offline: no switch).
    expect_eq probe-method-two-write "$(grep -c '"probeMethod": "two-write"' /run/report.json)" 1
    expect_eq two-writes-per-block "$(json_sum attempts /run/report.json)" "$((total * 2))"
fi
expect_eq no-block-onlined-after-probe "$(grep -c onlinedAfterProbe /run/report.json)" 0
measure wall_ms $((t1 - t0))

# A second run finds every block present and online: nothing to probe, nothing written.
deferred-memd run --json > /run/report2.json 2>/dev/null
expect_eq second-run-exit-code $? 0
expect_eq second-run-is-a-no-op "$(json_count outcome already-online /run/report2.json)" "$total"
summary
