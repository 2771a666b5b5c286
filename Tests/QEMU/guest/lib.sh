# Helpers for the guest scenarios: checks print `CHECK PASS name` or `CHECK FAIL name: why`; the host fails the
# scenario on any FAIL, on a missing SUMMARY, or on fewer checks than it expects.
MEM=/sys/devices/system/memory
PASS=0
FAIL=0

pass() { echo "CHECK PASS $1"; PASS=$((PASS + 1)); }
fail() { echo "CHECK FAIL $1: $2"; FAIL=$((FAIL + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }
expect_in() { case " $3 " in *" $2 "*) pass "$1" ;; *) fail "$1" "got '$2', want one of '$3'" ;; esac; }
expect_contains() { if grep -q -- "$2" "$3"; then pass "$1"; else fail "$1" "'$2' not in $3: $(head -c 600 "$3" | tr '\n' '|')"; fi; }
measure() { echo "MEASURE $1 $2"; }
summary() { echo "SUMMARY pass=$PASS fail=$FAIL"; }
# Milliseconds since boot (CLOCK_BOOTTIME, which is CLOCK_MONOTONIC in a guest that never suspends), 10 ms steps:
# busybox's date has no %N.
now_ms() { awk '{printf "%d\n", $1 * 1000}' /proc/uptime; }
# Microseconds of CLOCK_MONOTONIC, from /proc/timer_list's "now at N nsecs" (the daemon's report clock, in ns): what the
# bench's shell-side figures use, as under QEMU's -icount a 10 ms step is larger than the differences measured.
now_us() { awk '/^now at / {printf "%d\n", $3 / 1000; exit}' /proc/timer_list; }

block_size() { echo $((0x$(cat $MEM/block_size_bytes))); }
state() { cat $MEM/memory$1/state; }
zone() { cat $MEM/memory$1/valid_zones; }
present_blocks() { ls $MEM | sed -n 's/^memory\([0-9][0-9]*\)$/\1/p' | sort -n; }
offline_blocks() { for n in $(present_blocks); do [ "$(state $n)" = offline ] && echo $n; done; }
block_node() { ls -d $MEM/memory$1/node* 2>/dev/null | sed 's/.*node//' | head -1; }

# "start end" (end exclusive) of every System RAM range in the firmware memmap, as it is now.
ram_ranges() {
    for d in /sys/firmware/memmap/*; do
        [ "$(cat $d/type)" = "System RAM" ] || continue
        echo "$(($(cat $d/start))) $(($(cat $d/end) + 1))"
    done
}

# Indices of the whole blocks of System RAM at or above $1 in the ranges on stdin: what should be probed.
whole_blocks_above() {
    local limit=$1 size=$(block_size)
    while read s e; do
        [ $s -lt $limit ] && s=$limit
        local first=$(((s + size - 1) / size)) last=$((e / size - 1))
        local n=$first
        while [ $n -le $last ]; do echo $n; n=$((n + 1)); done
    done | sort -n
}

# "index kernel|movable" for each state write in a dry run's output.
planned_zones() { sed -nE 's#.*echo online_(kernel|movable) > /sys/devices/system/memory/memory([0-9]+)/state#\2 \1#p' "$1"; }

# Every block of a planned list ("index kernel|movable") is online in its zone.
check_online_as_planned() {
    local name=$1 file=$2 bad=""
    while read n z; do
        local want=Normal; [ "$z" = movable ] && want=Movable
        [ "$(state $n 2>/dev/null)" = online ] && [ "$(zone $n)" = "$want" ] || bad="$bad memory$n($(state $n 2>/dev/null)/$(zone $n 2>/dev/null),want $want)"
    done < "$file"
    if [ -z "$bad" ]; then pass "$name"; else fail "$name" "$bad"; fi
}

# Present pages of a zone on a node (or every node) from /proc/zoneinfo.
zone_present_pages() {
    awk -v z="$1" -v node="$2" '
        /^Node/ { gsub(",", "", $2); n = $2; inzone = ($4 == z) && (node == "" || node == n) }
        inzone && $1 == "present" { total += $2; inzone = 0 }
        END { print total + 0 }' /proc/zoneinfo
}

# Pages a zone has present but not managed (on every node): for ZONE_MOVABLE, which only hot-added memory fills, the
# memmap the blocks host themselves (memory_hotplug.memmap_on_memory).
zone_unmanaged_pages() {
    awk -v z="$1" '
        /^Node/ { inzone = ($4 == z) }
        inzone && $1 == "present" { present += $2 }
        inzone && $1 == "managed" { managed += $2; inzone = 0 }
        END { print present - managed }' /proc/zoneinfo
}

no_block_offline() { local left=$(offline_blocks | tr '\n' ' '); if [ -z "$left" ]; then pass "$1"; else fail "$1" "offline: $left"; fi; }

# Every present block lies wholly inside the RAM ranges in file $2 (read before anything was probed).
blocks_inside_ram() {
    local size=$(block_size) bad=""
    for n in $(present_blocks); do
        local s=$((n * size)) e=$(((n + 1) * size)) inside=no
        while read rs re; do [ $s -ge $rs ] && [ $e -le $re ] && inside=yes; done < "$2"
        # Boot blocks may span a firmware hole (the kernel onlined them itself); only probed ones must be RAM.
        [ $inside = yes ] || grep -qx "$n" "$3" || bad="$bad memory$n"
    done
    if [ -z "$bad" ]; then pass "$1"; else fail "$1" "outside System RAM:$bad"; fi
}

json_number() { sed -n "s/.*\"$1\": \([0-9][0-9]*\).*/\1/p" "$2" | head -1; }
json_sum() { sed -n "s/.*\"$1\": \([0-9][0-9]*\).*/\1/p" "$2" | awk '{s += $1} END {print s + 0}'; }
json_count() { grep -c "\"$1\": \"$2\"" "$3"; }

# The kernel's memory-notifier error injection (CONFIG_MEMORY_NOTIFIER_ERROR_INJECT): a negative errno written here
# makes every online of any block fail with it (MEM_GOING_ONLINE), until 0 is written.
INJECT=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error
mount_debugfs() { mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null; }
inject() { echo "$1" > $INJECT; }
# Online writes the kernel refused by injection since boot (it logs each one).
injections() { dmesg | grep -c 'Injecting error'; }
# A report's figure for one block ("attempts", "errno", "outcome", "stage"): the reports print one member per line.
json_block() {
    awk -v n="$1" -v key="\"$2\":" '
        $1 == "\"index\":" { sub(",", "", $2); current = $2 }
        current == n && $1 == key { v = $2; sub(",$", "", v); gsub("\"", "", v); print v; exit }' "$3"
}
json_sum() { sed -n "s/.*\"$1\": \([0-9][0-9]*\).*/\1/p" "$2" | awk '{ s += $1 } END { print s + 0 }'; }
# Planned blocks ("index zone" lines) whose state is online.
online_among() { local c=0; while read n z; do [ "$(state $n)" = online ] && c=$((c + 1)); done < "$1"; echo $c; }

memtotal_kib() { sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
# A tmpfs mount's size limit in KiB, from /proc/self/mountinfo. The kernel shows no size= while the limit equals
# the default of the moment, half of totalram (shmem_show_options): that half, then (4 KiB pages).
tmpfs_kib() {
    awk -v m="$1" -v total="$(memtotal_kib)" '
        $5 == m { t = ""; for (i = 7; i < NF; i++) if ($i == "-") { t = $(i + 1); break } }
        $5 == m && t == "tmpfs" { found = 1; s = ""; n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] ~ /^size=/) { s = substr(o[i], 6); sub("k", "", s) } }
        END { if (found && s == "") s = int(total / 4 / 2) * 4; print s }' /proc/self/mountinfo
}
