#!/bin/sh
# `make bench`: xbuild's decoders against the reference tools, and `plan`
# CPU time and peak RSS from 128 MiB to the largest guest (tests/bench/
# bench.py does the timing).  Inputs are made from Debian's vmlinuz
# (.cache/kernel/vmlinuz-ref, tests/fetch-kernel.sh): its xz payload as it
# is, and the ELF inside it recompressed by each tool, cached in
# .cache/bench/ (the compressors take a minute and a half).
# Without the kernel the bench says SKIPPED and exits 77: never a pass.
#   XBUILD=path  the binary to measure (default ./xbuild)
#   MKKERNEL=path  the test-kernel maker (classic kernel for plan)
#   BENCH_PAIRS=N  A/B pairs per row (default 7, at least 5)
#   BENCH_WRITE=1  also write BENCHMARKS.md and BENCHMARKS-plan.png
#   BENCH_ONLY=decode|plan|cache  one part only
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
: "${XBUILD:=$top/xbuild}"
: "${MKKERNEL:=$top/build/tests/mkkernel}"
ref=.cache/kernel/vmlinuz-ref
if [ ! -r "$ref" ]; then
	echo "********************************************************************"
	echo "bench: SKIPPED: no Debian kernel at $ref (run tests/fetch-kernel.sh)"
	echo "bench: nothing was measured"
	echo "********************************************************************"
	exit 77
fi
for t in gzip bzip2 xz lzop lz4 zstd python3; do
	command -v $t >/dev/null || { echo "bench: FAILED: no '$t' (scripts/deps.sh test)"; exit 1; }
done
sum=$(sha256sum -b "$ref" | cut -c1-16)
d=.cache/bench/$sum
mkdir -p "$d"
# The payload as Linux wrote it (without the appended LE32 size), and the
# ELF it holds, decompressed by xz itself.
if [ ! -s "$d/vmlinux" ]; then
	echo "bench: extracting the ELF from $ref"
	python3 - "$ref" "$d/payload.xz" <<'PY' || exit 1
import struct, sys
b = open(sys.argv[1], "rb").read()
sects = b[0x1f1] or 4
off = (sects + 1) * 512 + struct.unpack_from("<I", b, 0x248)[0]
n = struct.unpack_from("<I", b, 0x24c)[0]
if b[0x202:0x206] != b"HdrS" or b[off:off + 6] != b"\xfd7zXZ\0":
    sys.exit("bench: %s: not an xz bzImage" % sys.argv[1])
open(sys.argv[2], "wb").write(b[off:off + n - 4])
PY
	xz -dc "$d/payload.xz" >"$d/vmlinux.tmp" && mv "$d/vmlinux.tmp" "$d/vmlinux" || exit 1
fi
# Each format as Linux's build makes it (scripts/Makefile.lib), but xz:
# that row is Debian's own payload, BCJ filter and all.
mk() { # file command...
	f=$1; shift
	[ -s "$d/$f" ] && return 0
	echo "bench: making $f ($*)"
	"$@" <"$d/vmlinux" >"$d/$f.tmp" && mv "$d/$f.tmp" "$d/$f"
}
mk vmlinux.gz gzip -n -9 -c || exit 1
mk vmlinux.bz2 bzip2 -9 -c || exit 1
mk vmlinux.lzma xz --format=lzma -9 -c || exit 1
mk vmlinux.lzo lzop -9 -c || exit 1
mk vmlinux.lz4 lz4 -l -9 -q -c || exit 1
mk vmlinux.zst zstd -22 --ultra -q -c || exit 1
[ -e "$d/vmlinux.xz" ] || ln -s payload.xz "$d/vmlinux.xz"
exec python3 tests/bench/bench.py --data "$d" --xbuild "$XBUILD" --mkkernel "$MKKERNEL" \
	--kernel "$ref" --pairs "${BENCH_PAIRS:-7}" --only "${BENCH_ONLY:-}" \
	$([ "${BENCH_WRITE:-0}" = 1 ] && echo --write)
