#!/usr/bin/env bash
# Builds the Debian package from the release build: .build/deb/deferred-memd_VERSION_amd64.deb, with both binaries,
# the units, /etc/deferred-memd.conf as a conffile, the man page, completions and a copyright file (what
# scripts/install.sh stages, laid out as Debian lays it out). The maintainer scripts (packaging/debian/) enable
# deferred-memd.service with deb-systemd-helper and never start it: onlining memory on a running system is
# asked for (`systemctl start deferred-memd`), not done by an install. Then lintian, which must be clean.
# Usage: scripts/build-deb.sh [--build-dir .build/release] [--version 0.1.0] [--no-lintian]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/.build/release version=0.1.0 lint=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --no-lintian) lint=no; shift ;;
        *) echo "build-deb: unknown argument '$1'" >&2; exit 64 ;;
    esac
done
build=$(cd "$build" && pwd)
package=deferred-memd
arch=$(dpkg --print-architecture)
out=$here/.build/deb
stage=$(mktemp -d /tmp/deferred-memd-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$out" "$root"

"$here/scripts/install.sh" --destdir "$root" --binary "$build/deferred-memd" >/dev/null
doc=$root/usr/share/doc/$package
# Debian's places: zsh completions in vendor-completions; man pages and the changelog compressed (-n: no
# timestamp, so that the same tree gives the same package).
mkdir -p "$root/usr/share/zsh/vendor-completions"
mv "$root/usr/share/zsh/site-functions/_deferred-memd" "$root/usr/share/zsh/vendor-completions/"
rmdir "$root/usr/share/zsh/site-functions"
# bash-completion sources the file: no #! line.
sed -i '1{/^#!/d}' "$root/usr/share/bash-completion/completions/deferred-memd"
gzip -9n "$root/usr/share/man/man8/deferred-memd.8"
# deferred-memd-boot takes the same run, plan --check and rescue as deferred-memd: one manual for both.
ln -s deferred-memd.8.gz "$root/usr/share/man/man8/deferred-memd-boot.8.gz"
gzip -9n "$doc/README.md" "$doc/deferred-memd.8.md"
install -m 0644 "$here/packaging/debian/copyright" "$doc/copyright"
date=$(git -C "$here" log -1 --format=%aD 2>/dev/null || date -R)
printf '%s (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- %s  %s\n' "$package" "$version" \
    "$(git -C "$here" describe --always --dirty 2>/dev/null || echo 'a source tree')" "deferred-memd maintainers <maintainers@deferred-memd.invalid>" \
    "$date" | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

mkdir -p "$root/DEBIAN"
for script in postinst prerm postrm; do install -m 0755 "$here/packaging/debian/$script" "$root/DEBIAN/$script"; done
echo /etc/deferred-memd.conf > "$root/DEBIAN/conffiles"
# Depends from the binaries' own libraries, as debhelper's dh_shlibdeps computes it.
mkdir -p "$stage/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$package" "$package" > "$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O "$root/usr/sbin/deferred-memd" "$root/usr/sbin/deferred-memd-boot" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
# libsystemd is opened at run time (dlopen), so dpkg-shlibdeps cannot see it; the units are Type=notify and need it.
depends="$depends, libsystemd0"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@DEPENDS@|$depends|" -e "s|@SIZE@|$size|" \
    "$here/packaging/debian/control" > "$root/DEBIAN/control"

deb=$out/${package}_${version}_${arch}.deb
# Built beside and renamed into place: a reader (dpkg -i of the same version) never sees a half-written package.
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb.tmp" >/dev/null
mv "$deb.tmp" "$deb"
echo "$deb"
if [ "$lint" = yes ]; then
    # A warning or an error fails the build. Clean without overrides; one added later goes in
    # usr/share/lintian/overrides/deferred-memd with a comment saying why.
    lintian --fail-on error,warning "$deb" >&2
    echo "lintian: clean, no overrides" >&2
fi
