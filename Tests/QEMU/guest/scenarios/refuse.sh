# Scenario "a kernel that refuses" (probe kernel with CONFIG_MEMORY_NOTIFIER_ERROR_INJECT, mem=1G,
# deferred_mem.kernelcore=50%): every online fails with an injected errno (-12, -16, -5, -22). What the kernel
# does with the block, the probe and valid_zones; each run fails every block with the kernel's errno, with the
# daemon's bounded attempts and exit 1; the rescue (what the fallback unit runs) also fails, once, in bounded time;
# with the injection cleared a run finishes the first plan. The runs take the two-write path (`--probe-method
# two-write`), whose every online is its own write with its errno: under auto-zone the refusal inside a probe is
# silent and verification's online meets it (RefusingKernelTests, in simulation).
. /lib.sh
mount_debugfs
expect_eq injection-file-writable "$([ -w $INJECT ] && echo yes)" yes
inject -12
expect_eq injection-reads-back "$(cat $INJECT)" -12

# The kernel's own behaviour: a probe with auto_online_blocks=online under injection. The probe write succeeds
# (add_memory ignores the failed auto-online) and the block stays offline.
last=$(ram_ranges | whole_blocks_above $((1 << 30)) | tail -1)
echo online > $MEM/auto_online_blocks
echo 0x$(printf %x $((last * $(block_size)))) > $MEM/probe
expect_eq auto-online-probe-succeeds $? 0
expect_eq auto-online-probe-leaves-block-offline "$(state $last)" offline
expect_eq auto-online-probe-was-refused-once "$(injections)" 1
echo offline > $MEM/auto_online_blocks
zones_before=$(zone $last)
for command in online_movable online_kernel online; do
    echo $command 2> /run/sh.err > $MEM/memory$last/state
    echo "FACT $command on memory$last under -12: rc=$? '$(cat /run/sh.err)' state=$(state $last) valid_zones='$(zone $last)'"
done
expect_eq refused-block-stays-offline "$(state $last)" offline
expect_eq refused-block-keeps-valid-zones "$(zone $last)" "$zones_before"
expect_eq shell-writes-refused "$(injections)" 4
# The debugfs file clamps to [-MAX_ERRNO, 0]; a write then fails with whatever errno number it holds.
inject -100000
expect_eq injection-clamped-to-max-errno "$(cat $INJECT)" -4095
echo online_movable 2> /run/sh.err > $MEM/memory$last/state
echo "FACT online_movable under -100000: '$(cat /run/sh.err)' state=$(state $last)"
inject 5
expect_eq positive-injection-is-none "$(cat $INJECT)" 0
inject -12
echo "FACT valid_zones of memory$last before and after: '$zones_before' / '$(zone $last)'"

deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
total=$(wc -l < /run/planned.txt)
before=$(present_blocks | wc -l)
measure blocks $total

# One run per errno: EBUSY and ENOMEM are retried (5 attempts), EIO and EINVAL are not. The first run also probes.
run_refused() {
    local errno=$1 name=$2 online_attempts=$3 probes=$4
    inject $errno
    local seen=$(injections) t0=$(now_ms)
    deferred-memd-boot run --probe-method two-write --json > /run/$name.json 2> /run/$name.err
    local rc=$? t1=$(now_ms)
    expect_eq $name-exit-code $rc 1
    expect_eq $name-every-block-failed "$(json_count outcome failed /run/$name.json)" $total
    expect_eq $name-stage-online "$(json_count stage online /run/$name.json)" $total
    expect_eq $name-errno-in-report "$(json_count errno $name /run/$name.json)" $total
    expect_eq $name-attempts "$(json_sum attempts /run/$name.json)" $((total * online_attempts + probes))
    expect_eq $name-kernel-refusals "$(($(injections) - seen))" $((total * online_attempts))
    expect_eq $name-nothing-online "$(online_among /run/planned.txt)" 0
    expect_contains $name-errno-in-log "$name" /run/$name.err
    measure ${name}_ms $((t1 - t0))
}
run_refused -12 ENOMEM 5 $((total - 1))
expect_eq probes-unaffected "$(($(present_blocks | wc -l) - before))" $((total - 1))
expect_eq auto-online-restored "$(cat $MEM/auto_online_blocks)" offline
run_refused -16 EBUSY 5 0
run_refused -5 EIO 1 0
run_refused -22 EINVAL 1 0
grep -m1 'ENOMEM' /run/ENOMEM.err | sed 's/^/FACT log line: /'

# The rescue (deferred-memd-fallback.service's job) on the same kernel: each block gets the engine's 5 attempts
# in the kernel zone, then the plain `online` with the same retries (5 more); all refused; exit 3; it ends.
inject -12
seen=$(injections)
t0=$(now_ms)
deferred-memd-boot rescue > /run/rescue.out 2> /run/rescue.err
rc=$?
t1=$(now_ms)
expect_eq rescue-exit-code $rc 3
expect_eq rescue-kernel-refusals "$(($(injections) - seen))" $((total * 10))
expect_contains rescue-says-still-offline "0 blocks onlined in the kernel zone, $total still offline" /run/rescue.out
expect_eq rescue-nothing-online "$(online_among /run/planned.txt)" 0
[ $((t1 - t0)) -lt 60000 ] && pass "rescue-ends ($((t1 - t0)) ms)" || fail rescue-ends "$((t1 - t0)) ms"
measure rescue_ms $((t1 - t0))
cat /run/rescue.out

# Cleared: the next run finishes the first plan (the journal kept the zones), nothing retried.
inject 0
deferred-memd-boot run --probe-method two-write --json > /run/cleared.json 2> /run/cleared.err
expect_eq cleared-exit-code $? 0
check_online_as_planned cleared-every-block-online-as-planned /run/planned.txt
expect_eq cleared-one-attempt-each "$(json_sum attempts /run/cleared.json)" $total
measure injected_total "$(injections)"
summary
