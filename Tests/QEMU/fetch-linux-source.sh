#!/bin/bash
# Fetches Debian's newest linux-source-X.Y tarball of a release other than the host's (5.10: bullseye, 6.12:
# trixie), for scripts/check-kernel-patches.sh: the patches in kernel/ must apply and compile there too.
#
# usage: fetch-linux-source.sh CACHE_DIR VERSION        (VERSION 5.10 or 6.12)
# Prints the path of CACHE_DIR/linux-sources/linux-source-VERSION.tar.xz as its last line on stdout (the Debian
# package version it came from beside it, in ….tar.xz.version), and on stderr one line saying what it did.
#
# The newest version is read from the archive's own indexes (the release and its security suite), not from apt:
# the host's sources stay as they are (bookworm, whose linux-source-6.1 build-kernel.sh uses). The .deb is checked
# against the index's SHA256 and only the tarball is kept. A tarball whose version was confirmed in the last 7 days
# is used without the network (the indexes change at most with a point release or a security update); when the
# network or the archive fails, an older one is used all the same, saying so. A .deb already in CACHE_DIR/linux-sources/
# under its pool name (or a partial download, ….deb.part) is used or resumed rather than downloaded again.
set -euo pipefail
fail() { echo "fetch-linux-source: $*" >&2; exit 1; }
note() { echo "fetch-linux-source: $*" >&2; }
cache=${1:?usage: fetch-linux-source.sh CACHE_DIR VERSION}
version=${2:?usage: fetch-linux-source.sh CACHE_DIR VERSION}
# The suites that carry linux-source-VERSION, as "archive-url suite".
case $version in
    5.10) suites=("https://deb.debian.org/debian bullseye" "https://security.debian.org/debian-security bullseye-security") ;;
    6.12) suites=("https://deb.debian.org/debian trixie" "https://security.debian.org/debian-security trixie-security") ;;
    *) fail "VERSION must be 5.10 or 6.12, not '$version'" ;;
esac
for tool in curl xz dpkg dpkg-deb sha256sum flock; do
    command -v "$tool" >/dev/null || fail "$tool missing"
done
package=linux-source-$version
dir=$cache/linux-sources
tarball=$dir/$package.tar.xz
mkdir -p "$dir"

# One fetcher per version: a second caller waits, then finds the tarball fresh.
exec 9>"$dir/.lock-$package"
flock 9

cached_version() { cat "$tarball.version" 2>/dev/null || echo unknown; }
# The .version file's age is the time since the indexes last confirmed the tarball as the newest.
if [ -s "$tarball" ] && [ -n "$(find "$tarball.version" -mmin -$((7 * 24 * 60)) 2>/dev/null)" ]; then
    note "$package $(cached_version) cached (checked within 7 days)"
    echo "$tarball"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Retries cover a mirror's hiccup; the speed limit ends a stalled transfer, which --max-time alone would let hang
# for its whole length on a 150 MB .deb.
fetch() { curl -fsSL --retry 3 --retry-delay 5 --retry-all-errors --connect-timeout 20 --speed-limit 20000 --speed-time 60 "$@"; }

# Every failure here is reported and returns non-zero: the caller then falls back on the cached tarball. (Its
# commands run with errexit off, as a condition, hence the explicit checks.)
update() {
    local suite base name release arch index want entries best="" best_line="" line ver sha size path deb
    for suite in "${suites[@]}"; do
        base=${suite% *} name=${suite#* }
        release=$base/dists/$name/InRelease
        fetch --max-time 120 -o "$tmp/InRelease" "$release" || { note "could not download $release"; return 1; }
        # Which index lists the architecture-independent packages: binary-all only where the suite has "all" as an
        # architecture of its own and does not say No-Support-for-Architecture-all; else every architecture's index
        # does. The security suites have a binary-all that is not kept up to date (in December 2026 trixie-security's
        # stopped at 6.12.113-1 while its binary-amd64 listed 6.12.118-1).
        arch=amd64
        if grep -qE '^Architectures:(.* )?all( |$)' "$tmp/InRelease" \
            && ! grep -q '^No-Support-for-Architecture-all: Packages' "$tmp/InRelease"; then arch=all; fi
        index=$base/dists/$name/main/binary-$arch/Packages.xz
        fetch --max-time 300 -o "$tmp/Packages.xz" "$index" || { note "could not download $index"; return 1; }
        # The index must be the one its Release names (not one from a mirror halfway through a sync).
        want=$(awk -v f="main/binary-$arch/Packages.xz" '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 } s && $3 == f { print $1 }' \
            "$tmp/InRelease")
        [ -n "$want" ] || { note "$release names no main/binary-$arch/Packages.xz"; return 1; }
        [ "$(sha256sum < "$tmp/Packages.xz" | cut -d' ' -f1)" = "$want" ] \
            || { note "$index does not match the SHA256 in $release"; return 1; }
        # One line per linux-source-VERSION stanza: version sha256 size url
        entries=$(xz -dc "$tmp/Packages.xz" | awk -v pkg="$package" -v base="$base" '
            BEGIN { RS = ""; FS = "\n" }
            {
                p = v = f = s = n = ""
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^Package: /) p = substr($i, 10)
                    else if ($i ~ /^Version: /) v = substr($i, 10)
                    else if ($i ~ /^Filename: /) f = substr($i, 11)
                    else if ($i ~ /^SHA256: /) s = substr($i, 9)
                    else if ($i ~ /^Size: /) n = substr($i, 7)
                }
                if (p == pkg && v != "" && f != "" && s != "" && n != "") print v, s, n, base "/" f
            }') || { note "could not read $index"; return 1; }
        [ -n "$entries" ] || note "$index lists no $package"
        while read -r line; do
            [ -n "$line" ] || continue
            ver=${line%% *}
            if [ -z "$best" ] || dpkg --compare-versions "$ver" gt "$best"; then best=$ver best_line=$line; fi
        done <<< "$entries"
    done
    [ -n "$best" ] || { note "no suite lists $package (${suites[*]})"; return 1; }
    read -r ver sha size path <<< "$best_line"
    if [ -s "$tarball" ] && [ "$(cached_version)" = "$ver" ]; then
        touch "$tarball.version"
        note "$package $ver cached (still the newest)"
        return 0
    fi
    deb=$dir/$(basename "$path")
    if [ ! -s "$deb" ]; then
        note "downloading $path ($((size / 1048576)) MiB)"
        # A complete .part (interrupted before its rename) would make the resume fail on an empty range.
        if [ "$(stat -c %s "$deb.part" 2>/dev/null || echo 0)" != "$size" ]; then
            fetch --max-time 3600 -C - -o "$deb.part" "$path" || { note "could not download $path"; return 1; }
        fi
        mv "$deb.part" "$deb" || return 1
    fi
    # A mirror in the middle of a sync can serve a .deb that does not match its index: not kept, so a rerun retries.
    if ! echo "$sha  $deb" | sha256sum -c --status; then
        rm -f "$deb"
        note "$path does not match the SHA256 of its index"
        return 1
    fi
    # Only the tarball is kept (the .deb also has the -rt patch); replaced atomically, its version file after it.
    if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -O -f - "./usr/src/$package.tar.xz" > "$tarball.tmp" \
        || [ ! -s "$tarball.tmp" ]; then
        rm -f "$tarball.tmp"
        note "could not extract usr/src/$package.tar.xz from $deb"
        return 1
    fi
    rm -f "$tarball.version"
    mv "$tarball.tmp" "$tarball" || return 1
    { echo "$ver" > "$tarball.version.tmp" && mv "$tarball.version.tmp" "$tarball.version"; } || return 1
    rm -f "$deb"
    note "$package $ver fetched ($(basename "$path"))"
}

if ! update; then
    [ -s "$tarball" ] || fail "no $package tarball in $dir to fall back on"
    age=$(( ($(date +%s) - $(stat -c %Y "$tarball.version" 2>/dev/null || stat -c %Y "$tarball")) / 86400 ))
    note "WARNING: using the cached $package $(cached_version), last confirmed as the newest $age days ago: the update failed (above)"
fi
echo "$tarball"
