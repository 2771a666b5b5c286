# Boot benchmark (issue #16): one boot per RAM size and variant, named by dm.variant=:
#   full             probe kernel, no mem=: every struct page initialised by the boot CPU before /init;
#   kernel-deferred  the same kernel with DEFERRED_STRUCT_PAGE_INIT, no mem=: pgdatinit threads initialise most
#                    struct pages after SMP is up (6.1's page_alloc_init_late waits for them before /init);
#   deferred-memd    probe kernel, mem=1G: /init started deferred-memd-boot run first thing, in the background.
# The host times the DM-INIT and DM-ALL-ONLINE console lines from QEMU's start (run.py): the guest's own clock starts
# after the struct pages of boot memory were initialised. For the record, the guest's view too: *_uptime_ms
# (/proc/uptime, 10 ms steps) and *_printk_ms (the kernel's timestamps). In counted time (run.py boots them under
# -icount for the counted boot benchmark) the guest's TSC (tsc.c) is what counts: *_tsc_us, µs of executed
# instructions from QEMU's start. Prints MEASURE lines; the only checks are that the guest came up and that all
# memory came online.
. /lib.sh
variant=$(sed -n 's/.*dm\.variant=\([^ ]*\).*/\1/p' /proc/cmdline)
ms() { awk -v t="$1" 'BEGIN { printf "%d\n", t * 1000 }'; }
# printk time (ms) of the first kernel line containing $1.
printk_ms() { dmesg | awk -v pat="$1" 'index($0, pat) && match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
    t = substr($0, 2, RLENGTH - 2); gsub(/ /, "", t); printf "%d\n", t * 1000; exit }'; }
init_ms=$(ms "$DM_INIT_UPTIME")
all_tsc=$DM_INIT_TSC
measure init_uptime_ms "$init_ms"
measure init_printk_ms "$(printk_ms 'Run /init as init process')"
case $variant in
deferred-memd)
    while [ ! -e /run/daemon.end ]; do sleep 0.02; done
    read -r end _ < /run/daemon.end
    all_ms=$(ms "$end")
    all_tsc=$(cat /run/daemon.tsc 2>/dev/null)
    expect_eq daemon-exit-code "$(cat /run/daemon.rc)" 0
    engine_ns=$(json_number elapsedNanoseconds /run/daemon.json)
    measure daemon_engine_ms $((${engine_ns:-0} / 1000000))
    if [ -n "$DM_INIT_TSC" ]; then
        # The counted chart's curve (bootbench.py): when each block came online, as TSC µs. The report's stamps are
        # CLOCK_MONOTONIC; under -icount both clocks count executed instructions, so one offset converts them.
        tsc_now=$(/sbin/tsc)
        offset=$((tsc_now / 1000 - $(now_us)))
        start=$(json_number monotonicStart /run/daemon.json)
        curve=$(awk -v s="$start" -v o="$offset" '/"finishedAt":/ { v = $2; sub(",", "", v); printf "%d\n", (s + v) / 1000 + o }' \
            /run/daemon.json | sort -n | tr '\n' ',')
        measure online_curve_us "${curve%,}"
        measure block_mib $(($(block_size) >> 20))
    fi
    ;;
kernel-deferred)
    # 6.1 initialises the deferred struct pages before /init: MemTotal is final when /init runs.
    all_ms=$init_ms
    line="deferred pages initialised in"
    done_ms=$(printk_ms "$line")
    if [ -n "$done_ms" ]; then pass deferred-init-ran; else fail deferred-init-ran "no '$line' in dmesg"; fi
    measure deferred_done_printk_ms "$done_ms"
    measure deferred_init_ms "$(dmesg | sed -n "s/.*$line \([0-9]*\)ms.*/\1/p" | head -1)"
    ;;
*)
    all_ms=$init_ms
    ;;
esac
before=$(memtotal_kib)
measure all_online_uptime_ms "$all_ms"
if [ -n "$DM_INIT_TSC" ] && [ -n "$all_tsc" ]; then
    measure init_tsc_us $((DM_INIT_TSC / 1000))
    measure all_online_tsc_us $((all_tsc / 1000))
fi
# All memory online: no block offline, every whole block of System RAM in the firmware map present and online, and
# MemTotal no longer moving.
no_block_offline no-block-offline
ram_ranges | whole_blocks_above 0 > /run/ram-blocks.txt
missing=""
while read -r n; do [ "$(state $n 2>/dev/null)" = online ] || missing="$missing memory$n"; done < /run/ram-blocks.txt
if [ -z "$missing" ]; then pass every-ram-block-online; else fail every-ram-block-online "not online:$missing"; fi
expect_eq memtotal-final "$(memtotal_kib)" "$before"
measure memtotal_kib "$(memtotal_kib)"
measure online_blocks "$(for n in $(present_blocks); do state $n; done | grep -c '^online$')"
summary
