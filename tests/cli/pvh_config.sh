#!/bin/sh
# The PVH config surface (issue 11): type = "pvh" and libvirt's xenpvh are
# read and checked, `check` accepts them and shows the type, --resolved
# shows type and cpuid (text and JSON) where they came from; plan and run
# build them (on the simulated hypervisor here), `xbuild build` refuses
# them, and a kernel without PHYS32_ENTRY is refused before any hypervisor
# call (exit 2).  cpuid on a PV guest is reported.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --phys32-entry 0x1000200 --bzimage gzip
cd "$T" || exit 1
X=$XBUILD
cat >p.cfg <<CFG
name = "p"
type = "pvh"
kernel = "vmlinuz"
cpuid = "host,rdtscp=0,x2apic=k"
CFG

expect 0 "" -- "$X" check p.cfg
has_line "$T/out" "p.cfg: ok: p, PVH guest, xen-3.0-x86_64 kernel (bzImage, gzip), 128 MiB" ||
	fail "check: $(cat "$T/out")"
[ -s "$T/err" ] && fail "check p.cfg: stderr: $(cat "$T/err")"
expect 0 "" -- "$X" check p.cfg --resolved
has_line "$T/out" 'type                     "pvh"                                p.cfg:2' ||
	fail "--resolved type: $(cat "$T/out")"
has_line "$T/out" 'cpuid                    "0x80000001:edx=xxxx0xxxxxxxxxxxxxxxxxxxxxxxxxxx 0x1:ecx=xxxxxxxxxxkxxxxxxxxxxxxxxxxxxxxx" p.cfg:4' ||
	fail "--resolved cpuid: $(cat "$T/out")"
# The list form as an override replaces the file's string.
expect 0 "" -- "$X" check p.cfg --resolved 'cpuid=["7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx"]'
has_line "$T/out" 'cpuid                    "0x7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx" command line: cpuid=["7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx"]' ||
	fail "--resolved cpuid override: $(cat "$T/out")"
expect 0 "" -- "$X" check --json --resolved p.cfg
python3 - "$T/out" <<'PY' || fail "check --json: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
r = {k["key"]: k for k in j["resolved"]}
assert j["type"] == "pvh", j["type"]
assert r["type"]["value"] == "pvh" and r["type"]["line"] == 2, r["type"]
assert r["cpuid"]["value"] == "0x80000001:edx=xxxx0xxxxxxxxxxxxxxxxxxxxxxxxxxx 0x1:ecx=xxxxxxxxxxkxxxxxxxxxxxxxxxxxxxxx", r["cpuid"]
assert r["cpuid"]["line"] == 4
PY

# Built: plan lays it out on the simulated hypervisor, run builds it there;
# `xbuild build` (a toolstack's domain) refuses PVH in one line, exit 2.
expect 0 "" -- "$X" plan p.cfg -q
has_line "$T/out" "guest        PVH, hvm-3.0-x86_64 (bzImage, gzip)" || fail "plan: $(cat "$T/out")"
has_line "$T/out" "  magic          0x336ec578" || fail "plan hvm_start_info: $(cat "$T/out")"
expect 0 "" -- "$XBUILD_TEST" run --backend sim p.cfg -q
has_line "$T/out" "1" || fail "run --backend sim: $(cat "$T/out")"
msg='xbuild: p.cfg: type = "pvh": `xbuild build` builds PV guests only; `xbuild run` builds PVH guests'
expect 2 "$msg" -- "$X" build --domid 5 --store-evtchn 1 --console-evtchn 2 p.cfg
expect 2 "$msg" -- "$XBUILD_TEST" build --backend sim --domid 5 --store-evtchn 1 --console-evtchn 2 p.cfg
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "the refusal is not one line: $(cat "$T/err")"
# A kernel without PHYS32_ENTRY: check, plan and run refuse it, exit 2,
# before any hypervisor call (no Xen here: run would exit 3 past that).
kernel "$T/pvonly" --linux --bzimage gzip
msg='xbuild: pvonly: the kernel has no PVH entry (no XEN_ELFNOTE_PHYS32_ENTRY note): it cannot boot with type = "pvh"'
expect 2 "$msg" -- "$X" check p.cfg kernel='"pvonly"'
expect 2 "$msg" -- "$X" plan p.cfg kernel='"pvonly"'
expect 2 "$msg" -- "$X" run p.cfg kernel='"pvonly"'
# An override makes it PV again, and then plan builds it.
expect 0 "" -- "$X" plan p.cfg type='"pv"' -q
expect 0 "xbuild: warning: p.cfg:4: cpuid is applied to PVH guests only by xbuild (xl applies it to PV guests too); not acted on" -- \
	"$X" check p.cfg 'type="pv"'
has_line "$T/out" "p.cfg: ok: p, xen-3.0-x86_64 kernel (bzImage, gzip), 128 MiB" || fail "PV check: $(cat "$T/out")"

# libvirt: the libxl driver's PVH and <cpu><feature>
cat >p.xml <<XML
<domain type='xen'>
  <name>x</name>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64' machine='xenpvh'>xenpvh</type><kernel>vmlinuz</kernel></os>
  <cpu mode='host-passthrough'><feature policy='disable' name='rdtscp'/></cpu>
</domain>
XML
expect 0 "" -- "$X" check --resolved p.xml
has_line "$T/out" 'type                     "pvh"                                p.xml:4 (<os><type>)' ||
	fail "XML type: $(cat "$T/out")"
has_line "$T/out" 'cpuid                    "0x80000001:edx=xxxx0xxxxxxxxxxxxxxxxxxxxxxxxxxx" p.xml:5' ||
	fail "XML cpuid: $(cat "$T/out")"
expect 0 "" -- "$X" plan p.xml -q
has_line "$T/out" "memory       256 MiB (65536 pages)" || fail "XML plan: $(cat "$T/out")"
finish
