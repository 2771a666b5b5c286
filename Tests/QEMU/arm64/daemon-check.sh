#!/bin/busybox sh
# The daemon in an arm64 guest, against the real kernel: what deferred-memd.service runs, a re-run, status, and
# (mode crash) a SIGKILL mid-run and the re-run that finishes it. Prints what happened for the host to check
# (run-arm64.py): `STEP name rc=N`, every block as `BLOCK step memoryN state zones node`, zones as
# `ZONE step name present`, and the JSON documents as gzip'd base64 between `BLOB-BEGIN name` and `BLOB-END`.
# usage: daemon-check.sh run|crash|run-nodt|run-dt|stock, or as /init's scenario: the mode from dm.mode= and the
# crash cycles from dm.cycles=
#   run-nodt: the daemon reads a root that has the kernel's memory files (bind mounts of the real sysfs
#   directories, so its writes reach the kernel) and no devicetree: the vendor interface without a RAM map.
#   run-dt: the same root with the devicetree and without /sys/kernel/deferred_mem_init: a vendor kernel that has
#   the probe file but not the vendor interface, where mem= and the devicetree alone say what is deferred.
MEM=/sys/devices/system/memory
arg() { sed -n "s/.*dm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mode=${1:-$(arg mode)}
CYCLES=${CYCLES:-$(arg cycles)}
root=""

blob() { echo "BLOB-BEGIN $1"; gzip -c "$2" | base64; echo "BLOB-END"; }

state() {
    for d in $MEM/memory*; do echo ${d##*memory}; done | sort -n | while read n; do
        d=$MEM/memory$n
        node=$(ls -d $d/node* 2>/dev/null | sed 's/.*node//' | head -1)
        zones=$(cat $d/valid_zones 2>/dev/null | tr ' ' ',')  # none without CONFIG_MEMORY_HOTREMOVE
        echo "BLOCK $1 memory$n $(cat $d/state) ${zones:--} ${node:--}"
    done
    awk -v step="$1" '/^Node/ { gsub(",", "", $2); z = $4 } z != "" && $1 == "present" { print "ZONE " step " " z " " $2; z = "" }' /proc/zoneinfo
}

step() {
    local name=$1; shift
    "$@" > /tmp/$name.out 2> /tmp/$name.err
    echo "STEP $name rc=$?"
    sed "s/^/OUT $name: /" /tmp/$name.out | head -40
    sed "s/^/ERR $name: /" /tmp/$name.err | head -40
}

# replay-before: only define the helpers and print the state at boot (run-arm64.py --replay sources this).
if [ "$mode" = replay-before ] || [ "$1" = replay-before ]; then state before; return 0 2>/dev/null || exit 0; fi

# stock: Debian's arm64 kernel, which has no probe file. Whatever the command line deferred cannot be added: every
# step runs once and nothing may change in the kernel (the host compares the states and auto_online_blocks).
if [ "$mode" = stock ]; then
    state before
    echo "AUTO before $(cat $MEM/auto_online_blocks)"
    step check deferred-memd-boot plan --check
    step plan deferred-memd plan --json
    blob plan /tmp/plan.out
    step run deferred-memd-boot run --json
    blob report /tmp/run.out
    step doctor deferred-memd doctor
    step status deferred-memd status
    echo "AUTO final $(cat $MEM/auto_online_blocks)"
    state final
    exit 0
fi

if [ "$mode" = run-nodt ] || [ "$mode" = run-dt ]; then
    root=/partial-root
    mkdir -p $root$MEM $root/proc/sys/kernel/random $root/run
    mount --bind $MEM $root$MEM
    if [ "$mode" = run-nodt ]; then
        mkdir -p $root/sys/kernel/deferred_mem_init
        mount --bind /sys/kernel/deferred_mem_init $root/sys/kernel/deferred_mem_init
    else
        # /proc/device-tree is a link to an absolute path: bind the directory itself, and copy the blob.
        mkdir -p $root/proc/device-tree $root/sys/firmware
        mount --bind /sys/firmware/devicetree/base $root/proc/device-tree
        cat /sys/firmware/fdt > $root/sys/firmware/fdt
    fi
    for f in cmdline meminfo iomem zoneinfo sys/kernel/random/boot_id; do cat /proc/$f > $root/proc/$f; done
    set -- --sysroot $root
    mode=run
else
    set --
fi

echo "RELEASE $(uname -r)"
# Whether the kernel set up swiotlb's bounce buffer at boot, and whether the log still holds its first lines.
echo "SWIOTLB $(dmesg | grep -c 'software IO TLB: mapped') $(dmesg | head -3 | grep -c 'Linux version')"
state before
# The kernel's own list of what may be added (kernel/0002): the host compares it with the plan.
[ -e /sys/kernel/deferred_mem_init/candidates ] && sed 's/^/CANDIDATE /' /sys/kernel/deferred_mem_init/candidates
# What the unit runs first: ExecCondition=. The first exec of a big binary under TCG translates its code (~1 s).
step check deferred-memd-boot plan --check "$@"
step plan deferred-memd plan --json "$@"
blob plan /tmp/plan.out

if [ "$mode" = crash ]; then
    # Kill the service's run once it has journalled its plan (just before its first write) and had a moment.
    deferred-memd-boot run "$@" > /tmp/killed.out 2>&1 &
    pid=$!
    i=0
    while [ ! -e $root/run/deferred-memd/plan.json ] && [ $i -lt 400 ]; do usleep 10000; i=$((i + 1)); done
    usleep $(( ${KILL_DELAY_MS:-150} * 1000 ))
    kill -9 $pid
    wait $pid
    echo "STEP killed rc=$?"
    state killed
fi

step run deferred-memd-boot run --json "$@"
if [ "$mode" = crash ] && [ "${CYCLES:-0}" -gt 0 ]; then
    # Kill/re-run cycles over the online path: offline the Movable blocks this run onlined, start the service's run,
    # SIGKILL it at a growing delay, re-run, and check every one is back online in ZONE_MOVABLE.
    movable=$(for d in $MEM/memory*; do [ "$(cat $d/valid_zones)" = Movable ] && echo ${d##*memory}; done)
    cycle=0
    while [ $cycle -lt $CYCLES ]; do
        cycle=$((cycle + 1))
        for n in $movable; do echo offline > $MEM/memory$n/state 2>/dev/null; done
        # Without the journal the fresh plan gives the same zones (the Normal blocks are online above the boot end
        # and count in the split); its reappearance marks the run's first write, as in the first kill above.
        rm -f $root/run/deferred-memd/plan.json
        deferred-memd-boot run "$@" > /dev/null 2>&1 &
        pid=$!
        i=0
        while [ ! -e $root/run/deferred-memd/plan.json ] && [ $i -lt 400 ]; do usleep 10000; i=$((i + 1)); done
        usleep $(( (cycle % 6) * 25000 ))
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        at_kill=0; for n in $movable; do [ "$(cat $MEM/memory$n/state)" = online ] && at_kill=$((at_kill + 1)); done
        deferred-memd-boot run "$@" > /dev/null 2>&1
        rc=$?
        bad=0; for n in $movable; do [ "$(cat $MEM/memory$n/state) $(cat $MEM/memory$n/valid_zones)" = "online Movable" ] || bad=$((bad + 1)); done
        echo "CYCLE $cycle rc=$rc at_kill=$at_kill/$(echo $movable | wc -w) misplaced=$bad"
    done
fi
blob report /tmp/run.out
state after
step rerun deferred-memd-boot run --json "$@"
blob rerun /tmp/rerun.out
step status deferred-memd status "$@"
step recheck deferred-memd-boot plan --check "$@"
state final
