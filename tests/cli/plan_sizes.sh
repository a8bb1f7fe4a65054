#!/bin/sh
# `xbuild plan` at any size in bounded memory (issue 9): with an INIT_P2M
# kernel made here, plan succeeds at 1 GiB, 256 GiB and the largest memory
# (16 TiB) with a peak RSS within 1.2 x (kernel ELF + initrd) + 64 MiB, CPU
# time at most 2 ms per GiB beyond the 1 GiB run, and start_info and
# page-table numbers equal to an independent computation of the layout.
# A classic kernel (no INIT_P2M) plans up to the largest memory whose
# start-of-day mapping fits Linux's 1 GiB - computed here too - and exits 2
# saying so one MiB above.
. "$(dirname "$0")/lib.sh"
if [ ! -x /usr/bin/time ]; then echo "  skip $name: needs /usr/bin/time"; finish; fi

python3 - "$T" <<'PY' || { fail "making the kernels"; finish; }
import gzip, struct, sys
T = sys.argv[1]
VB, PADDR, TEXT, BSS = 0xffffffff80000000, 0x1000000, 8 << 20, 16 << 20
def note(t, desc):
    return struct.pack("<III", 4, len(desc), t) + b"Xen\0" + desc + b"\0" * (-len(desc) % 4)
def q(v):
    return struct.pack("<Q", v)
def kernel(path, init_p2m):
    v = VB + PADDR
    n = (note(5, b"xen-3.0\0") + note(6, b"linux\0") + note(8, b"generic\0") +
         note(3, q(VB)) + note(4, q(0)) + note(1, q(v + 16)))
    if init_p2m:	# INIT_P2M, MOD_START_PFN
        n += note(15, q(0x8000000000)) + note(16, q(1))
    eh = (b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) +
          struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, v + 16, 64, 0, 0, 64, 56, 2, 64, 0, 0))
    ph = (struct.pack("<IIQQQQQQ", 1, 7, 0x1000, v, PADDR, TEXT, TEXT + BSS, 0x1000) +
          struct.pack("<IIQQQQQQ", 4, 4, 0x200, 0, 0, len(n), len(n), 4))
    b = bytearray(0x1000 + TEXT)
    b[:len(eh)] = eh
    b[64:64 + len(ph)] = ph
    b[0x200:0x200 + len(n)] = n
    b[0x1000:] = (bytes(range(256)) * (TEXT // 256))
    open(path, "wb").write(b)
kernel(T + "/p2m.elf", True)
kernel(T + "/classic.elf", False)
open(T + "/initrd.gz", "wb").write(gzip.compress(bytes((i * 7 + 3) & 255 for i in range(256)) * (16 << 10), 1))
PY

# The layout as DESIGN.md describes it, computed without xbuild: what
# start_info and the page-table counts must say.  classic: the largest
# memory (MiB) whose start-of-day mapping fits in 1 GiB.
cat >"$T/layout.py" <<'PY'
import json, sys
VB, KSTART, KPAGES = 0xffffffff80000000, 0xffffffff81000000, (24 << 20) >> 12
ILEN = 4 << 20
P = 4096
def slots(a, b, bits):		# tables of 2^bits bytes each touched by [a, b]
    return (b >> bits) - (a >> bits) + 1
def layout(mb, init_p2m):
    nr = mb * 256
    lst = -(-nr * 8 // P)
    alloc = KSTART + KPAGES * P
    if not init_p2m:		# initrd and p2m list inside the mapping
        alloc += -(-ILEN // P) * P + lst * P
    si = alloc
    alloc += 3 * P
    extra, pages = 1 + 128, 1 + 128
    m = (1 << 48) - 1
    while True:
        end = (alloc + pages * P) | ((4 << 20) - 1)
        n = 1 + sum(slots(VB & m, end & m, b) for b in (39, 30, 21))
        pages = n + extra
        if alloc + pages * P <= end + 1:
            break
    r = {"nr_pages": nr, "pt_base": hex(alloc), "nr_pt_frames": n,
         "virt_pgtab_end": end + 1, "start_info": si}
    if init_p2m:
        mod = (end + 1 - VB) // P
        t = [slots(0x8000000000, 0x8000000000 + lst * P - 1, b) for b in (21, 30, 39)]
        r.update(flags="0x8", mod_start=mod, mod_len=ILEN, mfn_list=hex(0x8000000000),
                 first_p2m_pfn=mod + ILEN // P, nr_p2m_frames=lst + sum(t))
    else:
        r.update(flags="0x0", mod_start=hex(KSTART + KPAGES * P), mod_len=ILEN,
                 mfn_list=hex(KSTART + KPAGES * P + ILEN), first_p2m_pfn=0,
                 nr_p2m_frames=0)
    return r
def fits(mb):
    return layout(mb, False)["virt_pgtab_end"] - VB <= 1 << 30
if sys.argv[1] == "classic":
    lo, hi = 1024, 1 << 24
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    print(lo)
    sys.exit(0)
mb, init_p2m = int(sys.argv[2]), sys.argv[3] == "p2m"
want = layout(mb, init_p2m)
si = json.load(open(sys.argv[1]))["start_info"]
bad = [(k, si.get(k), v) for k, v in want.items()
       if k not in ("virt_pgtab_end", "start_info") and si.get(k) != v]
for b in bad:
    print("   ", mb, "MiB:", b)
sys.exit(1 if bad else 0)
PY

budget=$(( (12 * (8 << 20) + 12 * (4 << 20)) / 10 / 1024 + 64 * 1024 ))	# KiB
asan=0; case $XBUILD in *build-san*) asan=1 ;; esac
# ASan's shadow and quarantine add to RSS; its CPU time is not ours.
[ $asan -eq 1 ] && budget=$((budget + 400 * 1024))

# plan KERNEL MiB -> exit code; $T/plan.json, $T/rss (KiB), $T/cpu (s)
plan() {
	printf 'name = "sizes"\nmemory = %s\nkernel = "%s"\nramdisk = "%s"\n' \
		"$2" "$T/$1.elf" "$T/initrd.gz" >"$T/s.cfg"
	/usr/bin/time -f '%M %U %S' -o "$T/time" "$XBUILD" plan --json "$T/s.cfg" \
		>"$T/plan.json" 2>"$T/err"
	rc=$?
	set -- $(tail -n 1 "$T/time")
	echo "$1" >"$T/rss"
	echo "$2 $3" | awk '{ print $1 + $2 }' >"$T/cpu"
	return $rc
}

cpu1=
for mem in 1024 262144 16777216; do
	plan p2m $mem || { fail "INIT_P2M kernel at $mem MiB: exit $? ($(head -c 300 "$T/err"))"; continue; }
	rss=$(cat "$T/rss"); cpu=$(cat "$T/cpu")
	echo "  $name: INIT_P2M $mem MiB: peak $rss KiB, cpu $cpu s"
	[ "$rss" -le $budget ] || fail "INIT_P2M at $mem MiB: peak RSS $rss KiB > $budget KiB"
	python3 "$T/layout.py" "$T/plan.json" $mem p2m || fail "INIT_P2M at $mem MiB: start_info differs"
	[ -n "$cpu1" ] || cpu1=$cpu
	if [ $asan -eq 0 ] && ! awk -v a="$cpu" -v b="$cpu1" -v g=$((mem / 1024 - 1)) \
		'BEGIN { exit !(a - b <= 0.002 * g + 0.5) }'; then
		fail "INIT_P2M at $mem MiB: cpu $cpu s, more than 2 ms/GiB over ${cpu1} s"
	fi
done

max=$(python3 "$T/layout.py" classic)
plan classic "$max" || fail "classic kernel at $max MiB: exit $? ($(head -c 300 "$T/err"))"
rss=$(cat "$T/rss")
echo "  $name: classic $max MiB (the largest that fits): peak $rss KiB, cpu $(cat "$T/cpu") s"
[ "$rss" -le $budget ] || fail "classic at $max MiB: peak RSS $rss KiB > $budget KiB"
python3 "$T/layout.py" "$T/plan.json" "$max" classic || fail "classic at $max MiB: start_info differs"
plan classic $((max + 1)); rc=$?
[ $rc -eq 2 ] || fail "classic at $((max + 1)) MiB: exit $rc, wanted 2"
grep -q "more than the 1024 MiB the kernel can map" "$T/err" ||
	fail "classic at $((max + 1)) MiB: $(head -c 300 "$T/err")"
finish
