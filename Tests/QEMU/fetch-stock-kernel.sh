#!/bin/bash
# Fetches Debian's stock amd64 kernel (the one linux-image-amd64 depends on) into OUTPUT_DIR; prints vmlinuz's path.
# Its memory hotplug and ACPI DIMM hotplug are on; CONFIG_ARCH_MEMORY_PROBE is off.
set -euo pipefail
out=${1:?output directory}
mkdir -p "$out"
package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$package" ] || { echo "fetch-stock-kernel: cannot tell which linux-image linux-image-amd64 depends on" >&2; exit 1; }
image=$(ls "$out/$package"/boot/vmlinuz-* 2>/dev/null | head -1 || true)
if [ -z "$image" ]; then
    rm -rf "$out/$package" "$out"/"$package"_*.deb
    (cd "$out" && apt-get download "$package" >&2)
    dpkg -x "$out"/"$package"_*.deb "$out/$package"
    rm -rf "$out/$package/lib" "$out/$package/usr"   # modules: the guests need none
    rm -f "$out"/"$package"_*.deb
    image=$(ls "$out/$package"/boot/vmlinuz-* | head -1)
fi
echo "$image"
