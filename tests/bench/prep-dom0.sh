# shellcheck shell=sh disable=SC2153,SC2154 # $XBUILD, $MINITS, $SIDUMP, $d, $vmlinuz come from run.sh
# Sourced by tests/e2e/run.sh --bench (make bench-xen) once the e2e dom0
# tree ($d) is made: adds what tests/bench/dom0-bench.sh needs.  Uses run.sh's
# $top, $cache, $d, $vmlinuz, copy_bin, say, die.  Settings:
#   BENCH_PARTS, BENCH_KERNELS, BENCH_MEMS, BENCH_PAIRS, BENCH_SETTLE,
#   BENCH_CACHE_KERNELS
#   (see dom0-bench.sh), MAXRSS and XGBUILD (the built tools, default
#   build/bench-xen/maxrss and build/bench-xen/xgbuild).
# The kernels (tests/bench/mkkernels.sh, made once into .cache/bench-xen)
# do not go into the gzipped dom0 initramfs: bench_append_cpio adds them
# after it as a plain cpio member, which Linux unpacks too, without a
# minute of gzip on the host and of gunzip in dom0.
BENCH_PARTS=${BENCH_PARTS:-create build cache}
BENCH_CACHE_KERNELS=${BENCH_CACHE_KERNELS:-vmlinuz-xz}
BENCH_KERNELS=${BENCH_KERNELS:-vmlinux vmlinuz-zstd vmlinuz-gzip vmlinuz-xz}
BENCH_MEMS=${BENCH_MEMS:-128 2048}
BENCH_PAIRS=${BENCH_PAIRS:-5}
BENCH_SETTLE=${BENCH_SETTLE:-0.5}
MAXRSS=${MAXRSS:-$top/build/bench-xen/maxrss}
XGBUILD=${XGBUILD:-$top/build/bench-xen/xgbuild}
bench_cache=$top/.cache/bench-xen

[ "$BENCH_PAIRS" -ge 5 ] 2>/dev/null || die "BENCH_PAIRS must be at least 5"
for f in "$MAXRSS" "$XGBUILD" "$MINITS" "$XBUILD" "$SIDUMP"; do
	[ -x "$f" ] || die "bench: missing $f"
done
"$top/tests/bench/mkkernels.sh" "$vmlinuz" "$bench_cache/kernels" || die "bench: cannot make the kernels"
# The four kernels must give one layout (xbuild plan on the host).
plan0=""
for k in $BENCH_KERNELS; do
	[ -f "$bench_cache/kernels/$k" ] || die "bench: no kernel $k in $bench_cache/kernels"
	printf 'name = "p"\nmemory = 128\nkernel = "%s"\nramdisk = "%s"\n' \
		"$bench_cache/kernels/$k" "$d/guests/linux-initrd.gz" >"$bench_cache/plan.cfg"
	plan=$("$XBUILD" plan "$bench_cache/plan.cfg" | sed 1d | grep -v '_mfn') || die "bench: xbuild plan $k failed"
	[ -z "$plan0" ] && plan0=$plan
	[ "$plan" = "$plan0" ] || die "bench: $k: xbuild plan gives another layout than ${BENCH_KERNELS%% *}"
done

copy_bin "$MAXRSS" /usr/bin/maxrss
copy_bin "$XGBUILD" /usr/bin/xgbuild
cp "$top/tests/bench/dom0-bench.sh" "$d/etc/e2e/bench.sh"
for k in $BENCH_KERNELS; do
	for m in $BENCH_MEMS; do
		cat >"$d/etc/e2e/bench-$k-$m.cfg" <<EOF
name = "bench-$k-$m"
type = "pv"
memory = $m
kernel = "/bench/$k"
ramdisk = "/guests/linux-initrd.gz"
cmdline = "console=hvc0 rdinit=/init loglevel=4"
EOF
	done
done
cat >>"$d/etc/e2e/env" <<EOF
BENCH_PARTS='$BENCH_PARTS'
BENCH_KERNELS='$BENCH_KERNELS'
BENCH_MEMS='$BENCH_MEMS'
BENCH_PAIRS='$BENCH_PAIRS'
BENCH_SETTLE='$BENCH_SETTLE'
BENCH_CACHE_KERNELS='$BENCH_CACHE_KERNELS'
EOF

# bench_append_cpio FILE: /bench/KERNEL for every kernel, as an uncompressed
# cpio member after FILE's gzip member, from a 4-byte boundary (Linux skips
# the zero padding between members).
bench_append_cpio() {
	bt=$bench_cache/tree
	rm -rf "$bt"
	mkdir -p "$bt/bench"
	for k in $BENCH_KERNELS; do
		ln "$bench_cache/kernels/$k" "$bt/bench/$k" 2>/dev/null || cp "$bench_cache/kernels/$k" "$bt/bench/$k"
	done
	pad=$(((4 - $(wc -c <"$1") % 4) % 4))
	head -c "$pad" /dev/zero >>"$1"
	(cd "$bt" && find . | cpio -o -H newc --quiet) >>"$1"
	rm -rf "$bt"
}
