#!/usr/bin/env bash
# Installs deferred-memd: the static release binaries (deferred-memd, the command-line tool, and
# deferred-memd-boot, what deferred-memd.service runs), the systemd units, a commented example configuration,
# the man page and shell completions.
#
#   scripts/install.sh                       build, then install under / with prefix /usr (needs root)
#   scripts/install.sh --destdir DIR         stage into DIR (packaging, tests)
#   scripts/install.sh --binary PATH         install PATH (and deferred-memd-boot beside it) instead of building
#   scripts/install.sh --enable              also `systemctl enable` the units (only without --destdir)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
destdir="" prefix=/usr binary="" enable=no
while [ $# -gt 0 ]; do
    case "$1" in
        --destdir) destdir=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --enable) enable=yes; shift ;;
        *) echo "install: unknown argument '$1'" >&2; exit 64 ;;
    esac
done
if [ -z "$binary" ]; then
    (cd "$here" && swift build -c release --static-swift-stdlib --disable-local-rpath -Xswiftc -warnings-as-errors >&2)
    binary="$here/.build/release/deferred-memd"
fi
[ -x "$binary" ] || { echo "install: no executable at '$binary'" >&2; exit 1; }
boot="$(dirname "$binary")/deferred-memd-boot"
[ -x "$boot" ] || { echo "install: no deferred-memd-boot beside '$binary' (swift build builds both)" >&2; exit 1; }

sbindir="$prefix/sbin"
unitdir="$prefix/lib/systemd/system"
root="${destdir%/}"
install -d "$root$sbindir" "$root$unitdir" "$root/etc" "$root$prefix/share/man/man8" "$root$prefix/share/doc/deferred-memd" \
    "$root$prefix/share/bash-completion/completions" "$root$prefix/share/zsh/site-functions" "$root$prefix/share/fish/vendor_completions.d"

install -m 0755 "$binary" "$root$sbindir/deferred-memd"
install -m 0755 "$boot" "$root$sbindir/deferred-memd-boot"
strip --strip-unneeded "$root$sbindir/deferred-memd" "$root$sbindir/deferred-memd-boot" 2>/dev/null || true
for unit in "$here"/systemd/*.service; do
    sed "s|@SBINDIR@|$sbindir|g" "$unit" > "$root$unitdir/$(basename "$unit")"
    chmod 0644 "$root$unitdir/$(basename "$unit")"
done
# Units that size from MemTotal when they start wait for all memory: zram-generator's devices.
install -d "$root$unitdir/systemd-zram-setup@.service.d"
install -m 0644 "$here/systemd/zram-after-deferred-memd.conf" "$root$unitdir/systemd-zram-setup@.service.d/deferred-memd.conf"
# Never overwrite a configuration someone wrote.
if [ -e "$root/etc/deferred-memd.conf" ]; then
    install -m 0644 "$here/systemd/deferred-memd.conf" "$root/etc/deferred-memd.conf.example"
else
    install -m 0644 "$here/systemd/deferred-memd.conf" "$root/etc/deferred-memd.conf"
fi
install -m 0644 "$here/Docs/man/deferred-memd.8" "$root$prefix/share/man/man8/deferred-memd.8"
install -m 0644 "$here/Docs/deferred-memd.8.md" "$here/README.md" "$root$prefix/share/doc/deferred-memd/"
"$binary" --generate-completion-script bash > "$root$prefix/share/bash-completion/completions/deferred-memd"
"$binary" --generate-completion-script zsh > "$root$prefix/share/zsh/site-functions/_deferred-memd"
"$binary" --generate-completion-script fish > "$root$prefix/share/fish/vendor_completions.d/deferred-memd.fish"

echo "installed under ${root:-/}: $sbindir/deferred-memd{,-boot}, $unitdir/deferred-memd{,-fallback,-watch}.service, /etc/deferred-memd.conf, man page, completions"
if [ "$enable" = yes ]; then
    [ -z "$root" ] || { echo "install: --enable only without --destdir" >&2; exit 64; }
    systemctl daemon-reload
    systemctl enable deferred-memd.service
    echo "enabled deferred-memd.service (deferred-memd-watch.service is left for you to enable)"
fi
