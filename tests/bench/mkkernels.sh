#!/bin/sh
# mkkernels.sh VMLINUZ OUTDIR: the kernels of `make bench-xen`, all the same
# Linux kernel:
#   OUTDIR/vmlinux        the ELF inside Debian's bzImage, uncompressed
#   OUTDIR/vmlinuz-xz     Debian's bzImage as it is (xz payload)
#   OUTDIR/vmlinuz-gzip   the same bzImage with its payload replaced by
#                         `gzip -9n` of the vmlinux (as Linux's
#                         CONFIG_KERNEL_GZIP makes it)
#   OUTDIR/vmlinuz-zstd   ... by `zstd -22 --ultra` from a pipe plus the
#                         size as LE32 (as CONFIG_KERNEL_ZSTD makes it)
# A replaced payload: the bytes before the payload, the new payload, the
# bytes after the old one; payload_length (0x24c) and syssize (0x1f4)
# rewritten.  The setup code and the boot decompressor stay Debian's (a PV
# loader reads only the payload).  Made once: OUTDIR/.stamp names the
# source (name, size).  Needs xz, gzip, zstd, od, dd.
set -eu
src=$1
out=$2
say() { echo "bench-xen: $*"; }
die() { echo "bench-xen: mkkernels: $*" >&2; exit 2; }

id="$(basename "$src") $(wc -c <"$src")"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$id" ]; then
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"

u8() { od -An -t u1 -j "$2" -N 1 "$1" | tr -d ' '; }
u32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
# le32 N: N as 4 little-endian bytes.
le32() {
	# shellcheck disable=SC2059 # the format is the four octal escapes
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255)))"
}
# put32 FILE OFFSET N: overwrite 4 bytes.
put32() { le32 "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

[ "$(dd if="$src" bs=1 skip=514 count=4 status=none)" = HdrS ] || die "$src: not a bzImage"
ss=$(u8 "$src" 497)
[ "$ss" = 0 ] && ss=4
pstart=$(((ss + 1) * 512 + $(u32 "$src" 584)))
plen=$(u32 "$src" 588)
size=$(wc -c <"$src")
[ $((pstart + plen)) -le "$size" ] || die "$src: payload beyond the end of the file"
tail -c +$((pstart + 1)) "$src" | head -c "$plen" >"$out/payload.orig"
magic=$(od -An -t x1 -N 4 "$out/payload.orig" | tr -d ' ')
case $magic in
fd377a58) xz -dc --single-stream <"$out/payload.orig" >"$out/vmlinux" ;;
1f8b*) gzip -dc <"$out/payload.orig" >"$out/vmlinux" 2>/dev/null || [ -s "$out/vmlinux" ] ;;
28b52ffd) zstd -dc <"$out/payload.orig" >"$out/vmlinux" ;;
*) die "$src: payload magic $magic: only xz, gzip or zstd" ;;
esac
[ "$(od -An -c -N 4 "$out/vmlinux" | tr -d ' ')" = '177ELF' ] || die "$src: the payload is not an ELF"
cp "$src" "$out/vmlinuz-$(case $magic in fd*) echo xz ;; 1f*) echo gzip ;; *) echo zstd ;; esac)"

# rebuild FORMAT: OUTDIR/vmlinuz-FORMAT from Debian's bzImage.
rebuild() {
	p=$out/payload.$1
	case $1 in
	gzip) gzip -9n <"$out/vmlinux" >"$p" ;;
	zstd) { zstd -q -22 --ultra -c <"$out/vmlinux" && le32 "$(wc -c <"$out/vmlinux")"; } >"$p" ;;
	esac
	f=$out/vmlinuz-$1
	{ head -c "$pstart" "$src"; cat "$p"; tail -c +$((pstart + plen + 1)) "$src"; } >"$f"
	put32 "$f" 588 "$(wc -c <"$p")"
	put32 "$f" 500 $((($(wc -c <"$f") - (ss + 1) * 512 + 15) / 16))
	rm -f "$p"
}
for fmt in gzip zstd; do
	[ -f "$out/vmlinuz-$fmt" ] || { say "making vmlinuz-$fmt (zstd -22 --ultra takes about 30 s)"; rebuild $fmt; }
done
rm -f "$out/payload.orig"
echo "$id" >"$out/.stamp"
