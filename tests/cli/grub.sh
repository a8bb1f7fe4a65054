#!/bin/sh
# GRUB's PV images from Debian's grub-xen-host (tests/fetch-kernel.sh):
# grub-x86_64-xen.bin (xen-3.0-x86_64) and grub-i386-xen.bin
# (xen-3.0-x86_32p).  They have no INIT_P2M and no MOD_START_PFN note, so
# they get the classic layout (DESIGN.md): kernel, [initrd], p2m, start_info,
# xenstore, console, page tables, stack.  `xbuild inspect --json` must see
# them as such, and `xbuild plan --json` (32 and 256 MiB, with and without a
# ramdisk) must lay them out that way, with every figure recomputed here
# independently.  Skipped (exit 77) when the images are absent; a failure
# under CI=true.  GRUB_DIR overrides where the images are looked for.
. "$(dirname "$0")/lib.sh"
G=${GRUB_DIR:-$TOP/.cache/kernel/grub-xen-host/usr/lib/grub-xen}
for img in grub-x86_64-xen.bin grub-i386-xen.bin; do
	[ -e "$G/$img" ] || skip_download "no $G/$img (tests/fetch-kernel.sh, package grub-xen-host)"
done
# A raw ramdisk of odd length (random bytes, never a compression magic).
{ printf 'GRUBTEST'; head -c 300001 /dev/urandom; } >"$T/rd"

for img in grub-x86_64-xen.bin grub-i386-xen.bin; do
	K=$G/$img
	case $img in
	*x86_64*) type=xen-3.0-x86_64 ;;
	*) type=xen-3.0-x86_32p ;;
	esac
	# ---- inspect
	if ! "$XBUILD" inspect --json "$K" >"$T/inspect.json" 2>"$T/err"; then
		fail "inspect $img: $(cat "$T/err")"
		continue # plan would stop at the same place
	fi
	python3 - "$T/inspect.json" "$type" <<'PY' || fail "inspect $img: see above"
import json, sys
j = json.load(open(sys.argv[1])); want_type = sys.argv[2]
n = j.get("notes") or {}
bad = []
def eq(what, got, want):
    if got != want:
        bad.append("%s %r, want %r" % (what, got, want))
eq("format", j.get("format"), "elf")
eq("compression", j.get("compression"), "none")
eq("guest_type", j.get("guest_type"), want_type)
eq("elf_class", j.get("elf_class"), 64 if want_type.endswith("x86_64") else 32)
if not n.get("source"):
    bad.append("no notes (source %r)" % n.get("source"))
eq("XEN_VERSION", n.get("xen_version"), "xen-3.0")
eq("LOADER", n.get("loader"), "generic")
eq("GUEST_OS", n.get("guest_os"), "GRUB")
if want_type.endswith("x86_32p"):
    eq("PAE_MODE", n.get("pae_mode"), "yes")
if n.get("init_p2m") not in (None, ""):
    bad.append("INIT_P2M %r present" % n.get("init_p2m"))
if n.get("mod_start_pfn"):
    bad.append("MOD_START_PFN present")
for b in bad: print("    " + sys.argv[2] + ": " + b)
sys.exit(1 if bad else 0)
PY
	# ---- plan
	for mem in 32 256; do
		for rd in "" "$T/rd"; do
			{
				echo 'name = "grub"'
				echo "memory = $mem"
				echo "kernel = \"$K\""
				[ -z "$rd" ] || echo "ramdisk = \"$rd\""
				echo 'cmdline = "grub.test=1"'
			} >"$T/g.cfg"
			what="plan $img ${mem} MiB${rd:+ + ramdisk}"
			if ! "$XBUILD" plan --json "$T/g.cfg" >"$T/plan.json" 2>"$T/err"; then
				fail "$what: $(cat "$T/err")"
				continue
			fi
			python3 - "$T/plan.json" "$type" "$mem" "${rd:+$(wc -c <"$rd")}" "$what" <<'PY' || fail "$what: see above"
import json, sys
p = json.load(open(sys.argv[1])); gtype = sys.argv[2]; mem = int(sys.argv[3])
rdlen = int(sys.argv[4]) if sys.argv[4] else None; what = sys.argv[5]
pae = gtype.endswith("x86_32p")
pfn_size = 4 if pae else 8
P = 4096
h = lambda v: int(v, 16) if isinstance(v, str) else v
bad = []
def eq(k, got, want):
    if got != want:
        bad.append("%s = %r, want %r" % (k, got, want))

eq("guest_type", p["guest_type"], gtype)
nr = mem * 256
eq("nr_pages", p["nr_pages"], nr)
vb = h(p["virt_base"])
segs = p["segments"]
order = ["kernel"] + (["initrd"] if rdlen is not None else []) + \
        ["p2m", "start_info", "xenstore", "console", "pagetables", "stack"]
eq("segment order", [s["name"] for s in segs], order)
seg = {s["name"]: s for s in segs}
prev = None
for s in segs:
    vs, ve = h(s["vstart"]), h(s["vend"])
    if vs % P or ve % P:
        bad.append("%s not page aligned: %#x-%#x" % (s["name"], vs, ve))
    eq(s["name"] + " pages", s["pages"], (ve - vs) // P)
    eq(s["name"] + " pfn", s["pfn"], (vs - vb) // P)
    if prev is not None:
        eq(s["name"] + " vstart", vs, h(prev["vend"]))
    prev = s
if bad:  # later checks would only repeat the damage
    for b in bad: print("    %s: %s" % (what, b))
    sys.exit(1)
k = seg["kernel"]
eq("kernel vstart", h(k["vstart"]), h(p["virt_kstart"]) & ~(P - 1))
eq("kernel vend", h(k["vend"]), -(-h(p["virt_kend"]) // P) * P)
if rdlen is not None:
    eq("initrd pages", seg["initrd"]["pages"], -(-rdlen // P))
eq("p2m pages", seg["p2m"]["pages"], -(-nr * pfn_size // P))
for n in ("start_info", "xenstore", "console", "stack"):
    eq(n + " pages", seg[n]["pages"], 1)
stack_end = h(seg["stack"]["vend"])
eq("virt_alloc_end", h(p["virt_alloc_end"]), stack_end)
end = h(p["virt_pgtab_end"])
M4 = 4 << 20
if end % M4:
    bad.append("virt_pgtab_end %#x not 4 MiB aligned" % end)
if end < stack_end + 512 * 1024:
    bad.append("virt_pgtab_end %#x < stack end %#x + 512 KiB" % (end, stack_end))
# libxenguest takes the first 4 MiB boundary that leaves 512 KiB: no more.
eq("virt_pgtab_end (first 4 MiB boundary >= stack end + 512 KiB)", end,
   -(-(stack_end + 512 * 1024) // M4) * M4)

# Page tables for [virt_base, virt_pgtab_end), counted independently.
def slots(shift):
    return ((end - 1) >> shift) - (vb >> shift) + 1
if pae:
    # Xen 4.17 libxenguest (count_pgtables, "PAE: extra l2 page table for
    # l3#3"): when the region ends below 0xc0000000 the L2 range is extended
    # to the top of the address space, so every L3 slot from virt_base's up
    # to slot 3 gets an L2 (4 for a region at 0), not just the touched ones
    # plus slot 3's.
    l2 = (3 - (vb >> 30) + 1) if end - 1 < 0xc0000000 else slots(30)
    levels = {"L3": 1, "L2": l2, "L1": slots(21)}
else:
    levels = {"L4": 1, "L3": slots(39), "L2": slots(30), "L1": slots(21)}
want_pt = sum(levels.values())
eq("pagetables_per_level", p["pagetables_per_level"], levels)
eq("pagetables pages", seg["pagetables"]["pages"], want_pt)

si = p["start_info"]
eq("magic", si["magic"], gtype)
eq("start_info.nr_pages", si["nr_pages"], nr)
eq("flags", si["flags"], "0x0")
eq("pt_base", si["pt_base"], seg["pagetables"]["vstart"])
eq("nr_pt_frames", si["nr_pt_frames"], want_pt)
eq("mfn_list", si["mfn_list"], seg["p2m"]["vstart"])
if rdlen is not None:
    eq("mod_start", si["mod_start"], seg["initrd"]["vstart"])
    eq("mod_len", si["mod_len"], rdlen)
else:
    eq("mod_start", h(si["mod_start"]), 0)
    eq("mod_len", si["mod_len"], 0)
eq("first_p2m_pfn", si["first_p2m_pfn"], 0)
eq("nr_p2m_frames", si.get("nr_p2m_frames", 0), 0)
eq("cmd_line", si["cmd_line"], "grub.test=1")
for b in bad: print("    %s: %s" % (what, b))
sys.exit(1 if bad else 0)
PY
		done
	done
done
finish
