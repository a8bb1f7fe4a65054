#!/bin/sh
# `xbuild inspect` on Debian's kernels (tests/fetch-kernel.sh): every Xen
# note the decompressed ELF has, as many as `readelf -n` lists, with its
# value (inspect_notes.py); the bzImage's version string; PVH among the
# guest types (Linux 6.1 has PHYS32_ENTRY).  Skipped without the kernels; a
# failure under CI=true.
. "$(dirname "$0")/lib.sh"
K=$TOP/.cache/kernel
[ -e "$K/vmlinuz-ref" ] || skip_download "$K/vmlinuz-ref absent (tests/fetch-kernel.sh)"
command -v readelf >/dev/null || { fail "no readelf (binutils)"; finish; }
for k in vmlinuz-ref vmlinuz-current; do
	[ -e "$K/$k" ] || continue
	"$XBUILD" inspect --json "$K/$k" >"$T/$k.json" 2>"$T/err" || { fail "inspect $k: $(cat "$T/err")"; continue; }
	python3 - "$K/$k" "$T/$k.elf" <<'PY' || { fail "$k: cannot take its ELF out"; continue; }
import lzma, gzip, struct, sys
b = open(sys.argv[1], "rb").read()
setup = b[0x1f1] or 4
off, ln = struct.unpack_from("<II", b, 0x248)
p = b[(setup + 1) * 512 + off:(setup + 1) * 512 + off + ln]
e = gzip.decompress(p) if p[:2] == b"\x1f\x8b" else lzma.LZMADecompressor().decompress(p)
open(sys.argv[2], "wb").write(e)
PY
	n=$(readelf -n "$T/$k.elf" | grep -c '^ *Xen  ')
	[ "$n" -gt 10 ] || fail "$k: readelf lists only $n Xen notes"
	python3 "$TOP/tests/cli/inspect_notes.py" "$K/$k" "$T/$k.json" "$n" || fail "$k: see above"
	python3 - "$T/$k.json" <<'PY' || fail "$k: see above"
import json, sys
j = json.load(open(sys.argv[1]))
bad = []
if not (j["kernel_version"] or "").split(" ")[0][:1].isdigit():
    bad.append("kernel_version %r" % j["kernel_version"])
if j["runs_as"] != ["pv-x86_64", "pvh"]:
    bad.append("runs_as %r" % j["runs_as"])
for x in bad: print("    " + x)
sys.exit(1 if bad else 0)
PY
done
"$XBUILD" inspect "$K/vmlinuz-ref" >"$T/out" 2>&1 || fail "inspect vmlinuz-ref (text)"
has_line "$T/out" "kernel version 6.1.0-56-amd64 @*@" || fail "no version line: $(head -4 "$T/out")"
for n in HV_START_LOW L1_MFN_VALID SUSPEND_CANCEL PHYS32_ENTRY GUEST_VERSION; do
	grep -q "^  $n " "$T/out" || fail "text lacks $n"
done
finish
