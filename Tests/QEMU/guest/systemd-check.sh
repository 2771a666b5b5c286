# Scenario 6, inside a Debian guest whose PID 1 is systemd (stock kernel, two offline DIMMs):
#   dm.scenario=systemd: deferred-memd.service onlines the DIMMs at boot per /etc/deferred-memd.conf; its
#     status text, active state, READY timing and journal fields are checked; the fallback did not run.
#   dm.scenario=systemd-fallback: the configuration is bad, the main run fails, and the fallback unit brings
#     every block online in the kernel zone.
#   dm.scenario=systemd-doctor: Red Hat's 40-redhat.rules is installed in /usr/lib/udev/rules.d and the stock
#     kernel's configuration in /boot: `deferred-memd doctor` names the rule's file and line as a failure, reads
#     the configuration (no probe interface, hot-remove on), and exits 6, as does `doctor --json`.
#   dm.scenario=systemd-upgrade: the package was installed, its conffile changed (MovableCore=25%), and a newer
#     package installed over it: the change is kept, the service still enabled, and it onlines per the change.
#   dm.scenario=systemd-bootbench (the boot benchmark, timed by the host; run.py's boot_benchmark): dm.variant=
#     systemd-deferred-memd, 1 GiB of boot RAM and dm.dimm_blocks= blocks of offline DIMMs the unit onlines
#     (MovableCore=50%), or systemd-kernel-deferred, all of it boot RAM (the stock kernel has
#     DEFERRED_STRUCT_PAGE_INIT) and the unit skipped; here only that all memory came online as planned.
# Every one boots a root where `dpkg -i` installed the package and its postinst enabled the service.
. /dm/lib.sh
scenario=$(sed -n 's/.*dm\.scenario=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "GUEST-START $scenario (systemd)"
# Wait for the units to settle (the fallback runs after the main unit fails).
i=0
while [ $i -lt 600 ]; do
    main=$(systemctl show -P ActiveState deferred-memd.service)
    fallback=$(systemctl show -P ActiveState deferred-memd-fallback.service)
    case "$scenario:$main:$fallback" in
        systemd:active:*|systemd-upgrade:active:*|systemd-fallback:failed:active) break ;;
        systemd-doctor:activating:*|systemd-doctor:*:activating) ;;
        systemd-doctor:*) break ;;
        systemd-bootbench:*) break ;;  # dm-check.service is ordered after the units and the mark
    esac
    sleep 0.1; i=$((i + 1))
done
status=$(systemctl show -P StatusText deferred-memd.service)
echo "deferred-memd.service: ActiveState=$main StatusText=$status"
journalctl -u deferred-memd -u deferred-memd-fallback --no-pager -o cat | tail -20
expect_eq installed-by-dpkg "$(dpkg-query -W -f='${Status}' deferred-memd)" "install ok installed"
case "$(readlink /etc/systemd/system/sysinit.target.wants/deferred-memd.service)" in
    */lib/systemd/system/deferred-memd.service) pass enabled-by-postinst ;;
    *) fail enabled-by-postinst "no sysinit.target.wants link: $(ls /etc/systemd/system/sysinit.target.wants)" ;;
esac
if [ "$scenario" = systemd ]; then
    expect_eq main-unit-active "$main" active
    expect_eq main-unit-result "$(systemctl show -P Result deferred-memd.service)" success
    case "$status" in "onlined 32/32 blocks"*) pass status-text-is-the-summary ;; *) fail status-text-is-the-summary "$status" ;; esac
    no_block_offline nothing-left-offline
    expect_eq half-movable "$(for n in $(present_blocks); do zone $n; done | grep -c Movable)" 16
    expect_eq fallback-did-not-run "$fallback" inactive
    # READY=1 came once the last block was online: the unit became active after the report's last write ended.
    ready_us=$(systemctl show -P ActiveEnterTimestampMonotonic deferred-memd.service)
    start_ns=$(json_number monotonicStart /run/deferred-memd/report.json)
    last_ns=$(sed -n 's/.*"finishedAt": \([0-9]*\).*/\1/p' /run/deferred-memd/report.json | sort -n | tail -1)
    [ "$ready_us" -ge $(((start_ns + last_ns) / 1000)) ] && pass ready-after-all-memory-online || fail ready-after-all-memory-online "ready at ${ready_us} us, last write ended at $(((start_ns + last_ns) / 1000)) us"
    journalctl -u deferred-memd --no-pager -o verbose > /run/journal.txt
    expect_contains journal-has-identifier "SYSLOG_IDENTIFIER=deferred-memd" /run/journal.txt
    expect_contains journal-has-zone-field "ZONE=Movable" /run/journal.txt
    expect_contains journal-has-bytes-field "BYTES=" /run/journal.txt
    expect_contains journal-has-node-field "NODE=1" /run/journal.txt
    # After the memory ([After], issue #29), from inside the unit's sandbox: threads-max is the kernel's formula for
    # MemTotal (THREAD_SIZE 16 KiB), PID 1's limits half of it (prlimit, CAP_SYS_RESOURCE), and systemd's /dev/shm
    # (default size, half) and /run (size=20%) sized for all memory (fspick/fsconfig, CAP_SYS_ADMIN), keeping
    # their mount flags.
    total=$(memtotal_kib)
    threads=$(cat /proc/sys/kernel/threads-max)
    expect_eq unit-sized-threads-max "$threads" $((total / 128))
    expect_eq unit-raised-init-nproc "$(awk '/^Max processes/ { print $3 ":" $4 }' /proc/1/limits)" "$((threads / 2)):$((threads / 2))"
    expect_eq unit-sized-dev-shm "$(tmpfs_kib /dev/shm)" $(((total / 4 + 1) / 2 * 4))
    expect_eq unit-sized-run "$(tmpfs_kib /run)" $(((total / 4 * 20 + 99) / 100 * 4))
    expect_eq dev-shm-keeps-nosuid-nodev "$(awk '$5 == "/dev/shm" { print $6 }' /proc/self/mountinfo | tr ',' '\n' | grep -c -e '^nosuid$' -e '^nodev$')" 2
    expect_contains journal-has-the-old-and-new-value "sized for the memory online" /run/journal.txt
    # Left as booted by the daemon; what systemd made of it (Docs/sizing.md).
    measure file_max "$(cat /proc/sys/fs/file-max)"
    # With everything online, ExecCondition (plan --check) skips a new start cleanly: inactive, not failed.
    systemctl restart deferred-memd.service
    expect_eq exec-condition-skips-a-second-start "$(systemctl show -P ActiveState deferred-memd.service)" inactive
    expect_eq skipped-is-not-failed "$(systemctl is-failed deferred-memd.service)" inactive
elif [ "$scenario" = systemd-doctor ]; then
    # Whatever the race between the rule and the unit did, doctor must name the rule.
    echo "zones after boot: $(for n in $(present_blocks); do zone $n; done | sort | uniq -c | tr '\n' ' ')"
    deferred-memd doctor > /run/doctor.txt 2>&1; rc=$?
    cat /run/doctor.txt
    expect_eq doctor-exits-6 "$rc" 6
    expect_contains doctor-fails-the-rule "^fail  udev-rule  *\/usr\/lib\/udev\/rules.d\/40-redhat.rules:14 onlines memory" /run/doctor.txt
    expect_contains doctor-says-how-to-mask "ln -s /dev/null /etc/udev/rules.d/40-redhat.rules" /run/doctor.txt
    # Where the kernel's package put it: /boot (6.1, 6.12) or only /usr/lib/modules/<release> (sid's, 7.2).
    config=/boot/config-$(uname -r); [ -e "$config" ] || config=/usr/lib/modules/$(uname -r)/config
    expect_contains doctor-reads-the-kernel-config "^ok    kernel-config  *kernel $(uname -r): configuration read from $config" /run/doctor.txt
    expect_contains doctor-sees-hot-remove "^ok    hot-remove  *CONFIG_MEMORY_HOTREMOVE=y" /run/doctor.txt
    deferred-memd doctor --json > /run/doctor.json 2>&1; rc=$?
    expect_eq doctor-json-exits-6 "$rc" 6
    expect_contains doctor-json-has-the-rule '"code": "udev-rule"' /run/doctor.json
    # Masked as doctor says, the rule is gone from its findings.
    ln -s /dev/null /etc/udev/rules.d/40-redhat.rules
    deferred-memd doctor > /run/doctor-masked.txt 2>&1
    expect_contains doctor-honours-the-mask "^ok    udev-rules  *no udev rule onlines memory.*masked: 40-redhat.rules" /run/doctor-masked.txt
elif [ "$scenario" = systemd-upgrade ]; then
    version=$(sed -n 's/.*dm\.version=\([^ ]*\).*/\1/p' /proc/cmdline)
    expect_eq package-upgraded "$(dpkg-query -W -f='${Version}' deferred-memd)" "$version"
    expect_contains conffile-change-kept "MovableCore=25%" /etc/deferred-memd.conf
    expect_eq no-conffile-question-left "$(ls /etc/deferred-memd.conf.dpkg-* 2>/dev/null | wc -l)" 0
    expect_eq main-unit-active "$main" active
    case "$status" in "onlined 32/32 blocks"*) pass status-text-is-the-summary ;; *) fail status-text-is-the-summary "$status" ;; esac
    no_block_offline nothing-left-offline
    expect_eq quarter-movable-per-the-change "$(for n in $(present_blocks); do zone $n; done | grep -c Movable)" 8
elif [ "$scenario" = systemd-bootbench ]; then
    variant=$(sed -n 's/.*dm\.variant=\([^ ]*\).*/\1/p' /proc/cmdline)
    dimm_blocks=$(sed -n 's/.*dm\.dimm_blocks=\([0-9]*\).*/\1/p' /proc/cmdline)
    expect_eq all-online-mark-ran "$(systemctl show -P Result dm-all-online.service)" success
    no_block_offline nothing-left-offline
    if [ "$variant" = systemd-deferred-memd ]; then
        expect_eq main-unit-active "$main" active
        expect_eq fallback-did-not-run "$fallback" inactive
        # The DIMMs sit at 4 GiB and up (the pc machine's device memory, above 1 GiB of boot RAM): memory32 on.
        present_blocks | awk '$1 >= 32' > /run/dimm-blocks.txt
        expect_eq dimm-blocks-present "$(wc -l < /run/dimm-blocks.txt)" "$dimm_blocks"
        # The report's plan, "index kernel|movable" per block (one member per line).
        awk '$1 == "\"index\":" { n = $2; sub(",", "", n) }
             $1 == "\"zone\":" && n != "" { z = $2; gsub(/[",]/, "", z); print n, (z == "Movable" ? "movable" : "kernel"); n = "" }' \
            /run/deferred-memd/report.json | sort -n > /run/planned.txt
        expect_eq every-dimm-block-planned "$(cut -d' ' -f1 /run/planned.txt | tr '\n' ' ')" "$(tr '\n' ' ' < /run/dimm-blocks.txt)"
        check_online_as_planned dimm-blocks-online-in-planned-zone /run/planned.txt
        expect_eq half-movable "$(grep -c movable /run/planned.txt)" $((dimm_blocks / 2))
        engine_ns=$(json_number elapsedNanoseconds /run/deferred-memd/report.json)
        measure daemon_engine_ms $((${engine_ns:-0} / 1000000))
        # The guest's clock, for the record: READY=1 (CLOCK_MONOTONIC, which starts late in the boot: run.py).
        measure unit_ready_monotonic_ms $(($(systemctl show -P ActiveEnterTimestampMonotonic deferred-memd.service) / 1000))
    else
        # Nothing deferred: ExecCondition (plan --check) skipped the unit, which is inactive, not failed.
        expect_eq main-unit-skipped "$main" inactive
        expect_eq skipped-by-its-condition "$(systemctl show -P Result deferred-memd.service)" exec-condition
        line="deferred pages initialised in"
        if dmesg | grep -q "$line"; then pass deferred-init-ran; else fail deferred-init-ran "no '$line' in dmesg"; fi
        measure deferred_init_ms "$(dmesg | sed -n "s/.*$line \([0-9]*\)ms.*/\1/p" | head -1)"
    fi
    # MemTotal as the mark saw it: final then.
    expect_eq memtotal-final "$(memtotal_kib)" "$(cat /run/dm-memtotal-at-mark)"
    measure memtotal_kib "$(memtotal_kib)"
    measure online_blocks "$(for n in $(present_blocks); do state $n; done | grep -c '^online$')"
else
    expect_eq main-unit-failed "$main" failed
    expect_eq main-unit-exit-status "$(systemctl show -P ExecMainStatus deferred-memd.service)" 2
    case "$status" in "bad input: "*) pass status-text-names-bad-input ;; *) fail status-text-names-bad-input "$status" ;; esac
    expect_eq fallback-ran "$fallback" active
    expect_eq fallback-result "$(systemctl show -P Result deferred-memd-fallback.service)" success
    no_block_offline nothing-left-offline
    expect_eq all-in-kernel-zone "$(for n in $(present_blocks); do zone $n; done | grep -c Movable)" 0
fi
summary
echo "GUEST-END $scenario rc=0"
systemctl poweroff --force --force
