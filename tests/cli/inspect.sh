#!/bin/sh
# `xbuild inspect` tells everything: every Xen note (checked against the
# kernel's own notes by inspect_notes.py, and their number against
# `readelf -n`), the bzImage header's kernel version string (bounds
# checked: an offset past the end or a string without its NUL is no
# version; control bytes are escaped), sizes in bytes and binary units, the
# compression ratio, the guest types (PVH with PHYS32_ENTRY); text and JSON.
. "$(dirname "$0")/lib.sh"
NOTES=$TOP/tests/cli/inspect_notes.py
kernel "$T/pvh.elf" --linux --hypercall-page --phys32-entry 0x1000200
kernel "$T/pvh.xz" --linux --phys32-entry 0x1000200 --bzimage xz
kernel "$T/plain.gz" --bzimage gzip

# readelf_xen FILE: how many Xen notes readelf -n lists in an ELF file.
readelf_xen() { readelf -n "$1" | grep -c '^ *Xen  '; }

# ---- every note, against the ELF's own notes and readelf
for k in pvh.elf pvh.xz plain.gz; do
	"$XBUILD" inspect --json "$T/$k" >"$T/$k.json" 2>"$T/err" || { fail "inspect $k: $(cat "$T/err")"; continue; }
	if [ $k = pvh.elf ] && command -v readelf >/dev/null; then
		python3 "$NOTES" "$T/$k" "$T/$k.json" "$(readelf_xen "$T/$k")" || fail "inspect $k: see above"
	else
		python3 "$NOTES" "$T/$k" "$T/$k.json" || fail "inspect $k: see above"
	fi
done
command -v readelf >/dev/null || fail "no readelf (binutils: scripts/deps.sh build)"

# ---- text
expect 0 "" -- "$XBUILD" inspect "$T/pvh.xz"
size=$(wc -c <"$T/pvh.xz")
for l in "format         bzImage, compression xz" \
	"file size      @*@ bytes (@*@ KiB)" \
	"ELF size       @*@ bytes (@*@ KiB), ELF64, compression ratio @N@.@N@:1" \
	"guest type     xen-3.0-x86_64" \
	"runs as        PV x86_64, PVH" \
	"  PHYS32_ENTRY       0x1000200" \
	"  INIT_P2M           0x8000000000" \
	"  MOD_START_PFN      1" \
	"  XEN_VERSION        xen-3.0"; do
	has_line "$T/out" "$l" || fail "inspect text: no line '$l' in: $(cat "$T/out")"
done
grep -qx "file size      $(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$size") bytes ([0-9.]* KiB)" "$T/out" ||
	fail "file size line: $(grep '^file size' "$T/out")"
grep -q "^kernel version" "$T/out" && fail "a version line without a version string"
expect 0 "" -- "$XBUILD" inspect "$T/pvh.elf"
has_line "$T/out" "format         elf, compression none" || fail "plain ELF format line"
grep -q "compression ratio" "$T/out" && fail "a compression ratio for an uncompressed ELF"
has_line "$T/out" "  HYPERCALL_PAGE     0xffffffff81001000" || fail "HYPERCALL_PAGE line"

# ---- the kernel version string of the bzImage header (0x20e: offset - 0x200)
# patch FILE OUT FIELD [STRING_AT STRING]: a copy with kernel_version = FIELD
# and STRING (bytes, Python escapes) written at file offset STRING_AT.
patch() {
	python3 - "$@" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
field = int(sys.argv[3], 0)
b[0x20e:0x210] = field.to_bytes(2, "little")
if len(sys.argv) > 5:
    at = int(sys.argv[4], 0); s = sys.argv[5].encode().decode("unicode_escape").encode("latin-1")
    assert not any(b[at:at + len(s)]), "patch over non-zero bytes"
    b[at:at + len(s)] = s
open(sys.argv[2], "wb").write(b)
PY
}
ver='6.1.0-test (builder@example) #1 SMP'
patch "$T/pvh.xz" "$T/v.xz" 0x200 0x400 "$ver\\0"
expect 0 "" -- "$XBUILD" inspect "$T/v.xz"
has_line "$T/out" "kernel version $ver" || fail "no kernel version line: $(head -3 "$T/out")"
"$XBUILD" inspect --json "$T/v.xz" >"$T/v.json" || fail "inspect --json v.xz"
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["kernel_version"] == sys.argv[2] else 1)' \
	"$T/v.json" "$ver" || fail "JSON kernel_version: $(cat "$T/v.json")"
# escaped in text, \u escaped in JSON
patch "$T/pvh.xz" "$T/esc.xz" 0x200 0x400 'evil\x1b[2J\\n\0'
expect 0 "" -- "$XBUILD" inspect "$T/esc.xz"
has_line "$T/out" 'kernel version evil\x1b[2J\\n' || fail "version not escaped: $(grep version "$T/out")"
"$XBUILD" inspect --json "$T/esc.xz" | grep -q '"kernel_version":"evil\\u001b\[2J\\\\n"' ||
	fail "JSON version not escaped: $("$XBUILD" inspect --json "$T/esc.xz" | head -c 300)"
# no NUL within 512 bytes of the string's start, an offset past the end,
# a string that runs to the end of the file: no version (null), no failure
python3 -c 'import sys; print("x" * 600, end="")' >"$T/long"
patch "$T/pvh.xz" "$T/nonul.xz" 0x200 0x400 "$(cat "$T/long")"
patch "$T/pvh.xz" "$T/past.xz" 0xffff
for k in nonul past; do
	"$XBUILD" inspect --json "$T/$k.xz" >"$T/$k.json" 2>"$T/err" || fail "inspect $k: $(cat "$T/err")"
	python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["kernel_version"] is None else 1)' \
		"$T/$k.json" || fail "$k: kernel_version not null"
done
# the string's bytes run to the end of the file, without a NUL
python3 - "$T/pvh.xz" "$T/tail.xz" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[0x20e:0x210] = (len(b) - 0x200).to_bytes(2, "little")
b += b"abc"
open(sys.argv[2], "wb").write(b)
PY
"$XBUILD" inspect --json "$T/tail.xz" >"$T/tail.json" 2>"$T/err" || fail "inspect tail.xz: $(cat "$T/err")"
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["kernel_version"] is None else 1)' \
	"$T/tail.json" || fail "a string running to the end of the file was taken"
finish
