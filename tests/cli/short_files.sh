#!/bin/sh
# Files that change under xbuild: a sysfs attribute that promises 4096
# bytes and holds a few is refused by name (exit 2), never "read failed:
# Input/output error"; a kernel truncated while it is mapped ends in a
# one-line message and exit 2, not a crash.
. "$(dirname "$0")/lib.sh"
f=/sys/kernel/uevent_seqnum
if [ -r "$f" ]; then
	expect 2 "xbuild: $f: the file ended after @N@ of the 4096 bytes its size promised (a file that changes as it is read, as in /sys or /proc, is no kernel, initrd or config)" -- \
		"$XBUILD" inspect "$f"
fi
# A 200 MB xz kernel whose file is cut while xbuild decodes it: the
# decoder reads mapped pages that are gone.
head -c 200000000 /dev/zero | xz -0 -T1 >"$T/z.xz"
cp "$T/z.xz" "$T/k.xz"
"$XBUILD" inspect --max-decompressed 1000 "$T/k.xz" >"$T/out" 2>"$T/err" &
pid=$!
sleep 0.2
: >"$T/k.xz"
wait $pid; rc=$?
case $rc in
2) grep -qx "xbuild: an input file shrank while xbuild was reading it (SIGBUS)" "$T/err" ||
	grep -q "xbuild: $T/k.xz: " "$T/err" || fail "message: $(cat "$T/err")" ;;
*) fail "exit $rc, wanted 2: $(cat "$T/err")" ;;
esac
finish
