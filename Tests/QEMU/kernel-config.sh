# Sourced by the kernel build scripts: the configuration both test kernels are built with.
# configure_kernel FRAGMENT...: in a kernel source tree (ARCH and CROSS_COMPILE already exported for a cross
# build), tinyconfig with the fragments merged on top; fails naming every fragment line that olddefconfig dropped
# (a dependency missing drops it silently). Each step checks its own status: errexit does not reach into a
# function called where a failure is handled.
configure_kernel() {
    make -s tinyconfig >&2 || return 1
    scripts/kconfig/merge_config.sh -m .config "$@" >&2 || return 1
    make -s olddefconfig >&2 || return 1
    local missing
    # A later fragment's line overrides an earlier one's for the same symbol (a variant's page size): check the last.
    missing=$(cat "$@" | grep '^CONFIG_' | awk -F= '{last[$1] = $0; order[$1] = NR} END {for (k in last) print order[k], last[k]}' \
        | sort -n | cut -d' ' -f2- | while read -r line; do
            case $line in
            *=n) grep -qx "# ${line%=n} is not set" .config || echo "$line" ;;
            *) grep -qx "$line" .config || echo "$line" ;;
            esac
        done)
    [ -z "$missing" ] || { echo "$(basename "$0"): not set after olddefconfig: $(echo $missing)" >&2; return 1; }
}
