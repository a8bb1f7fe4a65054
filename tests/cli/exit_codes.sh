#!/bin/sh
# Exit codes and messages of the command line (xbuild(1), EXIT STATUS).
. "$(dirname "$0")/lib.sh"
printf '\177ELF' >"$T/trunc"
head -c 4096 /dev/urandom >"$T/garbage"
cat >"$T/ok.cfg" <<CFG
name = "t"
kernel = "$T/garbage"
CFG
cat >"$T/syntax.cfg" <<CFG
name = "t"
memory = = 5
CFG
cat >"$T/nokernel.cfg" <<CFG
name = "t"
kernel = "$T/does-not-exist"
CFG
cat >"$T/hvm.cfg" <<CFG
name = "t"
type = "hvm"
kernel = "$T/garbage"
CFG
expect 1 "xbuild: unknown command 'frobnicate'" -- "$XBUILD" frobnicate
expect 1 "xbuild: plan needs a file argument" -- "$XBUILD" plan
expect 1 "xbuild: unknown option '--frob'" -- "$XBUILD" plan --frob x
expect 1 "xbuild: build needs --domid, --store-evtchn and --console-evtchn" -- "$XBUILD" build "$T/ok.cfg"
expect 1 "xbuild: bad size in MiB: 'lots'" -- "$XBUILD" plan --memory lots "$T/ok.cfg"
expect 0 "" -- "$XBUILD" --version
expect 0 "" -- "$XBUILD" plan --help
grep -q -- "--memory" "$T/out" || fail "plan --help lacks --memory"
expect 2 "xbuild: @T@/syntax.cfg:2:10: syntax error, unexpected '=', expecting a value (string, number or [list])" -- \
	"$XBUILD" check "$T/syntax.cfg"
expect 2 'xbuild: @T@/nokernel.cfg:2: kernel = "@T@/does-not-exist": cannot open: No such file or directory' -- "$XBUILD" check "$T/nokernel.cfg"
expect 2 'xbuild: @T@/hvm.cfg:2: type = "hvm": xbuild builds PV and PVH guests only' -- "$XBUILD" check "$T/hvm.cfg"
expect 2 "xbuild: @T@/garbage: not a kernel: neither ELF, bzImage nor compressed ELF (first bytes @B@ @B@ @B@ @B@, 4096 bytes)" -- \
	"$XBUILD" check "$T/ok.cfg"
expect 2 "xbuild: @T@/trunc: ELF: bad magic" -- "$XBUILD" inspect "$T/trunc"
expect 2 "xbuild: /dev/null: not a regular file" -- "$XBUILD" inspect /dev/null
expect 2 "xbuild: @T@: not a regular file" -- "$XBUILD" inspect "$T"
# --json errors are JSON on stdout too
"$XBUILD" check --json "$T/ok.cfg" >"$T/out" 2>/dev/null
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; sys.exit(0 if e["code"]==2 and "garbage" in e["message"] else 1)' "$T/out" ||
	fail "check --json error object"
# libxml2 is loaded when an XML config is read: a library of that name
# without libxml2's calls is refused with exit 4, and xl.cfg files do not
# need it at all.
mkdir -p "$T/fakelib"
echo 'int not_libxml2;' | cc -shared -fPIC -x c -o "$T/fakelib/libxml2.so.2" - ||
	fail "cannot build the stand-in libxml2"
printf '<domain type="xen"><name>x</name></domain>\n' >"$T/x.xml"
expect 4 "xbuild: @T@/x.xml: libxml2.so.2 has no xmlNewParserCtxt: @T@/fakelib/libxml2.so.2: undefined symbol: xmlNewParserCtxt" -- \
	env LD_LIBRARY_PATH="$T/fakelib" "$XBUILD" check "$T/x.xml"
env LD_LIBRARY_PATH="$T/fakelib" "$XBUILD" check "$T/ok.cfg" >/dev/null 2>&1
[ $? = 2 ] || fail "an xl.cfg needs libxml2"
# No Xen here: the release binary's run and build say so with exit 3 (not
# checked where Xen is present), on a valid test kernel (mkkernel).
# The release binary has no test hooks (build-test/xbuild has them).
expect 1 "xbuild: unknown option '--backend'" -- "$XBUILD" run --backend sim "$T/x.cfg"
expect 1 "xbuild: unknown option '--test-bad-pte'" -- "$XBUILD" run --test-bad-pte "$T/x.cfg"
"$XBUILD" --help | grep -Eq 'backend|bad-pte|test build' && fail "--help lists a test-only option"
"$XBUILD_TEST" --help | grep -q 'test-bad-pte' || fail "the test build lacks --test-bad-pte"
if [ ! -e /dev/xen/privcmd ] && [ ! -e /proc/xen/privcmd ]; then
	kernel "$T/vmlinuz" --linux --bzimage gzip
	printf 'name = "t"\nkernel = "%s"\n' "$T/vmlinuz" >"$T/real.cfg"
	noxen='xbuild: no Xen hypervisor is reachable (/dev/xen/privcmd: No such file or directory); `xbuild plan` works without one'
	expect 3 "$noxen" -- "$XBUILD" run "$T/real.cfg"
	expect 3 "$noxen" -- "$XBUILD" build --domid 5 --store-evtchn 1 --console-evtchn 2 "$T/real.cfg"
fi
finish
