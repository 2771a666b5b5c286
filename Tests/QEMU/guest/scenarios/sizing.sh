# After the memory (issue #29; probe-capable kernel, -m 16G): what Linux sizes once from the memory it has at boot,
# before the daemon's run, after it, and on a full boot of the same guest.
#   dm.sizing=full: no mem=; the reference. Its values reach the mem= boot as dm.full=KEY:VALUE,... (run.py).
#   dm.sizing=run: mem=256M; the daemon onlines the rest, then sizes threads-max, PID 1's RLIMIT_NPROC and
#     RLIMIT_SIGPENDING and the percentage tmpfs mounts (/dev/shm by default size, /run size=20%) again; /tmp,
#     mounted with a size in bytes, is left. Each must equal the kernel's formula for MemTotal after the run and
#     come within 5 % of the full boot, which counts less memory: its memmap comes from memblock (hot-added blocks
#     take theirs, 1/64 of them, from memory MemTotal counts) and fork_init runs before the initrd is freed (the
#     arm64 guest's, with the daemon in it, is tens of MiB): +1.3 % on x86 (16 GiB), +3.6 % on arm64 (4 GiB).
#     plan's hash-table values must equal the sizes the full boot's kernel logged, and its "now" the sizes this
#     boot's kernel logged.
#   dm.sizing=admin: an administrator lowered threads-max before the run: left alone, PID 1's limits raised.
. /lib.sh
mode=$(sed -n 's/.*dm\.sizing=\([^ ]*\).*/\1/p' /proc/cmdline)
full=$(sed -n 's/.*dm\.full=\([^ ]*\).*/\1/p' /proc/cmdline)
# systemd's mounts as it makes them: /dev/shm with the default size (half), /run at 20 %; /tmp set in bytes.
mkdir -p /dev/shm
mount -t tmpfs -o nosuid,nodev tmpfs /dev/shm
mount -t tmpfs -o nosuid,nodev,size=20% tmpfs /run
mount -t tmpfs -o size=64m tmpfs /tmp

logged_entries() { dmesg | sed -n "s/.*\] $1 hash table entries: \([0-9]*\) .*/\1/p" | head -1; }
# Every value, as KEY VALUE lines.
values() {
    echo "memtotal $(memtotal_kib)"
    echo "threads $(cat /proc/sys/kernel/threads-max)"
    echo "nproc $(awk '/^Max processes/ { print $3 }' /proc/1/limits)"
    echo "nproc_hard $(awk '/^Max processes/ { print $4 }' /proc/1/limits)"
    echo "sigpending $(awk '/^Max pending signals/ { print $4 }' /proc/1/limits)"
    echo "filemax $(cat /proc/sys/fs/file-max)"
    echo "minfree $(cat /proc/sys/vm/min_free_kbytes)"
    echo "shm $(tmpfs_kib /dev/shm)"
    echo "run $(tmpfs_kib /run)"
    echo "tmp $(tmpfs_kib /tmp)"
    echo "dhash $(logged_entries 'Dentry cache')"
    echo "ihash $(logged_entries 'Inode-cache')"
    echo "mhash $(logged_entries 'Mount-cache')"
}
value() { sed -n "s/^$1 //p" "$2"; }
# The full boot's value of KEY, from dm.full=.
reference() { echo "$full" | tr ',' '\n' | sed -n "s/^$1://p"; }
# Within 5 % of the full boot (above): name, value, reference.
near_full() {
    local ref=$(reference $3)
    if [ -n "$ref" ] && [ "$ref" -gt 0 ] && [ $(($2 * 1000 / ref)) -ge 950 ] && [ $(($2 * 1000 / ref)) -le 1050 ]; then
        pass "$1 ($2, full boot $ref, ratio $(($2 * 1000 / ref))/1000)"
    else
        fail "$1" "$2 against the full boot's '$ref'"
    fi
}

values > /run/before.txt
while read key value; do measure "${mode}_before_$key" "$value"; done < /run/before.txt

if [ "$mode" = full ]; then
    case " $(cat /proc/cmdline) " in *" mem="*) fail full-boot-has-all-memory "mem= on the command line" ;; *) no_block_offline full-boot-has-all-memory ;; esac
    summary
    exit 0
fi

if [ "$mode" = admin ]; then
    echo 1000 > /proc/sys/kernel/threads-max
fi
deferred-memd plan > /run/plan.txt 2>&1
deferred-memd run --dry-run > /run/dry.txt 2>&1
deferred-memd-boot run --json > /run/report.json 2> /run/run.err
expect_eq run-exit-code $? 0
no_block_offline nothing-left-offline
values > /run/after.txt
while read key value; do measure "${mode}_after_$key" "$value"; done < /run/after.txt
cat /run/run.err | grep -i -e sized -e 'left as booted' | head -10
sed -n '/"after"/,/"notes"/p' /run/report.json
after() { value $1 /run/after.txt; }
before() { value $1 /run/before.txt; }
total=$(after memtotal)
threads=$(after threads)

if [ "$mode" = admin ]; then
    expect_eq admins-threads-max-left "$threads" 1000
    expect_contains report-says-why "not the kernel's boot value" /run/report.json
    expect_eq init-nproc-raised-still "$(after nproc)" $((total / 128 / 2))
    summary
    exit 0
fi

[ -n "$full" ] && pass has-the-full-boot || fail has-the-full-boot "no dm.full= on the command line"
# The dry run lists the writes the run then made.
expect_contains dry-run-lists-threads-max "> /proc/sys/kernel/threads-max" /run/dry.txt
expect_contains dry-run-lists-the-remount "mount -o remount,size=50% /dev/shm" /run/dry.txt
expect_eq report-has-five-changes "$(grep -c '"status": "changed"' /run/report.json)" 5
# set_max_threads: MemTotal / (8 x THREAD_SIZE 16 KiB); fork_init: PID 1's limits half of it.
expect_eq threads-max-is-the-formula "$threads" $((total / 128))
near_full threads-max-near-the-full-boot "$threads" threads
expect_eq init-nproc-half "$(after nproc):$(after nproc_hard)" "$((threads / 2)):$((threads / 2))"
expect_eq init-sigpending-half "$(after sigpending)" $((threads / 2))
near_full init-nproc-near-the-full-boot "$(after nproc)" nproc
# shmem: ceil(pages x percent / 100) pages.
pages=$((total / 4))
expect_eq shm-is-half "$(after shm)" $(((pages + 1) / 2 * 4))
near_full shm-near-the-full-boot "$(after shm)" shm
expect_eq run-is-20-percent "$(after run)" $(((pages * 20 + 99) / 100 * 4))
near_full run-near-the-full-boot "$(after run)" run
expect_eq tmp-in-bytes-left "$(after tmp)" 65536
# fspick/fsconfig change the superblock only: the mount keeps its own flags.
expect_eq shm-keeps-nosuid-nodev "$(awk '$5 == "/dev/shm" { print $6 }' /proc/self/mountinfo | tr ',' '\n' | grep -c -e '^nosuid$' -e '^nodev$')" 2
# The kernel recomputes the watermarks as blocks come online (init_per_zone_wmark_min in online_pages).
[ "$(after minfree)" -gt "$(before minfree)" ] && pass "min-free-kbytes-recomputed-by-the-kernel ($(before minfree) -> $(after minfree), full boot $(reference minfree))" \
    || fail min-free-kbytes-recomputed-by-the-kernel "$(before minfree) -> $(after minfree)"
# Hash tables: what plan advises for the next boot is what the full boot's kernel made; its "now", this boot's.
advice=$(sed -n 's/.*for the next boot, sized for [^:]*: //p' /run/plan.txt)
echo "plan advises: $advice"
# The probe kernel has no networking: its TCP and UDP tables are never logged, and not checked.
for table in dhash ihash mhash; do
    got=$(echo "$advice" | tr ' ' '\n' | sed -n "s/^${table}_entries=//p")
    want=$(reference $table)
    # A table already as large as the full boot's is left out of the advice.
    [ -z "$got" ] && [ "$(before $table)" = "$want" ] && got=$want
    expect_eq "advice-$table-is-the-full-boot's" "$got" "$want"
done
expect_contains plan-says-the-boot-dentry-size "Dentry cache $(before dhash) entries" /run/plan.txt
summary
