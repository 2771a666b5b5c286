# The kernel half's figures (issue #27), in counted time (run-arm64.py --bench: -icount shift=0,sleep=off, one vCPU,
# so CLOCK_MONOTONIC counts executed instructions, 1 ns each). One way of adding the deferred memory per boot, from
# dm.method=: two-write (the daemon, probe then state), checked-add (the daemon, one write to the kernel's online
# file), kernel (deferred_mem.mode=kernel: the kernel's thread at boot), takeover (deferred_mem.timeout=0, no daemon).
# Prints MEASURE lines; nothing is judged here (benchmarks print figures).
#   init_us     CLOCK_MONOTONIC when /init's script began (the kernel's log starts near 0)
#   online_us   when the last deferred block was online: the daemon's exit, or the kernel's last per-zone log line
#   writes_us   Σ kernel write time of the daemon's blocks (its report), or the kernel's adding, first line to last
. /lib.sh
init_us=$(now_us)
# As deferred-memd.service runs it: with a random hashing seed the Swift runtime waits in getrandom() before main
# until the kernel's pool is ready, 2.05 s counted here (no rng-seed in the counted boots' devicetree).
[ "$(sed -n 's/.*dm\.hashing=\([^ ]*\).*/\1/p' /proc/cmdline)" = random ] || export SWIFT_DETERMINISTIC_HASHING=1
method=$(sed -n 's/.*dm\.method=\([^ ]*\).*/\1/p' /proc/cmdline)
# dm.binary=deferred-memd: the full CLI instead of the service's binary (issue #28: the two in exec → first write).
binary=$(sed -n 's/.*dm\.binary=\([^ ]*\).*/\1/p' /proc/cmdline)
DMI=/sys/kernel/deferred_mem_init
log_us() { dmesg | grep "$1" | tail -1 | awk -F'[][]' '{ printf "%d\n", $2 * 1000000 }'; }
case $method in
two-write|checked-add)
    start_us=$(now_us)
    ${binary:-deferred-memd-boot} run --probe-method $method --json > /run/report.json 2> /run/run.err
    rc=$?
    online_us=$(now_us)
    measure daemon_us $((online_us - start_us))
    measure engine_us $(($(json_number elapsedNanoseconds /run/report.json) / 1000))
    # Where the daemon's time goes, from its report's CLOCK_MONOTONIC stamps (ns): exec → main (loader, runtime) →
    # machine read → planned → engine start (journal, claim) → first write.
    measure main_us $(($(json_number monotonicMain /run/report.json) / 1000 - start_us))
    measure read_us $(($(json_number monotonicMachineRead /run/report.json) / 1000 - start_us))
    measure planned_us $(($(json_number monotonicPlanned /run/report.json) / 1000 - start_us))
    measure engine_start_us $(($(json_number monotonicStart /run/report.json) / 1000 - start_us))
    measure first_write_us $(($(json_number monotonicFirstWrite /run/report.json) / 1000 - start_us))
    measure engine_end_us $((($(json_number monotonicStart /run/report.json) + $(json_number elapsedNanoseconds /run/report.json)) / 1000 - start_us))
    # The blocks' write times only: each worker's summary repeats its blocks' sum.
    measure writes_us $(($(awk '/"blocks": \[/ { b = 1 } b && /"writeNanoseconds":/ { v = $2; sub(",", "", v); s += v } END { print s + 0 }' /run/report.json) / 1000))
    ;;
kernel|takeover)
    i=0
    while [ "$(cat $DMI/state)" != done ] && [ $i -lt 30000 ]; do sleep 0.02; i=$((i + 1)); done
    rc=0
    first=$(log_us "adding the candidates\|taking over")
    online_us=$(log_us ": onlined .* into ")
    measure writes_us $((online_us - first))
    ;;
esac
expect_eq run-exit-code $rc 0
no_block_offline nothing-left-offline
[ -z "$(offline_blocks)" ] && [ "$(cat $DMI/candidates | wc -l)" -gt 0 ] && pass candidates-listed || fail candidates-listed "none"
measure method $method
measure init_us $init_us
measure online_us $online_us
measure memtotal_kib $(memtotal_kib)
summary
