# Scenario (probe-capable kernel, mem=1G with two x86 memmap= carve-outs: memmap=256M$0x80000000 reserves a range,
# memmap=128M!0xa0000000 makes one legacy persistent memory): /sys/firmware/memmap is the firmware's map from
# before the command line and still calls both System RAM; the kernel does not. The daemon must probe every
# deferred block but memory16-17 and memory20, which stay absent, and name the words that kept them out.
# The kernel does not protect them: with the carve-outs ignored, 6.1 probed and onlined all three (seen once).
. /lib.sh
limit=$((1 << 30))
ram_ranges > /run/ram.txt
present_blocks > /run/boot.txt
whole_blocks_above $limit < /run/ram.txt > /run/firmware.txt
grep -vxE '16|17|20' /run/firmware.txt > /run/expected.txt
expect_eq firmware-memmap-still-calls-them-ram "$(grep -cxE '16|17|20' /run/firmware.txt)" 3
# What the kernel made of them (e820 after memmap=): not System RAM in /proc/iomem.
for range in 80000000-8fffffff a0000000-a7ffffff; do
    kind=$(sed -n "s/^$range : //p" /proc/iomem | head -1)
    [ -n "$kind" ] && [ "$kind" != "System RAM" ] && pass "iomem-$range-is-$(echo $kind | tr ' ()' '_')" \
        || fail "iomem-$range" "'$kind' in /proc/iomem: $(grep -i "^[0-9a-f]*-[0-9a-f]* : " /proc/iomem | tr '\n' '|')"
done

deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
expect_eq plan-skips-the-carve-outs "$(cut -d' ' -f1 /run/planned.txt | tr '\n' ' ')" "$(tr '\n' ' ' < /run/expected.txt)"
deferred-memd plan --json > /run/plan.json
expect_contains plan-names-the-reserved-range 'memmap=256M$0x80000000' /run/plan.json
expect_contains plan-names-the-pmem-range 'memmap=128M!0xa0000000' /run/plan.json

deferred-memd-boot run --json > /run/report.json 2> /run/run.err  # what the service runs
expect_eq run-exit-code $? 0
check_online_as_planned every-block-online-in-planned-zone /run/planned.txt
no_block_offline nothing-left-offline
carved=""; for n in 16 17 20; do [ -e $MEM/memory$n ] && carved="$carved memory$n"; done
expect_eq carve-outs-never-probed "$carved" ""
expect_eq report-says-online "$(json_count outcome onlined /run/report.json)" "$(wc -l < /run/expected.txt)"
summary
