# The devicetree blob near the top of RAM, above mem= (issue #27; the patched arm64 kernel, one 4 GiB bank, the
# blob loaded at dm.dtb= by the boot stub, where an EFI stub would put it). setup_machine_fdt reserves the blob in
# memblock, mem= (memblock_cap_memory_range) drops that reservation with the memory above the limit, and nothing
# else tells userspace where the blob is. The kernel keeps the blob in use: /proc/device-tree's property values
# point into it, and /sys/firmware/fdt reads it. Onlining its block hands its pages to the allocator.
#   Checked: the kernel's candidates leave the blob's block out; the daemon plans without it and onlines the rest;
#   after memory pressure (below) the blob and the tree read as before, and plan on a capture still parses the tree.
#   dm.fdt=hide: the daemon reads a root without the candidates file, as the landed daemon on an unpatched
#   kernel did: the reproduction, expected to fail the last checks (not in CI).
. /lib.sh
dtb=$(sed -n 's/.*dm\.dtb=\([^ ]*\).*/\1/p' /proc/cmdline)
hide=$(sed -n 's/.*dm\.fdt=\([^ ]*\).*/\1/p' /proc/cmdline)
size=$(block_size)
blob_block=$((dtb / size))
candidates=/sys/kernel/deferred_mem_init/candidates
fdt_sum() { md5sum < /sys/firmware/fdt | cut -d' ' -f1; }
tree_sum() { find /proc/device-tree/ -type f | sort | while read -r f; do cat "$f"; done | md5sum | cut -d' ' -f1; }
fdt_before=$(fdt_sum)
tree_before=$(tree_sum)
echo "blob at $dtb, block $blob_block; candidates:"; cat $candidates

[ -e $candidates ] && pass kernel-lists-candidates || fail kernel-lists-candidates "no $candidates"
inside=no
listed=0
while read -r range node; do
    start=$(($(echo $range | cut -d- -f1))); end=$(($(echo $range | cut -d- -f2)))
    listed=$((listed + (end - start) / size))
    [ $((blob_block * size)) -lt $end ] && [ $(((blob_block + 1) * size)) -gt $start ] && inside=yes
done < $candidates
expect_eq candidates-leave-out-the-blobs-block $inside no
# mem=1G of 4 GiB: 24 blocks deferred, one of them the blob's.
expect_eq candidates-are-the-other-23-blocks $listed 23

set --
if [ "$hide" = hide ]; then
    # What the daemon saw before the kernel listed candidates: the same files, less that one.
    root=/no-candidates
    mkdir -p $root$MEM $root/proc/device-tree $root/sys/firmware $root/sys/kernel/deferred_mem_init $root/proc/sys/kernel/random $root/run
    mount --bind $MEM $root$MEM
    mount --bind /sys/firmware/devicetree/base $root/proc/device-tree
    cat /sys/firmware/fdt > $root/sys/firmware/fdt
    for f in /sys/kernel/deferred_mem_init/*; do [ "$f" = $candidates ] || cat $f > $root$f; done
    for f in cmdline meminfo iomem zoneinfo sys/kernel/random/boot_id; do cat /proc/$f > $root/proc/$f; done
    set -- --sysroot $root
fi
deferred-memd plan "$@" > /run/plan.txt 2>&1
expect_contains plan-skips-the-blobs-block "not among the kernel's candidates" /run/plan.txt
deferred-memd-boot run "$@" --json > /run/report.json 2> /run/run.err
expect_eq run-exit-code $? 0
[ ! -e $MEM/memory$blob_block ] && pass blobs-block-not-added || fail blobs-block-not-added "memory$blob_block is $(state $blob_block)"
no_block_offline nothing-left-offline

# Pressure: a tmpfs file (movable pages, which ZONE_MOVABLE serves first) over half of ZONE_MOVABLE's free memory,
# then every Movable block offlined but the highest, so that their pages migrate into the free ones left, as a
# balloon or a hot-remove would make them: the highest block, the blob's if the daemon added it, fills up.
# (Filling memory alone does not reach it: the block onlined last is freed to the tail of the free lists, and the
# zone's watermark reserve is its last pages; neither did compaction here.)
mkdir -p /fill
mount -t tmpfs -o size=100% tmpfs /fill
movable_free_mib=$(awk '/^Node/ { z = $4 } z == "Movable" && $1 == "pages" && $2 == "free" { s += $3 } END { print int(s * 4 / 1024) }' /proc/zoneinfo)
dd if=/dev/zero of=/fill/zeros bs=1M count=$((movable_free_mib / 2)) 2>/dev/null
measure filled_mib $((movable_free_mib / 2))
movable=$(for n in $(present_blocks); do [ "$(zone $n)" = Movable ] && [ "$(state $n)" = online ] && echo $n; done)
highest=$(echo "$movable" | tail -1)
moved=0
for n in $movable; do
    [ $n = $highest ] && continue
    echo offline > $MEM/memory$n/state 2>/dev/null && moved=$((moved + 1))
done
measure movable_blocks_offlined $moved
expect_eq blob-unchanged-after-pressure "$(fdt_sum)" "$fdt_before"
expect_eq tree-unchanged-after-pressure "$(tree_sum)" "$tree_before"
deferred-memd capture /run/capture > /dev/null 2>&1
deferred-memd plan --sysroot /run/capture > /run/capture-plan.txt 2>&1
expect_eq plan-on-a-capture-reads-the-tree $? 0
head -3 /run/capture-plan.txt
summary
