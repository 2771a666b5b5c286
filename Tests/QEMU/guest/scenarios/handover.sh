# The kernel half (issue #27; the patched arm64 kernel, kernel/0002): the checked add, the kernel taking over, the
# kernel method. One case per boot, from dm.handover= (run-arm64.py's scenarios):
#   refusals       the online file refuses what is not a candidate block (ENXIO), a bad word or an unaligned address
#                  (EINVAL), a zone that would interleave (ERANGE) and a block online already (EEXIST), adding nothing;
#                  the daemon then finishes with the checked add, one write per block
#   timeout        no daemon: after deferred_mem.timeout= the kernel adds everything, split as the daemon plans it
#   stopped        the daemon SIGSTOPped once it has claimed the memory: the kernel finishes after the timeout, and the
#                  daemon, continued, reports the blocks it raced, no conflict
#   slow           a slow userspace (a block every 3 s, under a 6 s timeout) that keeps progressing is never overtaken
#   done-missing   userspace adds three blocks and says done: the kernel adds the rest
#   kernel         deferred_mem.mode=kernel: the kernel added everything at boot; the daemon stands down (no write)
# In each, every block of the daemon's plan ends online in the planned zone and on the planned node, its memmap in the
# block itself where memory_hotplug.memmap_on_memory=1 says so (refusals and done-missing).
. /lib.sh
case=$(sed -n 's/.*dm\.handover=\([^ ]*\).*/\1/p' /proc/cmdline)
DMI=/sys/kernel/deferred_mem_init
size=$(block_size)
# "index kernelZone node" for each block of a plan (the JSON prints one member per line).
plan_lines() {
    awk '$1 == "\"index\":" { v = $2; sub(",", "", v); i = v }
         $1 == "\"node\":" { v = $2; sub(",", "", v); n = v }
         $1 == "\"kernelZone\":" { v = $2; gsub("[\",]", "", v); print i, v, n }' "$1"
}
# Every planned block online, in its planned zone, on its planned node.
check_as_planned() {
    local bad="" count=0
    while read -r n z node; do
        count=$((count + 1))
        [ "$(state $n 2>/dev/null)" = online ] && [ "$(zone $n)" = "$z" ] && [ "$(block_node $n)" = "$node" ] \
            || bad="$bad memory$n($(state $n 2>/dev/null)/$(zone $n 2>/dev/null)/node$(block_node $n),want $z/node$node)"
    done < /run/planned
    if [ -z "$bad" ] && [ $count -gt 0 ]; then pass "$1"; else fail "$1" "$count planned;$bad"; fi
}
# Waits (up to $1 s) until state reads done.
wait_done() {
    local i=0
    while [ "$(cat $DMI/state)" != done ] && [ $i -lt $(($1 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
    expect_eq "$2" "$(cat $DMI/state)" done
}
# Writes "ADDRESS ZONE" to the online file; prints the exit status and keeps the error text in /run/online.err.
add() { echo "$1 $2" > $DMI/online 2> /run/online.err; echo $?; }
count_blocks() { present_blocks | wc -l; }
online_candidates() { local c=0; while read -r n z node; do [ "$(state $n 2>/dev/null)" = online ] && c=$((c + 1)); done < /run/planned; echo $c; }
zone_word() { [ "$1" = Movable ] && echo online_movable || echo online_kernel; }

echo "case $case; candidates:"; cat $DMI/candidates; echo "state: $(cat $DMI/state)"
# The slow userspace claims the memory first thing: the timer runs from late_initcall until then, and under TCG on a
# loaded host the plan below can take seconds of guest time.
[ "$case" = slow ] && echo userspace > $DMI/state
[ -w $DMI/online ] && pass kernel-has-the-checked-add || fail kernel-has-the-checked-add "no $DMI/online"
deferred-memd plan --json > /run/plan.json 2> /run/plan.err
expect_eq plan-exit-code $? 0
plan_lines /run/plan.json > /run/planned
measure planned_blocks "$(wc -l < /run/planned)"

case $case in
refusals)
    echo userspace > $DMI/state
    expect_eq userspace-claims "$(cat $DMI/state)" userspace
    before=$(count_blocks)
    expect_eq boot-memory-refused "$(add 0x40000000 online_kernel)" 1
    expect_contains boot-memory-is-enxio "No such device or address" /run/online.err
    expect_eq beyond-dram-refused "$(add 0x200000000 online_kernel)" 1
    expect_contains beyond-dram-is-enxio "No such device or address" /run/online.err
    expect_eq unaligned-refused "$(add 0x80001000 online_kernel)" 1
    expect_contains unaligned-is-einval "Invalid argument" /run/online.err
    expect_eq bad-zone-refused "$(add 0x80000000 online)" 1
    expect_contains bad-zone-is-einval "Invalid argument" /run/online.err
    expect_eq nothing-added-by-refusals "$(count_blocks)" "$before"
    # The plan (mem=1G, kernelcore=50%): memory16-27 Normal, memory28-39 Movable. By hand, as planned: memory30
    # Movable and memory20 Normal; then what would interleave with them.
    hex() { printf 0x%x $(($1 * size)); }
    expect_eq movable-added "$(add $(hex 30) online_movable)" 0
    expect_eq kernel-above-movable-refused "$(add $(hex 31) online_kernel)" 1
    expect_contains kernel-above-movable-is-erange "Numerical result out of range" /run/online.err
    [ ! -e $MEM/memory31 ] && pass interleave-adds-nothing || fail interleave-adds-nothing "memory31 is $(state 31)"
    expect_eq kernel-added "$(add $(hex 20) online_kernel)" 0
    expect_eq movable-below-kernel-refused "$(add $(hex 18) online_movable)" 1
    expect_contains movable-below-kernel-is-erange "Numerical result out of range" /run/online.err
    expect_eq again-refused "$(add $(hex 20) online_kernel)" 1
    expect_contains again-is-eexist "File exists" /run/online.err
    expect_eq node-of-the-candidate "$(block_node 30)" "$(awk '$1 == 30 { print $3 }' /run/planned)"
    deferred-memd-boot run --json > /run/report.json 2> /run/run.err
    expect_eq run-exit-code $? 0
    expect_contains run-uses-the-checked-add '"probeMethod": "checked-add"' /run/report.json
    expect_eq one-write-per-block "$(grep -c '^ *"online",*$' /run/report.json)" "$(($(wc -l < /run/planned) - 2))"
    expect_eq the-blocks-added-by-hand-are-already-online "$(json_block 30 outcome /run/report.json) $(json_block 20 outcome /run/report.json)" "already-online already-online"
    expect_eq state-after-the-run "$(cat $DMI/state)" done
    check_as_planned every-block-as-planned
    ;;
timeout)
    expect_eq nobody-claimed "$(cat $DMI/state)" waiting
    wait_done 120 kernel-took-over
    dmesg | grep deferred_mem_init
    dmesg | grep -q "no candidate block onlined for" && pass kernel-says-why || fail kernel-says-why "no takeover line"
    dmesg | grep -q "userspace timed out: onlined" && pass kernel-says-what || fail kernel-says-what "no per-zone line"
    check_as_planned every-block-as-planned
    deferred-memd-boot run --json > /run/report.json 2> /run/run.err
    expect_eq run-after-takeover-exit-code $? 0
    expect_eq run-after-takeover-writes-nothing "$(grep -c '"writes": \[$' /run/report.json)" 0
    ;;
stopped)
    deferred-memd-boot run --json > /run/report.json 2> /run/run.err &
    daemon=$!
    # Stopped once its first block appears (the checked add creates it inside the write that onlines it).
    first=$(head -1 /run/planned | cut -d' ' -f1)
    i=0
    while [ ! -e $MEM/memory$first ] && [ $i -lt 100000 ]; do i=$((i + 1)); done
    kill -STOP $daemon
    at_stop=$(online_candidates)
    measure online_at_stop "$at_stop"
    expect_eq daemon-claimed "$(cat $DMI/state)" userspace
    wait_done 120 kernel-took-over-from-the-stopped-daemon
    dmesg | grep deferred_mem_init
    kill -CONT $daemon
    wait $daemon
    expect_eq continued-daemon-exit-code $? 0
    cat /run/run.err | tail -3
    raced=$(json_count outcome raced /run/report.json)
    onlined=$(json_count outcome onlined /run/report.json)
    measure raced "$raced"
    measure onlined_by_daemon "$onlined"
    expect_eq no-conflict "$(json_count outcome conflict /run/report.json)" 0
    expect_eq every-block-accounted "$((raced + onlined))" "$(wc -l < /run/planned)"
    [ "$raced" -gt 0 ] && pass kernel-raced-the-daemon || fail kernel-raced-the-daemon "no raced block"
    [ "$onlined" -gt 0 ] && pass daemon-stopped-mid-run || fail daemon-stopped-mid-run "it onlined nothing before the stop"
    check_as_planned every-block-as-planned
    ;;
slow)
    # Eight blocks 3 s apart under a 6 s timeout: each re-arms the timer, so the kernel must not take over; then
    # 'done', and the kernel adds the rest.
    head -8 /run/planned | while read -r n z node; do
        sleep 3
        add $(printf 0x%x $((n * size))) $(zone_word $z) > /dev/null
    done
    expect_eq eight-added "$(online_candidates)" 8
    if dmesg | grep -q "taking over"; then fail slow-userspace-not-overtaken "$(dmesg | grep deferred_mem_init | tail -3)"; else pass slow-userspace-not-overtaken; fi
    expect_eq still-userspace "$(cat $DMI/state)" userspace
    echo done > $DMI/state
    wait_done 60 done-after-userspace
    dmesg | grep -q "userspace left blocks out: onlined" && pass kernel-added-the-rest-after-done || fail kernel-added-the-rest-after-done "$(dmesg | grep deferred_mem_init | tail -3)"
    check_as_planned every-block-as-planned
    ;;
done-missing)
    echo userspace > $DMI/state
    head -3 /run/planned | while read -r n z node; do add $(printf 0x%x $((n * size))) $(zone_word $z) > /dev/null; done
    expect_eq three-added "$(online_candidates)" 3
    echo done > $DMI/state
    wait_done 120 kernel-finished
    dmesg | grep deferred_mem_init
    dmesg | grep -q "userspace left blocks out: onlined" && pass kernel-says-it-added-the-rest || fail kernel-says-it-added-the-rest "no line"
    check_as_planned every-block-as-planned
    ;;
kernel)
    deferred-memd-boot run --json > /run/report.json 2> /run/run.err
    expect_eq stand-down-exit-code $? 0
    cat /run/run.err | tail -3
    expect_eq stand-down-writes-nothing "$(grep -c '"writes": \[$' /run/report.json)" 0
    expect_eq every-block-added-by-kernel "$(json_count outcome added-by-kernel /run/report.json)" "$(wc -l < /run/planned)"
    expect_contains report-says-kernel-method "deferred_mem.mode=kernel" /run/report.json
    # Sized for the memory the kernel added, though it was online before the daemon started.
    expect_contains threads-max-sized-after-the-kernel '"setting": "kernel.threads-max"' /run/report.json
    expect_eq threads-max-changed "$(awk '/"setting": "kernel.threads-max"/ { f = 1 } f && /"status"/ { gsub(/[",]/, "", $2); print $2; exit }' /run/report.json)" changed
    deferred-memd doctor > /run/doctor.txt 2>&1
    expect_contains doctor-says-kernel-method "deferred_mem.mode=kernel: the kernel adds" /run/doctor.txt
    deferred-memd status > /run/status.txt 2>&1
    expect_contains status-says-kernel "added by the kernel" /run/status.txt
    dmesg | grep deferred_mem_init
    dmesg | grep -q "deferred_mem.mode=kernel: onlined" && pass kernel-says-what || fail kernel-says-what "no per-zone line"
    # A big.LITTLE tree: the kernel's thread on the CPUs of the highest capacity.
    caps=$(cat /sys/devices/system/cpu/cpu*/cpu_capacity 2>/dev/null | sort -n | uniq)
    if [ "$(echo "$caps" | wc -l)" -gt 1 ]; then
        big=$(echo "$caps" | tail -1)
        cpus=$(for c in /sys/devices/system/cpu/cpu[0-9]*; do [ "$(cat $c/cpu_capacity)" = "$big" ] && echo ${c##*cpu}; done | tr '\n' ' ')
        measure fastest_cpus "$cpus"
        expect_eq kernel-thread-on-the-fastest "$(dmesg | sed -n 's/.*adding the candidates on CPUs \([0-9,-]*\) (capacity \([0-9]*\)).*/\1 \2/p')" "$(echo $cpus | tr ' ' ',') $big"
    fi
    check_as_planned every-block-as-planned
    ;;
*)
    fail known-case "dm.handover=$case"
    ;;
esac
# Where the added blocks' memmap lives (kernel/README.md): with memory_hotplug.memmap_on_memory=1 each block that the
# online file or the kernel added holds its own (64-byte struct pages: 512 of its 4 KiB pages), present in its zone
# but never managed; without it, every page of ZONE_MOVABLE (hot-added memory only) is managed.
movable=$(awk '$2 == "Movable" { c++ } END { print c + 0 }' /run/planned)
want=0 hosted=0
grep -q "memory_hotplug.memmap_on_memory=1" /proc/cmdline && want=$((movable * (size / 4096) * 64 / 4096)) hosted=1
expect_eq memmap-where-the-parameter-says "$(zone_unmanaged_pages Movable)" $want
expect_eq kernel-says-where-the-memmap-is "$(cat $DMI/memmap_on_memory)" $hosted
summary
