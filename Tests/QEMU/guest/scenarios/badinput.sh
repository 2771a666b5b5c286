# Scenario 7a (probe-capable kernel, mem=1G): a configuration asking for more movable memory than exists is bad
# input: exit 2, a message naming the file and the value, and nothing changes in the kernel or in /run.
. /lib.sh
printf '[Plan]\nMovableCore=64G\n' > /etc/deferred-memd.conf
snapshot() { for n in $(present_blocks); do echo "$n $(state $n) $(zone $n)"; done; cat $MEM/auto_online_blocks; ls /sys/firmware/memmap | wc -l; ls /run/deferred-memd 2>/dev/null; }
snapshot > /run/before.txt
deferred-memd run > /run/out.txt 2> /run/err.txt
expect_eq exit-code $? 2
expect_contains message-names-the-file "/etc/deferred-memd.conf" /run/err.txt
expect_contains message-names-the-value "MovableCore=64G" /run/err.txt
expect_contains message-says-what-was-expected "at most the" /run/err.txt
snapshot > /run/after.txt
cmp -s /run/before.txt /run/after.txt && pass nothing-changed || fail nothing-changed "$(diff /run/before.txt /run/after.txt | tr '\n' '|')"
summary
