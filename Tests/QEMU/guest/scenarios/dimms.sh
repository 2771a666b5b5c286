# Scenario 2 (stock kernel, memhp_default_state=offline, a 2 GiB DIMM on each of two NUMA nodes,
# MovableCore=50% in /etc/deferred-memd.conf): the split is applied per node, Normal below Movable on each.
. /lib.sh
size=$(block_size)
printf '[Plan]\nMovableCore=50%%\n' > /etc/deferred-memd.conf
offline_blocks > /run/offline.txt
for node in 0 1; do
    for n in $(cat /run/offline.txt); do [ "$(block_node $n)" = $node ] && echo $n; done > /run/node$node.txt
    count=$(wc -l < /run/node$node.txt)
    expect_eq "node$node-has-an-offline-dimm" "$count" 16
done
movable0=$(zone_present_pages Movable 0); movable1=$(zone_present_pages Movable 1)
deferred-memd run > /run/run.out 2>&1
expect_eq run-exit-code $? 0
no_block_offline nothing-left-offline
for node in 0 1; do
    head -8 /run/node$node.txt | sed 's/$/ kernel/' > /run/want$node.txt
    tail -8 /run/node$node.txt | sed 's/$/ movable/' >> /run/want$node.txt
    check_online_as_planned "node$node-lower-half-normal-upper-half-movable" /run/want$node.txt
done
expect_eq node0-zoneinfo-movable "$(($(zone_present_pages Movable 0) - movable0))" $((8 * size / 4096))
expect_eq node1-zoneinfo-movable "$(($(zone_present_pages Movable 1) - movable1))" $((8 * size / 4096))
summary
