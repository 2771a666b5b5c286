# Measurements (probe-capable kernel, mem=1G, deferred_mem.kernelcore=50%): one way of onlining the deferred
# memory per boot, named by dm.mode= (serial, serial-tool, serial-auto-zone, per-zone, per-zone-nogate, shell). Prints MEASURE lines only
# (and checks that everything came online); the host collects them.
. /lib.sh
# Timed figures (NAME_us) in microseconds of the guest's CLOCK_MONOTONIC: counted time under -icount, TCG wall time
# otherwise.
mode=$(sed -n 's/.*dm\.mode=\([^ ]*\).*/\1/p' /proc/cmdline)
deferred-memd run --dry-run --probe-method two-write > /run/dry.txt 2>&1  # the plan as state writes, for planned_zones
planned_zones /run/dry.txt > /run/planned.txt
total=$(wc -l < /run/planned.txt)
size=$(block_size)
measure blocks $total
# What start-up costs before any work: exec + runtime + argument parsing, then reading and planning.
t0=$(now_us); i=0; while [ $i -lt 10 ]; do deferred-memd --help > /dev/null; i=$((i + 1)); done; t1=$(now_us)
measure exec_help_x10_us $((t1 - t0))
t0=$(now_us); i=0; while [ $i -lt 10 ]; do deferred-memd plan > /dev/null; i=$((i + 1)); done; t1=$(now_us)
measure plan_x10_us $((t1 - t0))
t0=$(now_us); i=0; while [ $i -lt 10 ]; do busybox true; i=$((i + 1)); done; t1=$(now_us)
measure busybox_true_x10_us $((t1 - t0))
case $mode in
shell)
    # What a plain init script does: one echo per probe, one per online, in plan order.
    t0=$(now_us)
    while read n z; do
        [ -e $MEM/memory$n ] || printf '0x%x\n' $((n * size)) > $MEM/probe
        echo online_$z > $MEM/memory$n/state
    done < /run/planned.txt
    t1=$(now_us)
    measure wall_us $((t1 - t0))
    ;;
*)
    program=deferred-memd-boot  # what the service runs
    case $mode in
        serial) flags="--workers serial" ;;  # the default: two writes per block
        serial-tool) flags="--workers serial"; program=deferred-memd ;;  # the same run from the command-line tool
        serial-auto-zone) flags="--workers serial --probe-method auto-zone" ;;  # one write per block (Linux 5.7+)
        per-zone) flags="--workers per-zone --gate" ;;
        per-zone-nogate) flags="--workers per-zone --no-gate" ;;
    esac
    t0=$(now_us)
    $program run $flags --json > /run/report.json 2> /run/run.err
    rc=$?
    t1=$(now_us)
    expect_eq run-exit-code $rc 0
    measure wall_us $((t1 - t0))
    measure engine_us $(($(json_number elapsedNanoseconds /run/report.json) / 1000))
    writes=$(sed -n 's/.*"writeNanoseconds": \([0-9]*\).*/\1/p' /run/report.json | tail -n $total | awk '{s += $1} END {print s}')
    measure kernel_write_us_sum $((writes / 1000))
    measure kernel_writes $(sed -n 's/.*"attempts": \([0-9]*\).*/\1/p' /run/report.json | awk '{s += $1} END {print s}')
    measure startup_to_first_write_us $(($(json_number monotonicFirstWrite /run/report.json) / 1000 - t0))
    measure startup_to_main_us $(($(json_number monotonicMain /run/report.json) / 1000 - t0))
    # Start-up by phase (the report's stamps): the machine read, then planned.
    measure startup_to_read_us $(($(json_number monotonicMachineRead /run/report.json) / 1000 - t0))
    measure startup_to_planned_us $(($(json_number monotonicPlanned /run/report.json) / 1000 - t0))
    measure verify_us $(($(json_number verifyNanoseconds /run/report.json) / 1000))
    measure peak_rss_kib $(json_number peakRSSKiB /run/report.json)
    ;;
esac
# The reads a verification makes (state and valid_zones of every planned block) from the shell's builtin `read`,
# 10 passes: what the kernel and this emulation charge for them whatever program asks.
t0=$(now_us); i=0
while [ $i -lt 10 ]; do
    while read n z; do read s < $MEM/memory$n/state; read s < $MEM/memory$n/valid_zones; done < /run/planned.txt
    i=$((i + 1))
done
t1=$(now_us)
measure shell_verify_reads_x10_us $((t1 - t0))
check_online_as_planned all-online-as-planned /run/planned.txt
summary
