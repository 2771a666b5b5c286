#!/bin/busybox sh
# Prints what an arm64 kernel shows about boot memory and deferred memory, as `FACT` lines on the console, then
# probes and onlines blocks by hand and prints what each write did.
# usage: facts.sh CAPTURE ADDR[:ACTION] ...
#   CAPTURE  1: first print the files deferred-memd reads (as `deferred-memd capture` copies them) as a gzip'd tar,
#            base64, between CAPTURE-BEGIN and CAPTURE-END lines; anything else: no capture
#   ADDR     physical address to write to memory/probe (0x hex); ACTION online_kernel, online_movable, online or
#            none (default), written to the new block's state
# As /init's scenario (arm64.py): CAPTURE from dm.capture=, the ADDRs from dm.probe= (comma-separated).
MEM=/sys/devices/system/memory
if [ $# -eq 0 ]; then
    arg() { sed -n "s/.*dm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
    set -- "$(arg capture)" $(arg probe | tr ',' ' ')
fi
DMI=/sys/kernel/deferred_mem_init
fact() { echo "FACT $*"; }

# A write and what it did: "ok" or the shell's error text (e.g. "Invalid argument").
write() {
    local err
    err=$( { echo "$1" > "$2"; } 2>&1 ) && { echo ok; return; }
    echo "${err##*: }"
}

block_line() {
    local n=$1 d=$MEM/memory$1 node
    node=$(ls -d $d/node* 2>/dev/null | sed 's/.*\///' | tr '\n' ' ')
    fact "block memory$n phys_index=$(cat $d/phys_index) state=$(cat $d/state) valid_zones='$(cat $d/valid_zones)' node=${node% }"
}

blocks() {
    for d in $MEM/memory*; do echo ${d##*memory}; done | sort -n | while read n; do block_line $n; done
}

zones() {
    awk '/^Node/ { gsub(",", "", $2); z = "node" $2 " " $4 }
         z != "" && $1 == "spanned" { s = $2 }
         z != "" && $1 == "present" { p = $2 }
         z != "" && $1 == "managed" { printf "FACT zone %s spanned=%s present=%s managed=%s\n", z, s, p, $2; z = "" }' /proc/zoneinfo
}

# Mirrors MachineCapture.swift: trees copied whole, links inside kept as links, uevent and power skipped,
# unreadable files (the write-only probe) as empty files, the top-level /proc/device-tree link followed.
CAP=/tmp/capture
copy() {
    local path=$1 depth=$2 name
    [ "$depth" -lt 16 ] || return 0
    mkdir -p "$CAP${path%/*}"
    if [ "$depth" -gt 0 ] && [ -L "$path" ]; then
        ln -sfn "$(readlink "$path")" "$CAP$path"
    elif [ -d "$path" ]; then
        mkdir -p "$CAP$path"
        for name in $(ls -A "$path" | sort); do
            [ "$name" = uevent ] || [ "$name" = power ] || copy "$path/$name" $((depth + 1))
        done
    else
        cat "$path" > "$CAP$path" 2>/dev/null || : > "$CAP$path"
    fi
}
capture() {
    rm -rf $CAP; mkdir -p $CAP
    for p in $MEM $DMI /sys/firmware/memmap /proc/device-tree /sys/firmware/fdt /proc/cmdline /proc/meminfo /proc/zoneinfo /proc/iomem \
             /etc/deferred-memd.conf /etc/deferred-memd.conf.d /run/deferred-memd/report.json \
             /sys/module/memory_hotplug/parameters; do
        [ -e "$p" ] && copy "$p" 0
    done
    echo "CAPTURE-BEGIN"
    (cd $CAP && tar cf - . | gzip -9 | base64)
    echo "CAPTURE-END"
}

dmesg -n 1
fact "uname $(uname -r)"
fact "cmdline $(cat /proc/cmdline)"
if [ -d $DMI ]; then
    for f in memblock_end_of_dram bootmem_end_of_dram deferred_kernelcore deferred_movablecore; do
        if [ -e $DMI/$f ]; then fact "deferred_mem_init $f $(cat $DMI/$f)"; else fact "deferred_mem_init $f absent"; fi
    done
else
    fact "deferred_mem_init absent"
fi
fact "dt memory nodes: $(cd /proc/device-tree && ls -d memory* 2>/dev/null | tr '\n' ' ')"
fact "dt reserved-memory: $(cd /proc/device-tree/reserved-memory 2>/dev/null && ls -d *@* 2>/dev/null | tr '\n' ' ')"
fact "efi $([ -d /sys/firmware/efi ] && echo yes || echo no)"
grep -i "system ram\|reserved" /proc/iomem | grep -v '^ ' | while read line; do fact "iomem $line"; done
fact "block_size_bytes $(cat $MEM/block_size_bytes)"
fact "auto_online_blocks $(cat $MEM/auto_online_blocks)"
fact "probe_file $([ -e $MEM/probe ] && echo present || echo absent)"
fact "nodes online=$(cat /sys/devices/system/node/online) has_memory=$(cat /sys/devices/system/node/has_memory 2>/dev/null)"
blocks
zones
grep -E "MemTotal|MemFree" /proc/meminfo | while read line; do fact "meminfo $line"; done
dmesg | grep -iE "deferred_mem_init|reserved mem|NUMA|node|memory limited|initrd|oops|bug|warn" | head -40 \
    | while read line; do fact "dmesg $line"; done

[ "$1" = 1 ] && capture
shift

size=$((0x$(cat $MEM/block_size_bytes)))
for spec in "$@"; do
    addr=${spec%%:*}
    action=none; [ "$addr" = "$spec" ] || action=${spec#*:}
    n=$((addr / size))
    fact "probe $addr -> $(write "$addr" $MEM/probe)"
    [ -d $MEM/memory$n ] && block_line $n
    if [ "$action" != none ] && [ -d $MEM/memory$n ]; then
        fact "state memory$n $action -> $(write "$action" $MEM/memory$n/state)"
        block_line $n
    fi
done
if [ $# -gt 0 ]; then
    zones
    fact "nodes after online=$(cat /sys/devices/system/node/online) has_memory=$(cat /sys/devices/system/node/has_memory 2>/dev/null)"
    dmesg | tail -20 | grep -iE "node|memory|oops|bug|warn|unable" | while read line; do fact "dmesg-after $line"; done
fi
fact "end"
