#!/bin/bash
# Fetches Debian's stock amd64 kernel (the one linux-image-amd64 depends on) into OUTPUT_DIR; prints vmlinuz's path.
# Its memory hotplug and ACPI DIMM hotplug are on; CONFIG_ARCH_MEMORY_PROBE is off.
# Two layouts: boot/vmlinuz-RELEASE and boot/config-RELEASE inside linux-image-RELEASE (6.1, 6.12), or, in newer
# packages (sid's 7.2), linux-image-RELEASE only depends on linux-binary-RELEASE (usr/lib/modules/RELEASE/vmlinuz)
# and linux-base-RELEASE (usr/lib/modules/RELEASE/config), both fetched then.
set -euo pipefail
out=${1:?output directory}
mkdir -p "$out"
package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$package" ] || { echo "fetch-stock-kernel: cannot tell which linux-image linux-image-amd64 depends on" >&2; exit 1; }
release=${package#linux-image-}
found() { ls "$out/$package"/boot/vmlinuz-* "$out/$package/usr/lib/modules/$release/vmlinuz" 2>/dev/null | head -1 || true; }
image=$(found)
if [ -z "$image" ]; then
    rm -rf "$out/$package" "$out"/linux-{image,binary,base}-"$release"_*.deb
    (cd "$out" && apt-get download "$package" >&2)
    dpkg -x "$out"/"$package"_*.deb "$out/$package"
    if ! ls "$out/$package"/boot/vmlinuz-* > /dev/null 2>&1; then
        for part in "linux-binary-$release" "linux-base-$release"; do
            (cd "$out" && apt-get download "$part" >&2)
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
