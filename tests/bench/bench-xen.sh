#!/bin/sh
# make bench-xen: xbuild against the stock toolstack on real Xen (Debian's Xen
# 4.17 under QEMU, as make e2e boots it).
#   tests/bench/bench-xen.sh             boot, measure, write BENCHMARKS.md's section
#   tests/bench/bench-xen.sh --report    only the tables, from the last run's serial log
#                                        (kept as .cache/bench-xen/serial.log)
# In dom0 (tests/bench/dom0-bench.sh), for each kernel (Debian's vmlinux
# uncompressed, bzImages with a zstd, gzip and Debian's own xz payload) and
# each memory size (128 MiB, 2 GiB), BENCH_PAIRS pairs (default 5), the two
# tools alternating:
#   create  `xbuild run -p` against `xl create -p` of one config, wall time and
#           peak RSS (tests/bench/maxrss.c), the domain destroyed after each
#   build   the builder step alone on a domain made by tests/e2e/minits:
#           `xbuild build` against tests/bench/xgbuild.c (libxenguest's
#           xc_dom_* calls, as libxl makes them)
#   cache   `xbuild run -p --cache-dir DIR` with the kernel's entry in DIR
#           against `xl create -p`, for BENCH_CACHE_KERNELS (vmlinuz-xz)
#   thread  the test build's `xbuild run -p` with its populate in a second
#           thread against without (not in the default parts; e.g.
#           BENCH_PARTS=thread BENCH_SECTION=bench-xen-thread
#           E2E_XEN_ARGS="bootscrub=0 dom0_max_vcpus=2")
# The host turns the BENCH-RUN lines of the serial log into per-pair ratios
# (xbuild / peer): their median and their spread (min-max) per kernel and
# size, printed and written between the bench-xen markers of BENCHMARKS.md.
# Environment: BENCH_PAIRS, BENCH_PARTS, BENCH_KERNELS, BENCH_MEMS,
# BENCH_SETTLE, BENCH_CACHE_KERNELS (tests/bench/prep-dom0.sh), BENCH_OUT
# (default BENCHMARKS.md), BENCH_SECTION (default bench-xen: the name of
# the markers the tables go between; a subset run, e.g. BENCH_PARTS=cache
# BENCH_KERNELS=vmlinuz-xz BENCH_SECTION=bench-xen-cache, gets a section of
# its own and leaves the full run's alone; its serial log is kept as
# .cache/bench-xen/serial-SECTION.log), and run.sh's (XBUILD, MINITS,
# SIDUMP, ..., E2E_TIMEOUT).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sect=${BENCH_SECTION:-bench-xen}
case $sect in
bench-xen) log=$top/.cache/bench-xen/serial.log ;;
bench-xen-*) log=$top/.cache/bench-xen/serial-$sect.log ;;
*) echo "bench-xen: BENCH_SECTION must be bench-xen or bench-xen-NAME" >&2; exit 2 ;;
esac
out=${BENCH_OUT:-$top/BENCHMARKS.md}
say() { echo "bench-xen: $*"; }

if [ "${1:-}" != --report ]; then
	commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
	git -C "$top" diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
	# A 2 GiB guest must fit in Xen's free memory beside a 1 GiB dom0 (the
	# kernels, xl and xbuild's buffers live in dom0's RAM).
	export E2E_QEMU_MEM="${E2E_QEMU_MEM:-4096}"
	export E2E_DOM0_MEM="${E2E_DOM0_MEM:-1024M}"
	export E2E_TIMEOUT="${E2E_TIMEOUT:-1500}"
	# Guest RAM faulted in on the host before Xen starts, and no boot-time
	# scrub by Xen (under TCG it runs for minutes beside the first runs):
	# no run pays for first-touching memory.
	export E2E_QEMU_ARGS="${E2E_QEMU_ARGS:--mem-prealloc}"
	export E2E_XEN_ARGS="${E2E_XEN_ARGS:-bootscrub=0}"
	t0=$(date +%s)
	rc=0
	"$top/tests/e2e/run.sh" --bench || rc=$?
	secs=$(($(date +%s) - t0))
	say "run.sh --bench: exit $rc after $secs s"
	# The run's log, and what only the host knows, for --report.
	mkdir -p "${log%/*}"
	cp "$top/.cache/e2e/serial.log" "$log" 2>/dev/null || true
	echo "BENCH-HOST section=$sect" >>"$log"
	{
		echo "BENCH-HOST seconds=$secs"
		echo "BENCH-HOST date=$(date -u +%Y-%m-%d)"
		echo "BENCH-HOST commit=$commit"
		echo "BENCH-HOST qemu=$(qemu-system-x86_64 --version 2>/dev/null | head -n 1 | sed 's/^QEMU emulator version //')"
		echo "BENCH-HOST cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
		echo "BENCH-HOST ncpu=$(nproc)"
		echo "BENCH-HOST hostk=$(uname -r)"
	} >>"$log"
	[ $rc = 0 ] || [ $rc = 1 ] || exit $rc
fi
[ -f "$log" ] || { say "no $log"; exit 2; }
grep -aq '^BENCH-DONE' "$log" || { say "$log has no BENCH-DONE line: the run did not finish"; exit 2; }

section=$(tr -d '\r' <"$log" | awk -v sect="$sect" '
function kv(line, key,   i, n, f) {
	n = split(line, f, " ")
	for (i = 1; i <= n; i++)
		if (index(f[i], key "=") == 1)
			return substr(f[i], length(key) + 2)
	return ""
}
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
function median(a, n) {
	sort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# one table row: medians of A and B, median and spread of the pair ratios
function row(part, key, metric, scale, fmt,   i, n, ka, kb, r, va, vb) {
	n = 0
	for (i = 1; i <= maxpair[part, key]; i++) {
		ka = part SUBSEP key SUBSEP i SUBSEP A[part]
		kb = part SUBSEP key SUBSEP i SUBSEP B[part]
		if (!((ka, metric) in val) || !((kb, metric) in val) || val[kb, metric] <= 0)
			continue
		n++
		va[n] = val[ka, metric] / scale
		vb[n] = val[kb, metric] / scale
		r[n] = val[ka, metric] / val[kb, metric]
	}
	if (n == 0)
		return sprintf("| %s | %s | 0 | - | - | - | - |", kname[key], kmem[key])
	mr = median(r, n)
	return sprintf("| %s | %s | %d | " fmt " | " fmt " | **%.2f** | %.2f-%.2f |", kname[key],
		kmem[key], n, median(va, n), median(vb, n), mr, r[1], r[n])
}
function table(part, metric, what, unit, scale, fmt,   j) {
	if (!nkeys[part])
		return
	print ""
	print "| kernel | MiB | pairs | " T[part, "A"] " " unit " | " T[part, "B"] " " unit " | " what " ratio | spread |"
	print "|---|---|---|---|---|---|---|"
	for (j = 1; j <= nkeys[part]; j++)
		print row(part, keys[part, j], metric, scale, fmt)
}
# " (create part N s, build part N s in dom0)" for the parts that ran
function parts_line(   p, i, n, w) {
	n = split("create build cache thread", p, " ")
	w = ""
	for (i = 1; i <= n; i++)
		if (psecs[p[i]] != "")
			w = w (w != "" ? ", " : "") p[i] " part " int(psecs[p[i]]) " s"
	return w != "" ? " (" w " in dom0)" : ""
}
BEGIN {
	A["create"] = "xbuild"; B["create"] = "xl"
	A["build"] = "xbuild"; B["build"] = "xgbuild"
	A["cache"] = "xbuild-cache"; B["cache"] = "xl"
	A["thread"] = "xbuild-thread"; B["thread"] = "xbuild-nothread"
	T["cache", "A"] = "`xbuild run -p --cache-dir`"; T["cache", "B"] = "`xl create -p`"
	T["create", "A"] = "`xbuild run -p`"; T["create", "B"] = "`xl create -p`"
	T["build", "A"] = "`xbuild build`"; T["build", "B"] = "xgbuild (libxenguest)"
	T["thread", "A"] = "with the thread"; T["thread", "B"] = "without"
}
/^BENCH-INFO / {
	line = substr($0, 12)
	if (line ~ /^kernel=/) { ksize[kv(line, "kernel")] = kv(line, "bytes"); next }
	if (line ~ /^part=/) { psecs[kv(line, "part")] = kv(line, "seconds"); next }
	if (line ~ /^(config|poll_seconds)=/) next
	if (line ~ /^pairs=/) { pairs = kv(line, "pairs"); settle = kv(line, "settle"); next }
	k = line; sub(/=.*/, "", k); v = line; sub(/^[^=]*=/, "", v)
	info[k] = v
	next
}
/^BENCH-RUN / {
	part = kv($0, "part"); k = kv($0, "kernel"); m = kv($0, "mem"); p = kv($0, "pair") + 0
	tool = kv($0, "tool"); st = kv($0, "status")
	key = k "/" m
	if (!((part, key) in seen)) {
		seen[part, key] = 1
		keys[part, ++nkeys[part]] = key
		kname[key] = k; kmem[key] = m
	}
	if (p > maxpair[part, key]) maxpair[part, key] = p
	if (st != "0") { fails[part] = fails[part] "\n- " $0; next }
	val[part, key, p, tool, "wall"] = kv($0, "wall")
	val[part, key, p, tool, "rss"] = kv($0, "rss")
	next
}
/^BENCH-HOST / {
	k = substr($0, 12); sub(/=.*/, "", k)
	host[k] = substr($0, 12 + length(k) + 1)
	next
}
/^BENCH-TIMING / {
	k = kv($0, "kernel"); m = kv($0, "mem")
	ph = $0; sub(/^BENCH-TIMING kernel=[^ ]* mem=[^ ]* /, "", ph)
	v = ph; sub(/^.*  */, "", v); sub(/ *[0-9.]+ [a-z]+$/, "", ph)
	if (!((k, m) in tseen)) { tseen[k, m] = 1; tkeys[++ntk] = k SUBSEP m }
	tm[k, m, ph] = v
	next
}
/^BENCH-CHECK / { checks = checks "\n- " substr($0, 13); next }
/^BENCH-WARN / { warns = warns "\n- " substr($0, 12); next }
END {
	print (sect == "bench-xen" ? "## On real Xen (make bench-xen)" : "## On real Xen, one part (make bench-xen, " sect ")")
	print ""
	print "Generated by `make bench-xen` (tests/bench/bench-xen.sh) on " host["date"] ", xbuild " host["commit"] "; do not edit"
	print "by hand. Ratios are xbuild / peer per pair (the two alternate, A then B, each domain destroyed and"
	print "its memory back in Xen before the next): below 1 xbuild is faster or smaller. The bold figure is"
	print "the median of the per-pair ratios, the spread their minimum and maximum; the two middle columns are"
	print "the medians of each side, for scale only. QEMU TCG on a 2-core host shared with other work: single"
	print "runs vary by up to 2x, so read each median with its spread."
	print ""
	print "- Host: " host["cpu"] ", " host["ncpu"] " cores, Linux " host["hostk"] "; QEMU " host["qemu"] " (TCG, -smp 2, -m 4096 -mem-prealloc)"
	print "- Xen " info["xen_version"] " (Debian 4.17 packages), " info["nr_cpus"] " pCPUs, " info["total_memory"] \
		" MiB, free before the runs " info["free_memory"] " MiB; command line: `" info["xen_commandline"] "`"
	print "- dom0: Linux " info["dom0_kernel"] ", MemTotal " int(info["dom0_memtotal_kib"] / 1024) " MiB, " info["dom0_vcpus"] " vCPU" (info["dom0_vcpus"] == 1 ? "" : "s") ";" \
		" " info["xbuild"] "; xl and libxenguest " info["xen_version"]
	if ("vmlinux" in ksize && "vmlinuz-zstd" in ksize && "vmlinuz-gzip" in ksize && "vmlinuz-xz" in ksize)
		printf "- Kernels: the same Linux %s: `vmlinux` (ELF, %d bytes), bzImages with a zstd -22 (%d bytes), gzip -9 (%d bytes) payload (Debian'"'"'s bzImage, payload replaced: tests/bench/mkkernels.sh), Debian'"'"'s own xz bzImage (%d bytes); initrd: the e2e busybox initrd (gzip)\n", \
			info["dom0_kernel"], ksize["vmlinux"], ksize["vmlinuz-zstd"], ksize["vmlinuz-gzip"], ksize["vmlinuz-xz"]
	else {
		printf "- Kernels (Linux %s, tests/bench/mkkernels.sh):", info["dom0_kernel"]
		for (k in ksize)
			printf " `%s` (%d bytes)", k, ksize[k]
		print "; initrd: the e2e busybox initrd (gzip)"
	}
	print "- " pairs " pairs per row after one warm-up pair; " settle " s pause after each destroy" \
		(host["seconds"] != "" ? "; the whole `make bench-xen` took " host["seconds"] " s" : "") \
		parts_line()
	if (nkeys["create"]) {
		print ""
		print "### Creating a paused domain: `xbuild run -p CFG` vs `xl create -p CFG`"
		print ""
		print "Wall time of the command (process start to exit), measured by tests/bench/maxrss in dom0:"
		table("create", "wall", "time", "s", 1, "%.3f")
		print ""
		print "Peak RSS (wait4 ru_maxrss, including the children each command waits for: xl forks its"
		print "monitoring daemon, whose RSS after the fork is not counted):"
		table("create", "rss", "RSS", "MiB", 1024, "%.1f")
		print ""
		print "`xbuild run` decodes a compressed kernel (and a compressed initrd of one stream) straight into"
		print "guest memory: what it holds is the decoder'"'"'s state (liblzma'"'"'s dictionary, 32 MiB for Linux'"'"'s xz;"
		print "zlib'"'"'s 32 KiB window) and the mapped input files; zstd, lz4 and lzo kernels of known size are"
		print "decoded in one pass into a view of the guest'"'"'s frames laid out like the ELF file, and an"
		print "uncompressed vmlinux is copied into that view 8 MiB of its file at a time, its pages of zeros"
		print "neither mapped nor copied (about half of Debian'"'"'s), so neither is held in dom0.  The vmlinux"
		print "file'"'"'s pages stay mapped until the process ends, which its RSS counts: they are the page"
		print "cache'"'"'s, shared, not memory of xbuild'"'"'s own (on a PV dom0, unmapping them early costs as much as"
		print "mapping them; ending the process is cheap)."
		if ("vmlinuz-xz" in ksize)
			printf "Issue 12'"'"'s bound for Debian'"'"'s xz vmlinuz + initrd at 128 MiB: 48 MiB + the compressed kernel and initrd = %.1f MiB.\n", 48 + (ksize["vmlinuz-xz"] + info["initrd_bytes"]) / 1048576
		if (ntk) {
			print ""
			print "Where the time of one `xbuild run -p` goes (`--timings`, one run per kernel, outside the pairs):"
			print ""
			print "| kernel | MiB | populate | decode (into guest memory) | load (copy from the file) | xenstore | total (in the process) |"
			print "|---|---|---|---|---|---|---|"
			for (j = 1; j <= ntk; j++) {
				split(tkeys[j], km, SUBSEP)
				print "| " km[1] " | " km[2] " | " tm[km[1], km[2], "populate"] " | " \
					(tm[km[1], km[2], "decode"] != "" ? tm[km[1], km[2], "decode"] : "-") " | " \
					tm[km[1], km[2], "load"] " | " tm[km[1], km[2], "xenstore"] " | " tm[km[1], km[2], "total"] " |"
			}
		}
	}
	if (nkeys["build"]) {
		print ""
		print "### The builder step alone: `xbuild build` vs libxenguest (tests/bench/xgbuild.c)"
		print ""
		print "Both run by tests/e2e/minits on a domain it made (vCPU, maxmem, event channels); timed from fork to"
		print "exit of the builder process. xgbuild makes the calls libxl__build_pv makes (xc_dom_allocate ..."
		print "xc_dom_gnttab_init, claim mode on as xl'"'"'s default)."
		table("build", "wall", "time", "s", 1, "%.3f")
		print ""
		print "Peak RSS of the builder process:"
		table("build", "rss", "RSS", "MiB", 1024, "%.1f")
	}
	if (nkeys["cache"]) {
		print ""
		print "### With the kernel cache warm: `xbuild run -p --cache-dir DIR CFG` vs `xl create -p CFG`"
		print ""
		print "DIR (tmpfs in dom0) holds the kernel'"'"'s entry, made by one `xbuild plan --cache-dir DIR` before the"
		print "pairs (checked to hit, below): xbuild hashes the file, maps the stored ELF and decompresses"
		print "nothing; xl decompresses the kernel every time. Wall time:"
		table("cache", "wall", "time", "s", 1, "%.3f")
		print ""
		print "Peak RSS:"
		table("cache", "rss", "RSS", "MiB", 1024, "%.1f")
	}
	if (nkeys["thread"]) {
		print ""
		print "### The populate thread: `xbuild run -p CFG` with the guest'"'"'s memory populated by a second thread vs by the builder itself"
		print ""
		print "The test build (build-test/xbuild) both ways, XBUILD_HV_POPULATE_THREAD=1 against =0; the release"
		print "build takes the thread when dom0 has more than one CPU. Wall time:"
		table("thread", "wall", "time", "s", 1, "%.3f")
	}
	if (checks != "") {
		print ""
		print "Checks (paused domains compared with tests/e2e/sidump: start_info, vCPU 0, page tables in pfns;"
		print "MFNs, event channels and mod_len left out):" checks
	}
	if (fails["create"] fails["build"] fails["cache"] fails["thread"] != "") {
		print ""
		print "Failed runs (left out of the tables):" fails["create"] fails["build"] fails["cache"] fails["thread"]
	}
	if (warns != "") {
		print ""
		print "Warnings:" warns
	}
}')

printf '%s\n' "$section"

# BENCHMARKS.md: replace the section between the markers, else append it.
begin="<!-- $sect begin: generated by make bench-xen (tests/bench/bench-xen.sh) -->"
end="<!-- $sect end -->"
tmp=$out.tmp.$$
if [ -f "$out" ] && grep -q "^<!-- $sect begin" "$out"; then
	awk -v f=/dev/stdin -v b="<!-- $sect begin" -v e="$end" 'BEGIN { while ((getline l < f) > 0) s = s l "\n" }
		index($0, b) == 1 { printf "%s", s; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip' "$out" >"$tmp" <<EOF
$begin
$section
$end
EOF
else
	{
		if [ -f "$out" ]; then cat "$out"; echo; else echo "# Benchmarks"; echo; fi
		echo "$begin"
		echo "$section"
		echo "$end"
	} >"$tmp"
fi
mv "$tmp" "$out"
say "tables written to ${out#"$top"/}"
