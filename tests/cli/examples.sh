#!/bin/sh
# examples/: each guest in both syntaxes (hello.cfg and guest.xml,
# pvgrub.cfg and pvgrub.xml) resolves to the same config (check --resolved
# --json; the files they name replaced by test files, the UUID hello.cfg
# leaves random aside), and each is accepted with the warnings its
# comments promise.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bzimage gzip
head -c 100000 /dev/urandom | gzip >"$T/rd.gz"
E=$TOP/examples
for f in hello.cfg guest.xml pvgrub.cfg pvgrub.xml; do
	"$XBUILD" check --json --resolved -q "$E/$f" --kernel "$T/vmlinuz" --ramdisk "$T/rd.gz" \
		>"$T/$f.json" 2>"$T/$f.err" || fail "$f: $(cat "$T/$f.err")"
done
python3 - "$T" <<'PY' || fail "see above"
import json, sys
t = sys.argv[1]
def values(f):
    d = json.load(open("%s/%s.json" % (t, f)))
    return {r["key"]: r["value"] for r in d["resolved"] if r["key"] != "uuid"}
bad = 0
for a, b in (("hello.cfg", "guest.xml"), ("pvgrub.cfg", "pvgrub.xml")):
    va, vb = values(a), values(b)
    for k in va:
        if va[k] != vb.get(k):
            print("    %s %s = %r, %s: %r" % (a, k, va[k], b, vb.get(k)))
            bad = 1
sys.exit(bad)
PY
for f in pvgrub.cfg pvgrub.xml; do
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [w["key"] for w in d["warnings"]][-1] in ("devices", "<devices>") else 1)' "$T/$f.json" ||
		fail "$f: no warning about its devices: $(cat "$T/$f.json")"
done
expect 2 "xbuild: $E/pvgrub.cfg: xbuild run does not set up devices: disk (line 20), vif (line 21); use --no-devices @*@" -- \
	"$XBUILD" run "$E/pvgrub.cfg" --kernel "$T/vmlinuz"
# guest.xml is what dumpxml writes: its pty console draws no warning
expect 0 "" -- "$XBUILD" check "$E/guest.xml" --kernel "$T/vmlinuz" --ramdisk "$T/rd.gz"
[ -s "$T/err" ] && fail "guest.xml: $(cat "$T/err")"
finish
