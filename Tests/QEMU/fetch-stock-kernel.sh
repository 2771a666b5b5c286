#!/bin/bash
# Fetches Debian's stock kernel into OUTPUT_DIR; prints the image's path. ARCH amd64 (the default) is the kernel
# linux-image-amd64 depends on: memory hotplug and ACPI DIMM hotplug on, CONFIG_ARCH_MEMORY_PROBE off. ARCH arm64
# is the same release built for arm64 (the package linux-image-arm64 names in the same suite): memory hotplug on,
# no probe file (mainline arm64 has no ARCH_MEMORY_PROBE), no ACPI memory hotplug.
# Two layouts: boot/vmlinuz-RELEASE and boot/config-RELEASE inside linux-image-RELEASE (6.1, 6.12), or, in newer
# packages (sid's 7.2), linux-image-RELEASE only depends on linux-binary-RELEASE (usr/lib/modules/RELEASE/vmlinuz)
# and linux-base-RELEASE (usr/lib/modules/RELEASE/config), both fetched then.
# usage: fetch-stock-kernel.sh OUTPUT_DIR [amd64|arm64]
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
out=${1:?output directory}
arch=${2:-amd64}
case $arch in amd64|arm64) ;; *) echo "fetch-stock-kernel: ARCH must be amd64 or arm64, not '$arch'" >&2; exit 2 ;; esac
mkdir -p "$out"
amd64=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$amd64" ] || { echo "fetch-stock-kernel: cannot tell which linux-image linux-image-amd64 depends on" >&2; exit 1; }
release=${amd64#linux-image-}
release=${release%-amd64}-$arch
package=linux-image-$release
found() { ls "$out/$package"/boot/vmlinuz-* "$out/$package/usr/lib/modules/$release/vmlinuz" 2>/dev/null | head -1 || true; }
download() {
    if [ "$arch" = arm64 ]; then
        (cd "$out" && "$here/with-arm64-apt.sh" apt-get download "$@" >&2)
    else
        (cd "$out" && apt-get download "$@" >&2)
    fi
}
image=$(found)
if [ -z "$image" ]; then
    rm -rf "$out/$package" "$out"/linux-{image,binary,base}-"$release"_*.deb
    download "$package:$arch"
    dpkg -x "$out"/"$package"_*.deb "$out/$package"
    if ! ls "$out/$package"/boot/vmlinuz-* > /dev/null 2>&1; then
        download "linux-binary-$release:$arch" "linux-base-$release:$arch"
        for part in "linux-binary-$release" "linux-base-$release"; do
            dpkg -x "$out"/"$part"_*.deb "$out/$package"
        done
    fi
    # modules: the guests need none (the newer layout's are in linux-modules-RELEASE, not fetched)
    rm -rf "$out/$package/lib" "$out/$package/usr/share" "$out/$package"/usr/lib/modules/*/kernel
    [ -d "$out/$package/usr/lib/modules" ] || rm -rf "$out/$package/usr"
    rm -f "$out"/linux-{image,binary,base}-"$release"_*.deb
    image=$(found)
    [ -n "$image" ] || { echo "fetch-stock-kernel: no vmlinuz in $package (nor in linux-binary-$release)" >&2; exit 1; }
fi
echo "$image"
