#!/bin/sh
# The test kernels the other CLI tests use (mkkernel, tests/unit/elfgen.c)
# are what they claim, as `xbuild inspect --json` sees them: the plain ELF
# with the default notes and segment, every option, and a bzImage of every
# payload format Linux builds (gzip, bzip2, xz, lzma, lzo, lz4, zstd).
# Skipped when a compression tool is missing.
. "$(dirname "$0")/lib.sh"
for t in gzip bzip2 xz lzma lzop lz4 zstd; do
	command -v $t >/dev/null || skip "no $t (scripts/deps.sh test)"
done
# check FILE FORMAT COMPRESSION INIT_P2M MOD_START_PFN HYPERCALL MEMSZ ENTRY
check() {
	"$XBUILD" inspect --json "$1" >"$T/inspect.json" 2>"$T/err" ||
		{ fail "inspect $1: $(cat "$T/err")"; return; }
	python3 - "$T/inspect.json" "$@" <<'PY' || fail "inspect $2 $3: see above"
import json, sys
j = json.load(open(sys.argv[1]))
_, _, fmt, comp, p2m, msp, hc, memsz, entry = sys.argv[1:]
n = j["notes"]
bad = []
def eq(what, got, want):
    if got != want:
        bad.append("%s %r, want %r" % (what, got, want))
eq("format", j["format"], fmt)
eq("compression", j["compression"], comp)
eq("guest_type", j["guest_type"], "xen-3.0-x86_64")
eq("source", n["source"], "PT_NOTE")
eq("XEN_VERSION", n["xen_version"], "xen-3.0")
eq("GUEST_OS", n["guest_os"], "linux")
eq("LOADER", n["loader"], "generic")
eq("VIRT_BASE", n["virt_base"], "0xffffffff80000000")
eq("PADDR_OFFSET", n["paddr_offset"], "0x0")
eq("ENTRY", n["entry"], entry)
eq("INIT_P2M", n["init_p2m"] or "", p2m)
eq("MOD_START_PFN", n["mod_start_pfn"], msp == "yes")
eq("HYPERCALL_PAGE", n["hypercall_page"] or "", hc)
eq("segments", [(s["paddr"], s["vaddr"], s["filesz"], s["memsz"], s["flags"]) for s in j["segments"]],
   [("0x1000000", "0xffffffff81000000", 0x3000, int(memsz), "0x7")])
eq("elf_size", j["elf_size"] > 0x3000, True)
for b in bad: print("    " + sys.argv[2] + ": " + b)
sys.exit(1 if bad else 0)
PY
}
kernel "$T/plain"
check "$T/plain" elf none "" no "" $((0x3000)) 0xffffffff81000010
kernel "$T/opts" --linux --hypercall-page --bss 1M --entry-off 0x20
check "$T/opts" elf none 0x8000000000 yes 0xffffffff81001000 $((0x3000 + 0x100000)) 0xffffffff81000020
for z in gzip bzip2 xz lzma lzo lz4 zstd; do
	kernel "$T/bz-$z" --linux --bzimage $z
	check "$T/bz-$z" bzImage $z 0x8000000000 yes "" $((0x3000)) 0xffffffff81000010
done
# a bad option is a usage error
"$MKKERNEL" --bzimage zip "$T/x" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fail "mkkernel --bzimage zip: exit $rc, wanted 1"
has_line "$T/err" "mkkernel: --bzimage: unknown format 'zip'" || fail "mkkernel --bzimage zip: $(cat "$T/err")"
finish
