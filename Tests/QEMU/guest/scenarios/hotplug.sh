# Scenario 5 (stock kernel, 2 GiB boot memory, DIMMs hot-plugged by the host through QMP while `watch` runs):
# phase 1, policy split with MovableCore=50%: a 1 GiB DIMM goes half Normal (lower), half Movable;
# phase 2, policy auto-movable (ratio 301 %, KERNEL = 2.5 GiB when it starts): a 2 GiB DIMM fits (2.5 ≤ 7.5)
# and goes Movable as a whole; then a 6 GiB DIMM would not (8.5 > 7.5) and goes to the kernel zone as a whole.
. /lib.sh
printf '[Plan]\nMovableCore=50%%\n' > /etc/deferred-memd.conf

# Waits until $1 new blocks beyond those in $2 are present and none of them offline; lists them in $3.
wait_for_dimm() {
    local want=$1 i=0
    while [ $i -lt 600 ]; do
        present_blocks | grep -vxF -f "$2" > "$3"
        if [ "$(wc -l < "$3")" -ge "$want" ]; then
            local offline=0
            for n in $(cat "$3"); do [ "$(state $n)" = online ] || offline=1; done
            [ $offline = 0 ] && return 0
        fi
        usleep 50000; i=$((i + 1))
    done
    return 1
}
zones_of() { for n in $(cat "$1"); do zone $n; done | tr '\n' ' '; }

present_blocks > /run/known.txt
deferred-memd watch --events kernel --policy split > /run/watch1.out 2>&1 &
pid=$!
sleep 1
echo "PLUG dimm1 1G"
wait_for_dimm 8 /run/known.txt /run/dimm1.txt && pass dimm1-online || fail dimm1-online "$(zones_of /run/dimm1.txt)"
expect_eq dimm1-split "$(zones_of /run/dimm1.txt)" "Normal Normal Normal Normal Movable Movable Movable Movable "
kill -TERM $pid; wait $pid
expect_eq watch-sigterm-exit-code $? 0
expect_contains watch-summary "watching: 1 bursts, 8 blocks onlined (Normal 4, Movable 4)" /run/watch1.out

present_blocks > /run/known.txt
deferred-memd watch --events kernel --policy auto-movable > /run/watch2.out 2>&1 &
pid=$!
sleep 1
echo "PLUG dimm2 2G"
wait_for_dimm 16 /run/known.txt /run/dimm2.txt && pass dimm2-online || fail dimm2-online "$(zones_of /run/dimm2.txt)"
expect_eq dimm2-movable-as-a-whole "$(zones_of /run/dimm2.txt | tr ' ' '\n' | sort -u | tr '\n' ' ')" "Movable "
present_blocks > /run/known.txt
echo "PLUG dimm3 6G"
wait_for_dimm 48 /run/known.txt /run/dimm3.txt && pass dimm3-online || fail dimm3-online "$(zones_of /run/dimm3.txt)"
expect_eq dimm3-kernel-zone-as-a-whole "$(zones_of /run/dimm3.txt | tr ' ' '\n' | sort -u | tr '\n' ' ')" "Normal "
kill -TERM $pid; wait $pid
expect_eq watch2-sigterm-exit-code $? 0
no_block_offline nothing-left-offline
summary
