#!/bin/sh
# Peak memory stays bounded by the decompression cap whatever the input:
# decompression bombs (kernel and initrd) are refused with a peak RSS
# below cap + a fixed allowance, and quickly.
. "$(dirname "$0")/lib.sh"
if ! command -v xz >/dev/null || [ ! -x /usr/bin/time ]; then
	skip "needs xz and /usr/bin/time (scripts/deps.sh test)"
fi
kernel "$T/vmlinuz"
head -c 400M /dev/zero | xz -0 -T1 >"$T/bomb.xz"
head -c 400M /dev/zero | gzip -1 >"$T/bomb.gz"
printf 'name = "b"\nkernel = "%s/vmlinuz"\nramdisk = "%s/bomb.gz"\nxbuild_max_decompressed = 64\n' \
	"$T" "$T" >"$T/initrd-bomb.cfg"
# peak MESSAGE CMD...: r = peak RSS in KiB of a command that must fail
# with exit 2 and the stderr line MESSAGE
peak() {
	msg=$1; shift
	/usr/bin/time -f '%M' -o "$T/rss" "$@" >"$T/out" 2>"$T/err"; rc=$?
	[ $rc -eq 2 ] || fail "'$*' exited $rc: $(head -c 300 "$T/err")"
	has_line "$T/err" "$msg" || fail "'$*': no '$msg' in: $(head -c 300 "$T/err")"
	r=$(tail -n 1 "$T/rss")
	case $r in '' | *[!0-9]*) fail "'$*': no peak RSS ('$r')"; r=0 ;; esac
}
# ASan's shadow memory adds to RSS: allow more under sanitizers.
allow=$((48 * 1024)); case $XBUILD in *build-san*) allow=$((400 * 1024)) ;; esac
cap=$((64 * 1024))
peak "xbuild: @T@/bomb.xz: xz: decompressed size exceeds limit (67108864 bytes)" \
	"$XBUILD" inspect --max-decompressed 64 "$T/bomb.xz"
[ "$r" -lt $((cap + allow)) ] || fail "xz bomb: peak $r KiB > $((cap + allow))"
peak "xbuild: @T@/bomb.gz: gzip: decompressed size exceeds limit (67108864 bytes)" \
	"$XBUILD" check "$T/initrd-bomb.cfg"
[ "$r" -lt $((cap + allow)) ] || fail "initrd bomb: peak $r KiB > $((cap + allow))"
peak "xbuild: @T@/bomb.xz: xz: decompressed size exceeds limit (8388608 bytes)" \
	"$XBUILD" inspect --max-decompressed 8 "$T/bomb.xz"
[ "$r" -lt $((8 * 1024 + allow)) ] || fail "xz bomb at 8 MiB: peak $r KiB"
finish
