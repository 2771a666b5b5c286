# Scenario 7b (stock kernel, which has no probe file, booted with mem=1G): the deferred memory needs probing, which
# this kernel cannot do: exit 1 (nothing could be done), a message naming the probe file, no kernel state changed.
. /lib.sh
snapshot() { for n in $(present_blocks); do echo "$n $(state $n) $(zone $n)"; done; cat $MEM/auto_online_blocks; ls /sys/firmware/memmap | wc -l; }
expect_eq no-probe-file "$([ -e $MEM/probe ] || echo absent)" absent
snapshot > /run/before.txt
deferred-memd run > /run/out.txt 2> /run/err.txt
expect_eq exit-code $? 1
cat /run/out.txt /run/err.txt > /run/all.txt
expect_contains message-names-the-probe-file "/sys/devices/system/memory/probe" /run/all.txt
expect_contains message-names-the-config "CONFIG_ARCH_MEMORY_PROBE" /run/all.txt
snapshot > /run/after.txt
cmp -s /run/before.txt /run/after.txt && pass no-kernel-state-changed || fail no-kernel-state-changed "$(diff /run/before.txt /run/after.txt | tr '\n' '|')"
summary
