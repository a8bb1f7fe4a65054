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
# A size field that lies sizes the buffer only (virtual memory): a zstd
# frame of 16 MiB of zeros whose content size says 1000 MiB is refused with
# a peak RSS far below 1000 MiB.
if command -v zstd >/dev/null; then
	head -c 16M /dev/zero >"$T/z"	# a file: zstd then writes the content size
	zstd -q -3 -f "$T/z" -o "$T/z.zst" && rm -f "$T/z"
	python3 - "$T/z.zst" <<'PY' || fail "cannot patch the zstd frame's content size"
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
fhd = b[4]
at = 5 + (0 if fhd & 0x20 else 1) + (0, 1, 2, 4)[fhd & 3]
n = (0 if not fhd & 0x20 else 1, 2, 4, 8)[fhd >> 6]
assert n == 4 and struct.unpack_from("<I", b, at)[0] == 16 << 20, (fhd, n)
struct.pack_into("<I", b, at, 1000 << 20)
open(sys.argv[1], "wb").write(b)
PY
	peak "xbuild: @T@/z.zst: zstd: corrupt data at input offset @N@ (@*@)" \
		"$XBUILD" inspect "$T/z.zst"
	[ "$r" -lt $((16 * 1024 + allow)) ] || fail "zstd content size lie: peak $r KiB"
fi
finish
