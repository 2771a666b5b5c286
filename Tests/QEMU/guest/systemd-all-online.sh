# The boot benchmark's mark in the systemd guest (systemd-all-online.service): the host times the DM-ALL-ONLINE line;
# any block still offline prints DM-OFFLINE-LEFT instead, and the host finds the mark missing. One grep over every
# block's state: the mark should cost little after deferred-memd.service is done. MemTotal at the mark is kept for
# the check that it no longer moves.
if grep -qx offline /sys/devices/system/memory/memory*/state; then
    echo "DM-OFFLINE-LEFT $(grep -lx offline /sys/devices/system/memory/memory*/state | wc -l) blocks"
else
    echo DM-ALL-ONLINE
fi
awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo > /run/dm-memtotal-at-mark
