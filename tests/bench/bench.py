#!/usr/bin/env python3
"""The timing half of `make bench` (tests/bench/bench.sh prepares the data).

Decode: for each format, `xbuild inspect FILE` (A) against the reference tool
decompressing the same FILE to /dev/null (B), in alternating pairs
A B A B ...; the cost of one run is the CPU time (user + system) of the
process, from wait4(), so that other load on the machine's shared cores does
not count.  Printed: the median of the per-pair ratios A/B, their spread
(lowest-highest), and the medians of A and B for scale.

Plan: `xbuild plan` of a guest of each size against the same plan at
128 MiB (the peer), alternating; CPU time ratio, and peak RSS (ru_maxrss).

Cache: `xbuild plan --cache-dir DIR` with the entry in place (warm) against
the same plan without a cache (cold), against the reference tool decoding
the same kernel, and a miss (empty DIR: decode and store) against cold.
"""
import argparse
import ctypes
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

MIB = 1 << 20
# memory in MiB: 128 MiB .. 16 TiB (src/config.h XB_MEMORY_MAX_MB)
SIZES = [128, 512, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216]
MAX_MB = 16777216


PR_SET_THP_DISABLE = 41
try:
    LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:
    LIBC = None


def run(cmd, keep=False, nothp=False):
    """One run: (cpu seconds, peak RSS KiB, exit code, output).  Timed runs
    write to /dev/null (keep=False), as the reference tools are meant to.
    nothp: the child runs without transparent huge pages (the flag is
    inherited at fork), as on a Xen PV dom0, which has none."""
    with tempfile.TemporaryFile() as err:
        out = err if keep else subprocess.DEVNULL
        if nothp and (not LIBC or LIBC.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0):
            sys.exit("bench: FAILED: prctl(PR_SET_THP_DISABLE)")
        try:
            p = subprocess.Popen(cmd, stdout=out, stderr=err)
        finally:
            if nothp:
                LIBC.prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read(1 << 16).decode(errors="replace")
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode, text


def must(cmd, what, keep=False, nothp=False):
    cpu, rss, rc, text = run(cmd, keep, nothp)
    if rc != 0:
        sys.exit("bench: FAILED: %s: %s exited %d: %s" % (what, " ".join(cmd), rc, text[:400]))
    return cpu, rss, text


def pairs(a, b, n, what, nothp=False):
    """n alternating pairs A, B; per-pair ratios A/B.  nothp: each pair
    also runs A without transparent huge pages (A, B, A'), ratios A'/B."""
    must(a, what)  # warm the page cache and the binaries
    must(b, what)
    ra, rb, ratios, rss_a, rss_b, nt = [], [], [], [], [], []
    for _ in range(n):
        ca, sa, _ = must(a, what)
        cb, sb, _ = must(b, what)
        ra.append(ca)
        rb.append(cb)
        rss_a.append(sa)
        rss_b.append(sb)
        ratios.append(ca / cb if cb > 0 else float("inf"))
        if nothp:
            cn, _, _ = must(a, what, nothp=True)
            nt.append(cn / cb if cb > 0 else float("inf"))
    r = {
        "ratio": statistics.median(ratios),
        "lo": min(ratios),
        "hi": max(ratios),
        "a": statistics.median(ra),
        "b": statistics.median(rb),
        "rss": max(rss_a),
        "rss_b": max(rss_b),
    }
    if nt:
        r.update(nothp=statistics.median(nt), nlo=min(nt), nhi=max(nt))
    return r


def fmt_ms(s):
    return "%.1f" % (s * 1000)


def decode_rows(args):
    d = args.data
    elf_len = os.path.getsize(os.path.join(d, "vmlinux"))
    rows = [
        ("gzip", "vmlinux.gz", ["gzip", "-dc"]),
        ("bzip2", "vmlinux.bz2", ["bzip2", "-dc"]),
        ("xz", "vmlinux.xz", ["xz", "-dc"]),
        ("lzma", "vmlinux.lzma", ["xz", "--format=lzma", "-dc"]),
        ("lzo", "vmlinux.lzo", ["lzop", "-dc"]),
        ("lz4", "vmlinux.lz4", ["lz4", "-dc"]),
        ("zstd", "vmlinux.zst", ["zstd", "-dc"]),
    ]
    out = []
    for name, f, tool in rows:
        path = os.path.join(d, f)
        a = [args.xbuild, "inspect", path]
        b = tool + [path]
        # The bench measures a real decode: xbuild must see the whole ELF.
        _, _, text = must(a, name, keep=True)
        if "ELF size       {:,} ".format(elf_len) not in text:
            sys.exit("bench: FAILED: %s: xbuild inspect does not report the %d-byte ELF:\n%s"
                     % (name, elf_len, text[:400]))
        r = pairs(a, b, args.pairs, name, nothp=True)
        r.update(name=name, file=f, size=os.path.getsize(path), tool=" ".join(tool))
        out.append(r)
        print("  %-6s xbuild/%s = %.3f (%.3f-%.3f), without THP %.3f (%.3f-%.3f)" % (
            name, tool[0], r["ratio"], r["lo"], r["hi"], r["nothp"], r["nlo"], r["nhi"]), flush=True)
    # Debian's vmlinuz as it is: the bzImage path (payload + size trailer)
    # against xz on exactly the payload's xz stream.
    a = [args.xbuild, "inspect", args.kernel]
    b = ["xz", "-dc", os.path.join(d, "payload.xz")]
    r = pairs(a, b, args.pairs, "bzImage", nothp=True)
    r.update(name="xz bzImage", file=os.path.basename(os.path.realpath(args.kernel)),
             size=os.path.getsize(args.kernel), tool="xz -dc (its payload)")
    print("  %-6s xbuild/xz = %.3f (%.3f-%.3f), without THP %.3f (%.3f-%.3f)" % (
        "bzImage", r["ratio"], r["lo"], r["hi"], r["nothp"], r["nlo"], r["nhi"]), flush=True)
    out.append(r)
    return out, elf_len


def decode_table(rows, elf_len):
    t = ["| format | file (bytes) | reference | xbuild / reference (median) | spread | "
         "without THP (median, spread) | xbuild ms | reference ms | xbuild / reference peak RSS MiB |",
         "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        t.append("| %s | %s (%d) | `%s` | **%.3f** | %.3f-%.3f | %.3f (%.3f-%.3f) | %s | %s | %.1f / %.1f |" % (
            r["name"], r["file"], r["size"], r["tool"], r["ratio"], r["lo"], r["hi"],
            r["nothp"], r["nlo"], r["nhi"], fmt_ms(r["a"]), fmt_ms(r["b"]),
            r["rss"] / 1024.0, r["rss_b"] / 1024.0))
    t.append("")
    t.append("Every file decompresses to the same %d-byte ELF; CPU time (user + system) "
             "per process, medians of the runs; peak RSS the largest of the runs (ru_maxrss). "
             "\"Without THP\": the same xbuild run in each "
             "pair a third time with transparent huge pages disabled for it "
             "(prctl PR_SET_THP_DISABLE), as on a Xen PV dom0, which has none." % elf_len)
    return "\n".join(t)


def plan_cfg(tmp, kernel, mb):
    path = os.path.join(tmp, "plan-%d.cfg" % mb)
    with open(path, "w") as f:
        f.write('name = "bench"\nmemory = %d\nkernel = "%s"\n' % (mb, os.path.abspath(kernel)))
    return path


def classic_limit(args, tmp, kernel):
    """The largest memory (MiB) the classic kernel plans at: bisect on exit 2."""
    def ok(mb):
        _, _, rc, text = run([args.xbuild, "plan", plan_cfg(tmp, kernel, mb)])
        if rc not in (0, 2):
            sys.exit("bench: FAILED: plan at %d MiB exited %d: %s" % (mb, rc, text[:300]))
        return rc == 0
    lo, hi = 128, MAX_MB + 1
    if not ok(lo):
        sys.exit("bench: FAILED: the classic kernel does not plan at 128 MiB")
    if ok(MAX_MB):
        return MAX_MB
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo


def plan_rows(args, tmp, kernel, sizes, label):
    rows = []
    peer = [args.xbuild, "plan", plan_cfg(tmp, kernel, 128)]
    for mb in sizes:
        a = [args.xbuild, "plan", plan_cfg(tmp, kernel, mb)]
        r = pairs(a, peer, args.pairs, "plan %s %d MiB" % (label, mb))
        r.update(mb=mb)
        rows.append(r)
        print("  plan %-8s %9d MiB: %s ms, x%.3f of 128 MiB (%.3f-%.3f), peak RSS %.1f MiB" % (
            label, mb, fmt_ms(r["a"]), r["ratio"], r["lo"], r["hi"], r["rss"] / 1024), flush=True)
    return rows


def phases(args, cmd):
    """{phase: ms} from one --json --timings run of cmd (an xbuild plan)."""
    import json
    p = subprocess.run(cmd + ["--json", "--timings"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("bench: FAILED: %s exited %d: %s" % (" ".join(cmd), p.returncode, p.stdout[:400]))
    d = json.loads(p.stdout)
    return {t["phase"]: t["us"] / 1000 for t in d.get("timings", [])}, d.get("kernel_cache")


def cache_rows(args):
    """The decompressed-kernel cache on a 128 MiB plan, for Debian's xz
    vmlinuz and the zstd vmlinux."""
    d = args.data
    kernels = [
        ("xz bzImage", args.kernel, ["xz", "-dc", os.path.join(d, "payload.xz")]),
        ("zstd vmlinux", os.path.join(d, "vmlinux.zst"), ["zstd", "-dc", os.path.join(d, "vmlinux.zst")]),
    ]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, kernel, tool) in enumerate(kernels):
            cfg = os.path.join(tmp, "cache-%d.cfg" % i)
            with open(cfg, "w") as f:
                f.write('name = "bench"\nmemory = 128\nkernel = "%s"\n' % os.path.abspath(kernel))
            warm_dir = os.path.join(tmp, "warm")
            miss_dir = os.path.join(tmp, "miss")
            warm = [args.xbuild, "plan", "--cache-dir", warm_dir, cfg]
            cold = [args.xbuild, "plan", cfg]
            miss = ["sh", "-c", 'rm -rf "$1" && exec "$2" plan --cache-dir "$1" "$3"', "sh",
                    miss_dir, args.xbuild, cfg]
            must(warm, name + " fill")
            ph_hit, kc = phases(args, warm)
            if not kc or not kc.get("hit"):
                sys.exit("bench: FAILED: %s: the warm plan does not hit the cache: %r" % (name, kc))
            must(["rm", "-rf", miss_dir], "rm")
            ph_miss, kc = phases(args, [args.xbuild, "plan", "--cache-dir", miss_dir, cfg])
            if not kc or not kc.get("stored"):
                sys.exit("bench: FAILED: %s: the miss did not store: %r" % (name, kc))
            r = {"name": name, "file": os.path.basename(os.path.realpath(kernel)),
                 "size": os.path.getsize(kernel), "tool": " ".join(tool[:-1]),
                 "cold": pairs(warm, cold, args.pairs, name + " warm/cold"),
                 "tool_r": pairs(warm, tool, args.pairs, name + " warm/tool"),
                 "miss": pairs(miss, cold, args.pairs, name + " miss/cold"),
                 "hit_ms": ph_hit.get("cache", 0), "unwrap_ms": ph_miss.get("unwrap", 0),
                 "hash_ms": ph_miss.get("cache", 0), "write_ms": ph_miss.get("cache write", 0)}
            out.append(r)
            print("  %-12s warm/cold %.3f (%.3f-%.3f), warm/%s %.3f (%.3f-%.3f), "
                  "miss/cold %.3f (%.3f-%.3f); warm %s ms, cold %s ms; phases: hit %.1f ms, "
                  "miss hash+look-up %.1f ms, unwrap %.1f ms, cache write %.1f ms" % (
                      name, r["cold"]["ratio"], r["cold"]["lo"], r["cold"]["hi"], tool[0],
                      r["tool_r"]["ratio"], r["tool_r"]["lo"], r["tool_r"]["hi"],
                      r["miss"]["ratio"], r["miss"]["lo"], r["miss"]["hi"],
                      fmt_ms(r["cold"]["a"]), fmt_ms(r["cold"]["b"]), r["hit_ms"], r["hash_ms"],
                      r["unwrap_ms"], r["write_ms"]), flush=True)
    return out


def cache_table(rows):
    t = ["| kernel (bytes) | warm / cold plan (median) | spread | warm / reference tool | spread | "
         "miss / cold | spread | warm ms | cold ms | hit: cache phase ms | miss: hash + look-up ms | "
         "miss: decode ms | miss: store ms |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c, tr, m = r["cold"], r["tool_r"], r["miss"]
        t.append("| %s %s (%d) | **%.3f** | %.3f-%.3f | %.3f (`%s`) | %.3f-%.3f | %.3f | %.3f-%.3f | "
                 "%s | %s | %.1f | %.1f | %.1f | %.1f |" % (
                     r["name"], r["file"], r["size"], c["ratio"], c["lo"], c["hi"], tr["ratio"],
                     r["tool"], tr["lo"], tr["hi"], m["ratio"], m["lo"], m["hi"], fmt_ms(c["a"]),
                     fmt_ms(c["b"]), r["hit_ms"], r["hash_ms"], r["unwrap_ms"], r["write_ms"]))
    t.append("")
    t.append("Warm: `xbuild plan --cache-dir DIR` of a 128 MiB guest with the kernel's entry in "
             "DIR; cold: the same plan without a cache; reference tool: decoding the same "
             "kernel to /dev/null; miss: the plan into an emptied DIR (decode, then write "
             "and fsync the entry), CPU time of `rm` included. Phase times (wall clock, "
             "one `--timings` run each): a hit's cache phase is the SHA-256 of the "
             "compressed file, the entry's mapping and its CRC-32 check; a miss's is the "
             "hash and the failed look-up.")
    return "\n".join(t)


def human(mb):
    if mb >= 1 << 20 and mb % (1 << 20) == 0:
        return "%d TiB" % (mb >> 20)
    if mb >= 1024 and mb % 1024 == 0:
        return "%d GiB" % (mb >> 10)
    return "%d MiB" % mb


def plan_table(rows):
    t = ["| guest memory | plan CPU ms (median) | / plan at 128 MiB (median) | spread | "
         "peak RSS MiB |",
         "|---|---|---|---|---|"]
    for r in rows:
        t.append("| %s | %s | %.3f | %.3f-%.3f | %.1f |" % (
            human(r["mb"]), fmt_ms(r["a"]), r["ratio"], r["lo"], r["hi"], r["rss"] / 1024))
    return "\n".join(t)


def plot(args, deb, classic, png):
    with tempfile.TemporaryDirectory() as tmp:
        for name, rows in (("deb", deb), ("classic", classic)):
            with open(os.path.join(tmp, name + ".dat"), "w") as f:
                for r in rows:
                    f.write("%g %g %g\n" % (r["mb"] / 1024, r["a"] * 1000, r["rss"] / 1024))
        script = """
set terminal pngcairo size 900,700 font ",10" noenhanced
set output '%s'
set multiplot layout 2,1 title "xbuild plan: CPU time and peak RSS against guest memory"
set logscale x 4
set format x "%%g"
set xlabel "guest memory (GiB)"
set key left top
set grid
set logscale y 10
set ylabel "CPU time (ms, user+system, log scale)"
plot '%s/deb.dat' using 1:2 with linespoints title "Debian 6.1 vmlinuz (xz, INIT_P2M)", \\
     '%s/classic.dat' using 1:2 with linespoints title "classic test kernel (no INIT_P2M)"
unset logscale y
set yrange [0:*]
set key right center
set ylabel "peak RSS (MiB)"
plot '%s/deb.dat' using 1:3 with linespoints title "Debian 6.1 vmlinuz (xz, INIT_P2M)", \\
     '%s/classic.dat' using 1:3 with linespoints title "classic test kernel (no INIT_P2M)"
unset multiplot
""" % (png, tmp, tmp, tmp, tmp)
        try:
            subprocess.run(["gnuplot"], input=script.encode(), check=True)
        except (OSError, subprocess.CalledProcessError) as ex:
            print("bench: no plot (%s): apt-get install gnuplot-nox" % ex)
            return False
    return True


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def machine(args):
    cpu = sh("lscpu | sed -n 's/^Model name: *//p' | head -n 1")
    lines = [
        "- CPU: %s, %s logical CPUs (shared with other work: CPU time, not wall time, is measured)"
        % (cpu, os.cpu_count()),
        "- OS: Debian %s, Linux %s, %s" % (sh("cat /etc/debian_version"), platform.release(),
                                           platform.machine()),
        "- load average when the bench started: %s" % sh("cut -d' ' -f1-3 /proc/loadavg"),
        "- transparent huge pages: enabled %s, defrag %s" % (
            sh("cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo absent"),
            sh("cat /sys/kernel/mm/transparent_hugepage/defrag 2>/dev/null || echo absent")),
        "- xbuild: commit %s (`%s`), built with %s" % (
            sh("git describe --always --dirty"), os.path.relpath(args.xbuild),
            sh("cc --version | head -n 1")),
        "- libraries (pkg-config): zlib %s, libdeflate %s, liblzma %s, libzstd %s, liblz4 %s, lzo2 %s, "
        "libbz2 (Debian %s)" % (
            sh("pkg-config --modversion zlib"), sh("pkg-config --modversion libdeflate"),
            sh("pkg-config --modversion liblzma"), sh("pkg-config --modversion libzstd"),
            sh("pkg-config --modversion liblz4"), sh("pkg-config --modversion lzo2"),
            sh("dpkg-query -W -f='${Version}' libbz2-dev")),
        "- tools: %s; %s; %s; %s; %s; %s" % (
            sh("gzip --version | head -n 1"), sh("bzip2 --help 2>&1 | head -n 1"),
            sh("xz --version | head -n 1"), sh("lzop --version 2>&1 | sed -n 's/^lzop *//p' | head -n 1"),
            sh("lz4 --version 2>&1 | head -n 1"), sh("zstd --version")),
    ]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--xbuild", required=True)
    ap.add_argument("--mkkernel", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--pairs", type=int, default=7)
    ap.add_argument("--only", default="")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.pairs < 5:
        sys.exit("bench: BENCH_PAIRS must be at least 5")
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    mach = machine(args)
    print(mach)
    dec = deb = classic = cache = None
    limit = elf_len = 0
    if args.only in ("", "decode"):
        print("bench: decoding: xbuild inspect FILE against the reference tool, %d pairs each"
              % args.pairs, flush=True)
        dec, elf_len = decode_rows(args)
        print()
        print(decode_table(dec, elf_len))
        print()
    if args.only in ("", "plan"):
        with tempfile.TemporaryDirectory() as tmp:
            classic_k = os.path.join(tmp, "classic.elf")
            subprocess.run([args.mkkernel, classic_k], check=True)
            print("bench: plan, Debian's kernel (%s), %d pairs per size" % (args.kernel, args.pairs),
                  flush=True)
            deb = plan_rows(args, tmp, args.kernel, SIZES, "debian")
            limit = classic_limit(args, tmp, classic_k)
            sizes = [s for s in SIZES if s < limit] + [limit]
            print("bench: plan, classic test kernel (no INIT_P2M), up to %d MiB, its limit" % limit,
                  flush=True)
            classic = plan_rows(args, tmp, classic_k, sizes, "classic")
        print()
        print("Debian's kernel:")
        print(plan_table(deb))
        print()
        print("Classic test kernel:")
        print(plan_table(classic))
    if args.only in ("", "cache"):
        print("bench: kernel cache: plan with a warm cache against cold, the reference tool, "
              "and a miss, %d pairs each" % args.pairs, flush=True)
        cache = cache_rows(args)
        print()
        print(cache_table(cache))
        print()
    if not args.write:
        return
    if dec is None or deb is None or cache is None:
        sys.exit("bench: BENCH_WRITE needs both halves (no BENCH_ONLY)")
    png = "BENCHMARKS-plan.png"
    have_png = plot(args, deb, classic, png)
    doc = """# xbuild benchmarks

Regenerate everything on this page with `make bench BENCH_WRITE=1` (about five
minutes; `make bench` alone prints the tables). It needs Debian's kernel
(`tests/fetch-kernel.sh`, which `make check` runs); without it the bench
says SKIPPED and fails, it never passes empty. Written %s.

## Machine and versions
%s

## Method
- Every cost is the CPU time (user + system) of one process, from
  `wait4()`, so that other work on the machine's shared cores is not
  counted. Runs alternate A, B, A, B, ... (%d pairs per row, after one
  warm-up run of each); a row shows the **median of the per-pair ratios
  A/B** and their spread (lowest-highest); the medians of A and B are there
  for scale only.
- Inputs: Debian's `linux-image-6.1.0-56-amd64` vmlinuz. Its xz payload as it
  is (the size trailer cut off) is the `xz` row; the ELF inside it, decompressed
  by `xz`, recompressed the way Linux's build compresses a payload
  (`gzip -n -9`, `bzip2 -9`, `xz --format=lzma -9`, `lzop -9`, `lz4 -l -9`,
  `zstd -22 --ultra`) is every other row (`tests/bench/bench.sh`, cached in
  `.cache/bench/`).
- A is `xbuild inspect FILE`, the release binary on the compressed vmlinux:
  it maps the file, probes it, decompresses the whole ELF, parses it and
  prints about 25 lines. B is the reference tool on the **same file**. Both
  write to /dev/null. Both are whole processes started the same way, so
  each pays its own start-up (xbuild's is larger: it links libxenctrl and
  its kin) and each must produce every byte, with every check the format
  carries verified. The tool streams through a small buffer; so does
  inspect for xz, lzma and bzip2 (a 256 KiB window, keeping only the ELF's
  headers and notes: the builder decodes these formats the same way, into
  guest memory) and for lz4 (one 8 MiB block at a time, copied through the
  same window; the builder decodes lz4 in one pass); gzip, zstd and lzo
  are decoded in one pass into memory for the whole ELF, which is their
  fastest (and the builder's) way. The bench checks that inspect reports
  the ELF's full size, so nothing is skipped.
- `xz bzImage` is `xbuild inspect` on Debian's vmlinuz itself (the bzImage
  path, with the payload's size trailer) against `xz -dc` on its payload.
- Plan: `xbuild plan` of a config with `memory = N` and the kernel only,
  against the same plan at 128 MiB (the peer: the ratio shows what the size
  adds); peak RSS is the largest of the A runs. The classic kernel is
  `build/tests/mkkernel` with no INIT_P2M note: its p2m list must be mapped, so
  it plans up to %s (found by bisection on the exit code) and exits 2 above.

## Decoding: xbuild against the reference tools
%s

Where xbuild and the tools differ (perf, `tests/bench`):
- gzip: libdeflate's one-shot decoder against gzip's own inflate.
- zstd: the bench's file comes from a pipe, as Linux's build makes it, so
  its frame does not say its size. The zstd tool (and xbuild before) then
  decodes through a window buffer as large as the frame's window (128 MiB
  at -22), every byte copied out of it: the frame's pages faulted in twice.
  xbuild decodes such a frame in one call into room for eight times its
  compressed size with `ZSTD_d_stableOutBuffer`, reading its matches back
  from the output (one that does not fit is decoded again the usual way).
- xz: the same liblzma as the tool, but when the input is one stream that
  checks CRC-32 (Linux's), liblzma skips the check and xbuild sums each
  block with libdeflate's vector CRC-32 and compares it with the block's
  check field, found through the index: liblzma's table-driven CRC-32 was
  5%% of the profile. Summing 64 MiB here: libdeflate 8.7 ms, zlib
  32-39, liblzma 60-68. Under QEMU's TCG (`make bench-xen`'s dom0), which
  runs PCLMULQDQ in software, the order turns: libdeflate 193 ms, liblzma
  118-139, zlib 131-167; that costs the dom0 xz rows about 70 ms of their
  4.4 s, within their spread. Real hardware is what xbuild is for.
- lzo: the same liblzo2 decoder; lzop's Adler-32 (or CRC-32) of each block
  is libdeflate's vector code instead of liblzo's (15%% of `lzop -dc`).
- lzma, bzip2: the same library code as their tools, and the same profile
  once inspect streams: what is left between them is noise. bzip2's CRC
  is inside libbz2.
- lz4: the same decoder (the tool links its own copy of liblz4's); both
  decode one 8 MiB legacy block at a time into a buffer of that size. The
  tool read()s the file and write()s each block to /dev/null; inspect maps
  the file and copies each block through its 256 KiB window (the block
  API cannot stop inside a block and go on). perf of inspect: the decode
  45%%, that copy 18%%, the rest the kernel's (faults of the mapped file
  and of the one block, the exit); of the tool: the read()s' copy 20%%.
  Without THP the block faults in 4 KiB pages, about the tool's time.
  Before, inspect decoded into memory for the whole ELF (81 MiB peak RSS)
  and faulting those 63 MiB in was the profile, the decode 2-3%% of it:
  1.00-1.19 of the tool's time with THP, twice it without. What is left
  to take is the copy out of the block. The builder still decodes an lz4
  kernel of known size in one pass, into its file-ordered view.
- xbuild's start-up (21 shared libraries, libxenctrl among them; libxml2
  is loaded only for an XML config) costs more than a tool's: about
  0.6 ms more (`perf stat` of a failing run), a thirtieth of the lz4 row.
- These rows move between runs on this shared machine (a virtual machine
  whose host faults fresh memory in: single runs up to 3x slower), more
  than some changes to the decoders did: read each with its spread.

## plan: CPU time and peak RSS against guest memory
Debian's kernel (xz bzImage, INIT_P2M: the p2m is mapped apart, the
page-table count stays the same):

%s

Classic test kernel (no INIT_P2M), up to its limit:

%s

Beyond 256 GiB the time is the p2m list: one 8-byte entry per guest page
(4 Gi entries, 32 GiB of list at 16 TiB), which the builder writes through
a bounded window whatever the size, so that peak RSS does not grow; perf
puts three quarters of the 16 TiB run in the simulated hypervisor handing
out those frame numbers. With Debian's kernel, the 128 MiB run is almost all
xz decoding.

%s
""" % (started, mach, args.pairs, human(limit), decode_table(dec, elf_len), plan_table(deb),
       plan_table(classic),
       "![plan CPU time and peak RSS against guest memory](%s)" % png if have_png else "(no plot: gnuplot missing)")
    doc = doc.rstrip("\n") + """

## The decompressed-kernel cache (`--cache-dir`)
%s
""" % cache_table(cache)
    # Keep the sections `make bench-xen` writes (between their markers:
    # bench-xen, and bench-xen-NAME of a subset run).
    keep = ""
    try:
        import re
        old = open("BENCHMARKS.md").read()
        for m in re.finditer(r"<!-- (bench-xen(?:-[a-z0-9-]+)?) begin.*?<!-- \1 end -->", old, re.S):
            keep += "\n" + m.group(0) + "\n"
    except FileNotFoundError:
        pass
    with open("BENCHMARKS.md", "w") as f:
        f.write(doc.rstrip("\n") + "\n" + keep)
    print("bench: wrote BENCHMARKS.md%s" % (" and " + png if have_png else ""))


if __name__ == "__main__":
    main()
