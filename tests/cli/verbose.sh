#!/bin/sh
# -v: one line per phase on stderr with sizes and times (CLOCK_MONOTONIC),
# for plan, check, inspect, and run and build on the simulated backend;
# nothing on stderr without -v.  Paths are escaped like every untrusted
# string.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bss 1M --bzimage xz
head -c 300000 /dev/urandom | gzip >"$T/rd.gz"
printf 'name = "v"\nmemory = 128\nkernel = "%s"\nramdisk = "%s"\n' "$T/vmlinuz" "$T/rd.gz" >"$T/v.cfg"
X=$XBUILD_TEST
TIME='in @N@.@N@ ms'
# lines FILE PATTERN...: each pattern is a whole line of FILE; a time is
# "in N.N ms", "in N ms" or "in N.N s".
lines() {
	f=$1; shift
	for l in "$@"; do
		grep -aqE -e "$(line_re "$l" | sed 's/in \[0-9\]+\\\.\[0-9\]+ ms\$$/in ([0-9]+\\.[0-9] ms|[0-9]+ ms|[0-9]+\\.[0-9] s)$/')" "$f" ||
			fail "no stderr line '$l' in: $(cat "$f")"
	done
}
common="xbuild: config @T@/v.cfg: name v, 128 MiB, 1 vCPU, 0 warnings $TIME
xbuild: read kernel @T@/vmlinuz (@*@ KiB) $TIME
xbuild: read ramdisk @T@/rd.gz (@*@ KiB) $TIME
xbuild: loaded: bzImage, xz, @*@ ELF (xen-3.0-x86_64); initrd gzip, @*@ KiB loaded as 293.0 KiB $TIME
xbuild: layout: 32768 pages (128.0 MiB), kernel at pfn 0x1000 (@N@ pages), @N@ page tables, mapped 0xffffffff80000000-@X@, p2m at INIT_P2M $TIME"
# run and build decode the kernel straight into guest memory: its layout
# follows once the notes are decoded.
streamed="xbuild: config @T@/v.cfg: name v, 128 MiB, 1 vCPU, 0 warnings $TIME
xbuild: read kernel @T@/vmlinuz (@*@ KiB) $TIME
xbuild: read ramdisk @T@/rd.gz (@*@ KiB) $TIME
xbuild: loaded: bzImage, xz, ELF decoded into guest memory by the build (xen-3.0-x86_64); initrd gzip, @*@ KiB decoded into guest memory by the build $TIME
xbuild: layout: 32768 pages (128.0 MiB), kernel decoded at pfn 0x1000, the rest once its notes are decoded $TIME"
old_ifs=$IFS; IFS='
'
expect 0 "" -- "$XBUILD" check -v "$T/v.cfg"
lines "$T/err" $common
expect 0 "" -- "$XBUILD" plan -v "$T/v.cfg"
lines "$T/err" $common "xbuild: backend: the simulated hypervisor opened $TIME" \
	"xbuild: create: domain 1 (1 vCPU, 128 MiB) $TIME" \
	"xbuild: build: 32768 pages, store mfn @N@, console mfn @N@ $TIME" \
	"xbuild: handover: done $TIME"
expect 0 "" -- "$X" run -v --backend sim "$T/v.cfg"
lines "$T/err" $streamed "xbuild: create: domain 1 (1 vCPU, 128 MiB) $TIME" \
	"xbuild: name: domain 1 is 'v' $TIME" \
	"xbuild: event channels: store port @N@, console port @N@ $TIME" \
	"xbuild: build: 32768 pages, store mfn @N@, console mfn @N@ $TIME" \
	"xbuild: xenstore: domain 1 $TIME" "xbuild: introduce: domain 1 $TIME" \
	"xbuild: unpause: domain 1 $TIME" "xbuild: handover: the builder's mark removed $TIME"
expect 0 "" -- "$X" run -v -p --backend sim "$T/v.cfg"
grep -q "unpause:" "$T/err" && fail "run -p says it unpaused"
expect 0 "" -- "$X" build -v --backend sim --domid 4 --store-evtchn 1 --console-evtchn 2 "$T/v.cfg"
lines "$T/err" $streamed "xbuild: build: domain 1, 32768 pages, store mfn @N@, console mfn @N@ $TIME"
expect 0 "" -- "$XBUILD" inspect -v "$T/vmlinuz"
lines "$T/err" "xbuild: read kernel @T@/vmlinuz (@*@ KiB) $TIME" \
	"xbuild: loaded: bzImage, xz, 12.4 KiB ELF $TIME"
IFS=$old_ifs
# quiet without -v
for c in check plan; do
	expect 0 "" -- "$XBUILD" $c "$T/v.cfg"
	[ -s "$T/err" ] && fail "$c without -v wrote: $(cat "$T/err")"
done
# an escape sequence in a file name is escaped in -v's lines
esc=$(printf 'k\033[2Jx')
cp "$T/vmlinuz" "$T/$esc"
expect 0 "" -- "$XBUILD" inspect -v "$T/$esc"
has_line "$T/err" 'xbuild: read kernel @T@/k\x1b[2Jx (@*@ KiB) @*@' || fail "path not escaped: $(cat -v "$T/err")"
finish
