# Scarce boot memory (probe-capable kernel, -m 16G with mem=256M or 320M, 50-85 % movable): the memmap of every
# probed block (64 bytes per 4 KiB page: 2 MiB per 128 MiB block) comes out of memory already online in a kernel
# zone, allocated at probe time (mm/sparse-vmemmap.c, GFP_KERNEL). The daemon orders the work so that it always
# fits: Normal blocks first, each probe followed by its online. Every deferred block ends online in its planned
# zone, nothing is OOM-killed, and the report gives free memory at the start and its low point.
# dm.workers= picks the engine's worker mode (serial by default). dm.expect=refuse: the plan cannot fit (all of it
# Movable), and the run must refuse before any write, with exit code 5 and the machine as it was.
. /lib.sh
workers=$(sed -n 's/.*dm\.workers=\([^ ]*\).*/\1/p' /proc/cmdline)
expect=$(sed -n 's/.*dm\.expect=\([^ ]*\).*/\1/p' /proc/cmdline)
size=$(block_size)
free_kib() { sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
# Free pages of the kernel zones (all but Movable): what GFP_KERNEL allocations such as the memmap can use.
kernel_free_kib() {
    awk '/^Node/ { z = $4 } $1 == "pages" && $2 == "free" && z != "Movable" { s += $3 } END { print s * 4 }' /proc/zoneinfo
}
oom_lines() { dmesg | grep -c -e 'invoked oom-killer' -e 'Out of memory' -e 'vmemmap alloc failure' -e 'page allocation failure'; }
measure memfree_boot_kib $(free_kib)
measure min_free_kbytes $(cat /proc/sys/vm/min_free_kbytes)

deferred-memd plan --json > /run/plan.json 2>/dev/null
deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
measure plan_need_kib $(($(sed -n '/"memmap"/,/}/s/.*"need": \([0-9]*\).*/\1/p' /run/plan.json) / 1024))
measure plan_memmap_kib $(($(sed -n '/"memmap"/,/}/s/.*"memmap": \([0-9]*\).*/\1/p' /run/plan.json) / 1024))

if [ "$expect" = refuse ]; then
    present_blocks > /run/before.txt
    expect_contains plan-says-cannot-fit memmap-cannot-fit /run/plan.json
    expect_eq dry-run-writes-nothing "$(grep -c '^echo' /run/dry.txt)" 0
    deferred-memd-boot run --json > /run/report.json 2> /run/run.err
    expect_eq run-exit-code $? 5
    present_blocks > /run/after.txt
    expect_eq nothing-probed "$(cat /run/after.txt | tr '\n' ' ')" "$(cat /run/before.txt | tr '\n' ' ')"
    expect_eq auto-online-untouched "$(cat $MEM/auto_online_blocks)" offline
    expect_contains report-names-the-figures 'nothing done: free memory' /run/report.json
    [ ! -e /run/deferred-memd/plan.json ] && pass no-plan-journal || fail no-plan-journal "the journal was written"
    expect_eq nothing-oom-killed "$(oom_lines)" 0
    measure memfree_end_kib $(free_kib)
    grep -m1 'nothing done' /run/report.json
    summary
    exit 0
fi

total=$(wc -l < /run/planned.txt)
measure blocks $total
# 16 GiB against a few hundred MiB of boot memory: over 100 blocks to bring online, or every check below is vacuous.
[ $total -ge 100 ] && pass "plan-covers-the-deferred-memory ($total blocks)" || fail plan-covers-the-deferred-memory "$total blocks planned"
measure movable_blocks $(grep -c movable /run/planned.txt)
expect_contains plan-warns-memmap-headroom memmap-headroom /run/plan.json

# What one probe and one online cost in free memory, by hand, on the first planned (Normal) block.
read first zone1 < /run/planned.txt
f0=$(free_kib); k0=$(kernel_free_kib)
printf '0x%x\n' $((first * size)) > $MEM/probe
f1=$(free_kib); k1=$(kernel_free_kib)
echo online_kernel > $MEM/memory$first/state
f2=$(free_kib); k2=$(kernel_free_kib)
measure probe_memfree_delta_kib $((f1 - f0))
measure probe_kernel_free_delta_kib $((k1 - k0))
measure online_memfree_delta_kib $((f2 - f1))
measure online_kernel_free_delta_kib $((k2 - k1))

flags=""
[ -n "$workers" ] && flags="--workers $workers"
deferred-memd-boot run $flags --json > /run/report.json 2> /run/run.err &  # what the service runs
pid=$!
# The daemon's anonymous memory, polled every 100 ms with shell builtins only (a fork per sample slowed the run
# 60-fold under TCG); VmHWM in the report also counts its file-backed text.
peak_anon=0
while kill -0 $pid 2>/dev/null; do
    while read key value unit; do
        [ "$key" = RssAnon: ] && [ "$value" -gt $peak_anon ] && peak_anon=$value
    done < /proc/$pid/status 2>/dev/null
    usleep 100000
done
wait $pid
expect_eq run-exit-code $? 0
check_online_as_planned every-block-online-in-planned-zone /run/planned.txt
no_block_offline nothing-left-offline
expect_eq nothing-oom-killed "$(oom_lines)" 0
# Normal first: every Normal block finished before the first Movable block began.
order=$(awk -F': ' '/"zone"/ { z = $2 } /"startedAt"/ { s = $2 + 0 } /"finishedAt"/ { f = $2 + 0
        if (z ~ /Normal/) { if (f > lastNormal) lastNormal = f } else if (z ~ /Movable/) { if (firstMovable == "" || s < firstMovable) firstMovable = s } }
        END { print (firstMovable == "" || lastNormal <= firstMovable) ? "normal-first" : "interleaved " lastNormal " > " firstMovable }' /run/report.json)
expect_eq normal-blocks-before-movable "$order" normal-first
start=$(json_number memFreeStart /run/report.json)
low=$(json_number memFreeLow /run/report.json)
[ -n "$start" ] && [ -n "$low" ] && [ "$low" -le "$start" ] && pass "report-has-free-memory (start $((start >> 10)) KiB, low $((low >> 10)) KiB)" \
    || fail report-has-free-memory "start '$start' low '$low'"
[ -n "$low" ] && [ $((low >> 10)) -gt $(cat /proc/sys/vm/min_free_kbytes) ] && pass free-memory-stayed-above-min-watermark \
    || fail free-memory-stayed-above-min-watermark "low $low"
measure memfree_end_kib $(free_kib)
measure kernel_free_end_kib $(kernel_free_kib)
measure report_memfree_start_kib $((start / 1024))
measure report_memfree_low_kib $((low / 1024))
measure peak_rss_kib $(json_number peakRSSKiB /run/report.json)
measure peak_rss_anon_kib $peak_anon
measure engine_ms $(($(json_number elapsedNanoseconds /run/report.json) / 1000000))
grep -m1 '"summary"' /run/report.json
summary
