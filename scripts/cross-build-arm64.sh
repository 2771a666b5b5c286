#!/usr/bin/env bash
# Cross-builds deferred-memd's binaries for aarch64 (arm64) Linux on an x86_64 Debian machine.
#
#   scripts/cross-build-arm64.sh [--cache DIR] [--out DIR] [--products "deferred-memd-boot deferred-memd"]
#                                [--mirror URL] [--refresh] [--verify]
#
# Route 1 (what this script does, needs root: debootstrap, chroot, private mounts):
#   compiler  a `debootstrap --variant=minbase sid` amd64 root with Debian's `swiftlang` (6.2.x; clang 17 and
#             ld.lld come inside it, under /usr/libexec/swift/bin). trixie's swiftlang (6.0.3) is too old and the
#             installed 6.3.1 toolchain (/opt/swift) is x86_64 only, with no SDK.
#   sysroot   an arm64 *trixie* root (`debootstrap --arch=arm64 --foreign`) with libc6-dev, libstdc++-N-dev
#             (N = trixie's default gcc), libsystemd-dev, libudev-dev. Its packages are only unpacked
#             (dpkg-deb -x), never configured: a sysroot needs files, not a working system, and this way no
#             arm64 code runs and binfmt_misc (a host-kernel setting) is never touched. trixie, not sid:
#             linking against sid's glibc would make the binaries need GLIBC_2.43.
#   stdlib    sid's arm64 `swiftlang` package, of the same source version as the compiler, unpacked partly
#             (usr/libexec/swift/lib/{swift,swift_static,clang}) into its own cache directory: the arm64 Swift
#             modules and the static runtime (--static-swift-stdlib).
#   SDK       a Swift SDK bundle (info.json, swift-sdk.json, toolset.json): target aarch64-unknown-linux-gnu,
#             sdkRootPath = the trixie root, the resources above, linker ld.lld.
#   build     `swift build -c release --static-swift-stdlib --disable-local-rpath --swift-sdk …` per product,
#             in the sid root (chroot in a private mount namespace; the checkout bind-mounted at /src, scratch
#             path .build-arm64 so it never clashes with the host's .build), with pkg-config pointed at the
#             sysroot (PKG_CONFIG_SYSROOT_DIR, PKG_CONFIG_LIBDIR) for the CSystemd/CUdev system libraries.
#   output    --out (default .build/arm64/): the stripped binaries, lib/ with exactly the shared libraries they
#             need (NEEDED entries followed recursively in the sysroot, loader included; copy lib/* to /lib of a
#             busybox initramfs), BUILD-INFO (versions, the highest GLIBC_ symbol version, step timings).
#             The output directory is the last line on stdout.
#
# Cache (default ~/.cache/deferred-memd/arm64-cross/): sid-<key>/ (compiler root), trixie-arm64-<key>/ (sysroot),
# swift-arm64-<version>/ (arm64 Swift resources), sdk-<key>/ (bundle). Each key is a hash of what makes the
# directory (suite, mirror, packages, recipe version; the resources by swiftlang version), so changing any of them
# builds a new one; a directory without its .complete stamp (an interrupted run) is rebuilt. --refresh rebuilds
# them all. The build directory (.build-arm64 in the checkout) is incremental, like any SwiftPM build.
# sid moves: if its Release file has expired, apt is told not to check (Acquire::Check-Valid-Until "false"); if
# the amd64 and arm64 swiftlang differ in source version (one architecture built before the other), the script
# stops and says so. A cached sid root keeps working while sid is broken.
#
# Swift package dependencies: if the host's git rewrites GitHub URLs to local mirrors
# (`git config --system url.<dir>.insteadOf …`), the rules and the directories (read-only) are carried into the
# chroot; otherwise SwiftPM fetches them as usual.
#
# --verify runs both arm64 binaries under qemu-aarch64-static (user mode: -L <sysroot>) on Examples/arm64-board
# (plan --check, plan, and run --simulate on temporary copies) and compares their output with the host build's
# (.build/debug, built if missing).
#
# Route 2 (not done here, for platform teams who have it): the Swift static Linux SDK (musl), installed with
# `swift sdk install <swift-static-linux-sdk bundle URL> --checksum …`, then
#   swift build -c release --swift-sdk aarch64-swift-linux-musl --product deferred-memd-boot
# gives fully static binaries with no sysroot and no lib/. The SDK has no libsystemd/libudev: CSystemd/CUdev
# then need a musl sysroot holding those libraries (and their .pc files, via PKG_CONFIG_SYSROOT_DIR/LIBDIR), or
# the targets using them must be left out for that build. See Docs/arm64.md.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/deferred-memd/arm64-cross"
out="$here/.build/arm64"
products="deferred-memd-boot deferred-memd"
mirror="http://deb.debian.org/debian"
refresh=no verify=no
while [ $# -gt 0 ]; do
    case "$1" in
        --cache) cache=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --products) products=$2; shift 2 ;;
        --mirror) mirror=$2; shift 2 ;;
        --refresh) refresh=yes; shift ;;
        --verify) verify=yes; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "cross-build-arm64: unknown argument '$1'" >&2; exit 64 ;;
    esac
done
mkdir -p "$cache" "$out"
cache=$(cd "$cache" && pwd) out=$(cd "$out" && pwd)

# Bump when the way a root is made changes (invalidates the cached roots).
recipe=1
sid_packages="swiftlang libc6-dev git ca-certificates"
arm64_suite=trixie
arm64_packages="libc6-dev libsystemd-dev libudev-dev"   # + libstdc++-N-dev, N found in the suite's index
apt_opts=(-o Acquire::Check-Valid-Until=false -o Acquire::Retries=3 -o DPkg::Lock::Timeout=600)

# --- steps, errors, timings ---------------------------------------------------------------------------------
current="start" step_started=$SECONDS timings=() cached=()
# A failure while fetching or preparing Debian's roots (sid moves) exits 75 (EX_TEMPFAIL): scripts/test.sh then
# falls back to replaying the host's dry runs in the arm64 guest. A failure to build, strip or verify our own code
# exits 1: that is a defect, and fails CI.
environment=1
step() {
    finish_step
    current=$1 step_started=$SECONDS
    case "$current" in "swift build"* | "strip"* | "verify"*) environment=0 ;; *) environment=1 ;; esac
    echo "== cross-build-arm64: $current" >&2
}
finish_step() {
    if [ "$current" != start ]; then
        timings+=("$current: $((SECONDS - step_started)) s")
        echo "   ($((SECONDS - step_started)) s)" >&2
    fi
    current=start
}
fail() {
    echo "cross-build-arm64: FAILED in step '$current': $*" >&2
    trap - EXIT
    [ "$environment" = 1 ] && exit 75
    exit 1
}
# Anything that fails without calling fail (set -e) still names its step.
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "cross-build-arm64: FAILED in step '"'"'$current'"'"' (exit $rc); see the messages above" >&2; [ "$environment" = 1 ] && exit 75; fi' EXIT
log() { echo "   $*" >&2; }
key() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }

[ "$(id -u)" -eq 0 ] || { echo "cross-build-arm64: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "cross-build-arm64: runs on x86_64 hosts only" >&2; exit 1; }

exec 9>"$cache/.lock"
flock -w 3600 9 || { echo "cross-build-arm64: another run holds $cache/.lock" >&2; exit 1; }

# Runs a command in ROOT (chroot) inside a private mount namespace: every mount below disappears with it.
# /proc is a fresh, read-only procfs: nothing run in the roots can write to the host kernel's /proc; /sys is not
# mounted at all. Extra binds: "SRC:DEST[:ro]" in the BINDS array (DEST inside the root).
BINDS=()
in_root() {
    local root=$1; shift
    unshare --mount --propagation private /bin/bash -s "$root" "${BINDS[@]+"${BINDS[@]}"}" -- "$@" <<'INNER'
set -euo pipefail
root=$1; shift
while [ "$1" != -- ]; do
    IFS=: read -r src dest mode <<<"$1"; shift
    mkdir -p "$root$dest"
    mount --bind "$src" "$root$dest"
    if [ "$mode" = ro ]; then mount -o remount,bind,ro "$root$dest"; fi
done
shift
mkdir -p "$root/proc" "$root/dev"
mount -t proc -o ro,nosuid,nodev,noexec proc "$root/proc"
mount --rbind /dev "$root/dev"
# The host's GitHub-to-local-mirror rules, if any, with their directories.
: > "$root/etc/gitconfig"
if command -v git >/dev/null; then
    git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null | while read -r k v; do
        base=${k#url.}; base=${base%.insteadof}
        case "$base" in /*) ;; *) continue ;; esac
        [ -d "$base" ] || continue
        if ! mountpoint -q "$root$base"; then
            mkdir -p "$root$base"; mount --bind "$base" "$root$base"; mount -o remount,bind,ro "$root$base"
        fi
        git config --file "$root/etc/gitconfig" --add "url.$base.insteadOf" "$v"
    done
fi
exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive ${ENV_EXTRA:-} "$@"
INNER
}

host_packages() {
    local need=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
    done
    [ ${#need[@]} -eq 0 ] && return 0
    log "installing on the host: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${need[@]}" >&2 \
        || fail "apt-get install ${need[*]} on the host"
}

# --- 1. host tools ------------------------------------------------------------------------------------------
step "host tools"
host_packages debootstrap binutils util-linux
[ "$verify" = no ] || host_packages qemu-user-static

# --- 2. the sid compiler root -------------------------------------------------------------------------------
sid_key=$(key "$recipe" sid minbase "$mirror" "$sid_packages")
sid="$cache/sid-$sid_key"
if [ "$refresh" = yes ]; then rm -rf "$cache"/sid-* "$cache"/trixie-arm64-* "$cache"/swift-arm64-* "$cache"/sdk-*; fi
if [ -e "$sid/.complete" ]; then cached+=("sid compiler root"); fi
if [ ! -e "$sid/.complete" ]; then
    step "debootstrap sid (amd64, minbase)"
    rm -rf "$sid"
    # In a private mount namespace: debootstrap mounts /proc and /sys in the target (for the native second stage,
    # whose minbase maintainer scripts do not write there) and must not leave them mounted.
    unshare --mount --propagation private debootstrap --variant=minbase sid "$sid" "$mirror" > "$cache/debootstrap-sid.log" 2>&1 \
        || { tail -20 "$cache/debootstrap-sid.log" >&2; fail "debootstrap sid into $sid (log: $cache/debootstrap-sid.log)"; }

    step "swiftlang install (sid)"
    echo 'Acquire::Check-Valid-Until "false";' > "$sid/etc/apt/apt.conf.d/99no-check-valid-until"
    in_root "$sid" dpkg --add-architecture arm64
    in_root "$sid" apt-get "${apt_opts[@]}" update -qq >&2 || fail "apt-get update in the sid root"
    amd64_src=$(in_root "$sid" apt-cache show swiftlang:amd64 | sed -n 's/^Source: swiftlang (\(.*\))$/\1/p; s/^Version: //p' | head -1)
    arm64_src=$(in_root "$sid" apt-cache show swiftlang:arm64 | sed -n 's/^Source: swiftlang (\(.*\))$/\1/p; s/^Version: //p' | head -1)
    [ -n "$amd64_src" ] || fail "sid has no swiftlang for amd64 (removed from sid? see https://tracker.debian.org/swiftlang)"
    [ "${amd64_src%%+b*}" = "${arm64_src%%+b*}" ] \
        || fail "sid's swiftlang differs between amd64 ($amd64_src) and arm64 (${arm64_src:-none}): the arm64 stdlib must match the compiler; retry when both are built"
    # shellcheck disable=SC2086
    in_root "$sid" apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends $sid_packages > "$cache/swiftlang-install.log" 2>&1 \
        || { tail -20 "$cache/swiftlang-install.log" >&2; fail "apt-get install $sid_packages in the sid root (log: $cache/swiftlang-install.log)"; }
    in_root "$sid" apt-get clean   # the downloaded .debs: 840 MB
    in_root "$sid" swift --version >&2 || fail "the sid root's swift does not run"
    touch "$sid/.complete"
fi
swift_version=$(in_root "$sid" dpkg-query -W -f='${Version}' swiftlang)
swift_source_version=${swift_version%%+b*}
log "compiler: sid swiftlang $swift_version"

# --- 3. the arm64 Swift resources (from sid's arm64 swiftlang, same source version) ---------------------------
res="$cache/swift-arm64-$swift_source_version"
if [ -e "$res/.complete" ]; then cached+=("arm64 Swift resources"); fi
if [ ! -e "$res/.complete" ]; then
    step "arm64 Swift resources (swiftlang:arm64 $swift_source_version)"
    rm -rf "$res"; mkdir -p "$res"
    in_root "$sid" apt-get "${apt_opts[@]}" update -qq >&2 || fail "apt-get update in the sid root"
    candidates=$(in_root "$sid" apt-cache madison swiftlang:arm64 | awk -F'|' '{gsub(/ /, "", $2); print $2}')
    arm64_version=""
    for v in $candidates; do [ "${v%%+b*}" = "$swift_source_version" ] && arm64_version=$v; done
    [ -n "$arm64_version" ] || fail "sid has no swiftlang:arm64 of source version $swift_source_version (has: ${candidates:-none}); rerun with --refresh to take sid's current compiler"
    BINDS=("$res:/var/tmp/res")
    in_root "$sid" sh -c "cd /var/tmp/res && apt-get -qq ${apt_opts[*]} -o APT::Sandbox::User=root download swiftlang:arm64=$arm64_version" >&2 \
        || fail "downloading swiftlang:arm64=$arm64_version"
    BINDS=()
    deb=$(ls "$res"/swiftlang_*_arm64.deb)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$res" \
        --exclude='./usr/libexec/swift/lib/swift/embedded' --exclude='./usr/libexec/swift/lib/swift_static/embedded' \
        --exclude='./usr/libexec/swift/lib/swift/host' --exclude='./usr/libexec/swift/lib/swift/pm' \
        --exclude='./usr/libexec/swift/lib/swift/migrator' \
        ./usr/libexec/swift/lib/swift ./usr/libexec/swift/lib/swift_static ./usr/libexec/swift/lib/clang \
        || fail "unpacking $deb"
    [ -e "$res/usr/libexec/swift/lib/swift_static/linux/static-stdlib-args.lnk" ] || fail "no static stdlib in $deb"
    rm -f "$deb"
    echo "$arm64_version" > "$res/.complete"
fi

# --- 4. the arm64 trixie sysroot ----------------------------------------------------------------------------
arm_key=$(key "$recipe" "$arm64_suite" arm64 minbase "$mirror" "$arm64_packages")
arm="$cache/$arm64_suite-arm64-$arm_key"
if [ -e "$arm/.complete" ]; then cached+=("arm64 sysroot"); fi
if [ ! -e "$arm/.complete" ]; then
    step "arm64 root ($arm64_suite, debootstrap --foreign, unpacked)"
    rm -rf "$arm"
    # Pass 1 (--download-only) for the suite's index: libstdc++-N-dev, N = the gcc that `gcc` depends on. Pass 2,
    # the real first stage, reuses its downloads.
    base_include=$(echo "$arm64_packages" | tr ' ' ,)
    debootstrap --arch=arm64 --variant=minbase --download-only --include="$base_include" "$arm64_suite" "$arm" "$mirror" \
        > "$cache/debootstrap-arm64.log" 2>&1 \
        || { tail -20 "$cache/debootstrap-arm64.log" >&2; fail "debootstrap --download-only $arm64_suite arm64 (log: $cache/debootstrap-arm64.log)"; }
    gcc_n=$(awk '/^Package: gcc$/ {p = 1} p && /^Depends:/ {print; exit}' "$arm"/var/lib/apt/lists/*_Packages \
        | grep -o 'gcc-[0-9][0-9]*' | head -1 | cut -d- -f2)
    [ -n "$gcc_n" ] || fail "could not find $arm64_suite's default gcc in its index"
    log "$arm64_suite's gcc: $gcc_n"
    debootstrap --arch=arm64 --foreign --variant=minbase --include="$base_include,libstdc++-$gcc_n-dev" "$arm64_suite" "$arm" "$mirror" \
        >> "$cache/debootstrap-arm64.log" 2>&1 \
        || { tail -20 "$cache/debootstrap-arm64.log" >&2; fail "debootstrap --arch=arm64 --foreign $arm64_suite (log: $cache/debootstrap-arm64.log)"; }
    # The first stage unpacked only the required packages; unpack the rest (the -dev packages and their
    # dependencies) the same way instead of running the second stage under emulation.
    for deb in "$arm"/var/cache/apt/archives/*.deb; do
        dpkg-deb -x "$deb" "$arm" || fail "unpacking $(basename "$deb") into the arm64 root"
    done
    rm -f "$arm"/var/cache/apt/archives/*.deb "$arm"/var/lib/apt/lists/*_Packages
    for f in usr/include/aarch64-linux-gnu/bits/libc-header-start.h usr/lib/aarch64-linux-gnu/crt1.o \
             usr/lib/aarch64-linux-gnu/libsystemd.so usr/lib/aarch64-linux-gnu/libudev.so \
             usr/lib/aarch64-linux-gnu/pkgconfig/libsystemd.pc "usr/lib/gcc/aarch64-linux-gnu/$gcc_n/crtbeginS.o" \
             "usr/include/c++/$gcc_n/vector" usr/lib/ld-linux-aarch64.so.1; do
        [ -e "$arm/$f" ] || fail "the arm64 root lacks $f"
    done
    echo "$gcc_n" > "$arm/.complete"
fi
# For --static-swift-stdlib the driver takes swiftrt.o and static-stdlib-args.lnk from <sysroot>/usr/lib/swift_static,
# whatever swiftStaticResourcesPath says: point it (as the chroot sees it) at the resources.
ln -sfn /opt/swift-arm64/usr/libexec/swift/lib/swift_static "$arm/usr/lib/swift_static"
glibc_root=$(grep -aoE 'release version 2\.[0-9]+' "$arm/usr/lib/aarch64-linux-gnu/libc.so.6" | head -1 | awk '{print $3}')
[ -n "$glibc_root" ] || fail "cannot read the glibc version of the arm64 root"
log "sysroot: $arm (glibc $glibc_root)"

# --- 5. the Swift SDK bundle --------------------------------------------------------------------------------
sdk_key=$(key "$recipe" "$arm_key" "$swift_source_version")
sdk="$cache/sdk-$sdk_key"
sdk_name="debian-$arm64_suite-aarch64"
if [ -e "$sdk/.complete" ]; then cached+=("SDK bundle"); fi
if [ ! -e "$sdk/.complete" ]; then
    step "Swift SDK bundle"
    rm -rf "$sdk"
    bundle="$sdk/deferred-memd-arm64.artifactbundle"
    mkdir -p "$bundle/$sdk_name"
    cat > "$bundle/info.json" <<EOF
{
  "schemaVersion": "1.0",
  "artifacts": {
    "$sdk_name": {"type": "swiftSDK", "version": "$swift_source_version", "variants": [{"path": "$sdk_name"}]}
  }
}
EOF
    # Paths as the chroot sees them (in_root binds the sysroot and the resources there).
    cat > "$bundle/$sdk_name/swift-sdk.json" <<EOF
{
  "schemaVersion": "4.0",
  "targetTriples": {
    "aarch64-unknown-linux-gnu": {
      "sdkRootPath": "/opt/arm64-root",
      "swiftResourcesPath": "/opt/swift-arm64/usr/libexec/swift/lib/swift",
      "swiftStaticResourcesPath": "/opt/swift-arm64/usr/libexec/swift/lib/swift_static",
      "toolsetPaths": ["toolset.json"]
    }
  }
}
EOF
    cat > "$bundle/$sdk_name/toolset.json" <<EOF
{
  "schemaVersion": "1.0",
  "linker": {"path": "/usr/libexec/swift/bin/ld.lld"},
  "swiftCompiler": {"extraCLIOptions": ["-use-ld=lld"]}
}
EOF
    touch "$sdk/.complete"
fi

# --- 6. build -----------------------------------------------------------------------------------------------
step "swift build (aarch64, release, static stdlib)"
BINDS=("$arm:/opt/arm64-root:ro" "$res:/opt/swift-arm64:ro" "$sdk:/opt/sdks:ro" "$here:/src")
# SwiftPM reads .pc files itself: it searches PKG_CONFIG_PATH (and the pkg-config binary's pc_path, which
# PKG_CONFIG_LIBDIR sets), and prefixes PKG_CONFIG_SYSROOT_DIR to their -I/-L flags.
pc="/opt/arm64-root/usr/lib/aarch64-linux-gnu/pkgconfig:/opt/arm64-root/usr/share/pkgconfig"
export ENV_EXTRA="PKG_CONFIG_SYSROOT_DIR=/opt/arm64-root PKG_CONFIG_LIBDIR=$pc PKG_CONFIG_PATH=$pc"
for p in $products; do
    log "product $p"
    in_root "$sid" sh -c "cd /src && swift build -c release --static-swift-stdlib --disable-local-rpath \
        --swift-sdks-path /opt/sdks --swift-sdk $sdk_name --scratch-path .build-arm64 --product $p" >&2 \
        || fail "swift build --product $p (compiler errors above)"
done
unset ENV_EXTRA
bin_dir=$(in_root "$sid" sh -c "cd /src && swift build -c release --swift-sdks-path /opt/sdks --swift-sdk $sdk_name --scratch-path .build-arm64 --show-bin-path" 2>/dev/null | tail -1)
bin_dir="$here/${bin_dir#/src/}"
BINDS=()

# --- 7. output: stripped binaries, their libraries ----------------------------------------------------------
step "strip and collect libraries"
rm -rf "$out/lib"; mkdir -p "$out/lib"
for p in $products; do
    [ -x "$bin_dir/$p" ] || fail "no $p in $bin_dir"
    cp "$bin_dir/$p" "$out/$p.tmp"
    BINDS=("$out:/var/tmp/out")
    in_root "$sid" /usr/libexec/swift/bin/llvm-objcopy --strip-all "/var/tmp/out/$p.tmp" || fail "stripping $p"
    BINDS=()
    mv "$out/$p.tmp" "$out/$p"
done
# NEEDED entries, recursively, resolved in the sysroot's library directories.
resolve() {
    local d
    for d in usr/lib/aarch64-linux-gnu lib/aarch64-linux-gnu usr/lib lib; do
        if [ -e "$arm/$d/$1" ]; then echo "$arm/$d/$1"; return 0; fi
    done
    return 1
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
queue=() seen=" "
for p in $products; do
    interp=$(readelf -l "$out/$p" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
    [ "$interp" = /lib/ld-linux-aarch64.so.1 ] || fail "$p has interpreter '$interp', expected /lib/ld-linux-aarch64.so.1"
    if readelf -d "$out/$p" | grep -qE 'RUNPATH|RPATH'; then fail "$p carries a RUNPATH/RPATH"; fi
    queue+=($(needed "$out/$p"))
done
# The loader, and libsystemd: the binaries open it at run time (Systemd's LibSystemd), so it is no NEEDED entry.
queue+=(ld-linux-aarch64.so.1 libsystemd.so.0)
while [ ${#queue[@]} -gt 0 ]; do
    lib=${queue[0]}; queue=("${queue[@]:1}")
    case "$seen" in *" $lib "*) continue ;; esac
    seen="$seen$lib "
    path=$(resolve "$lib") || fail "$lib (needed by the binaries) is not in the arm64 root"
    cp -L "$path" "$out/lib/$lib"
    queue+=($(needed "$out/lib/$lib"))
done
chmod 0755 "$out/lib/ld-linux-aarch64.so.1"
# Libraries the copied ones may dlopen (systemd >= 256 lists them in an ELF .note.dlopen, JSON text): not
# NEEDED, so not copied; recorded in BUILD-INFO. libsystemd 257 dlopens its compression and gcrypt libraries
# only to read or seal journal files, which sd_journal_sendv/sd_notify never do.
dlopen_libs=$(for f in "$out"/lib/*; do strings -a "$f" | grep -o '"soname":\[[^]]*\]' | grep -o '"lib[^"]*"' | tr -d '"'; done \
    | sort -u | tr '\n' ' ')

# The highest glibc symbol version the binaries (and the libraries beside them) need.
glibc_need=$(for p in $products; do readelf -W --dyn-syms "$out/$p"; done | grep -o 'GLIBC_2\.[0-9]*' | sort -uV | tail -1 | cut -d_ -f2)
if [ "$(printf '%s\n%s\n' "$glibc_need" "$glibc_root" | sort -V | tail -1)" != "$glibc_root" ]; then
    fail "the binaries need $glibc_need but the arm64 root's libc provides up to $glibc_root"
fi
finish_step

{
    echo "products: $products"
    echo "target: aarch64-unknown-linux-gnu, static Swift stdlib"
    echo "compiler: Debian sid swiftlang $swift_version (chroot $sid)"
    echo "sysroot: Debian $arm64_suite arm64 ($arm), glibc $glibc_root"
    echo "glibc needed by the binaries: GLIBC_$glibc_need (highest symbol version)"
    for p in $products; do echo "size $p: $(stat -c %s "$out/$p") bytes (stripped)"; done
    echo "libraries: $(cd "$out/lib" && ls | tr '\n' ' ')"
    echo "libraries size: $(du -sb "$out/lib" | cut -f1) bytes"
    echo "dlopen()ed by them, not copied: ${dlopen_libs:-none}"
    echo "timings (this run):"
    printf '  %s\n' "${timings[@]}"
} > "$out/BUILD-INFO"
sed 's/^/   /' "$out/BUILD-INFO" >&2

# --- 8. optional: run them under qemu-user and compare with the host build ----------------------------------
if [ "$verify" = yes ]; then
    step "verify under qemu-aarch64-static"
    "$here/scripts/verify-arm64-cross.sh" "$out" >&2 || fail "the arm64 binaries differ from the host build (see above)"
    finish_step
fi
trap - EXIT
# One line for scripts/test.sh's stage table: the steps this run did (a cached root has none).
joined() { local separator=$1; shift; [ $# -gt 0 ] || { echo nothing; return; }; printf "%s$separator" "$@" | sed "s/$separator\$//"; }
echo "cross-build-arm64: done in $SECONDS s; from the cache: $(joined ', ' ${cached[@]+"${cached[@]}"}); this run: $(joined '; ' ${timings[@]+"${timings[@]}"})" >&2
echo "$out"
