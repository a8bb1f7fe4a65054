#!/bin/sh
# run, build and the control-fd protocol on the simulated backend of the
# test binary (XBUILD_TEST), with a Linux-like test kernel (mkkernel: xz
# bzImage, INIT_P2M, MOD_START_PFN, 16 MiB of bss) -- and the deliberately
# wrong page-table entry being refused, injected failures, and a kernel too
# big for the memory.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bss 16M --bzimage xz
kernel "$T/big" --bss 40M
printf 'name = "sim"\nmemory = 128\nkernel = "%s"\nextra = "console=hvc0"\ndisk = [ "phy:/dev/null,xvda,w" ]\n' "$T/vmlinuz" >"$T/sim.cfg"
X=$XBUILD_TEST
# run does not set up devices: it refuses a config naming one, before
# anything exists, unless told to start the guest without them.
expect 2 "xbuild: @T@/sim.cfg: xbuild run does not set up devices: disk (line 5); use --no-devices to start the guest without them, or let a toolstack run \`xbuild build\`" -- \
	"$X" run -v --backend sim "$T/sim.cfg"
grep -q "backend:\|create:" "$T/err" && fail "run went on after refusing the devices: $(cat "$T/err")"
expect 0 "xbuild: warning: @T@/sim.cfg:5: xbuild does not set up devices: disk (line 5); the guest starts without them (--no-devices)" -- \
	"$X" run --backend sim --no-devices "$T/sim.cfg"
grep -qx '1' "$T/out" || fail "run printed '$(cat "$T/out")', not the domid"
# -c hands over to `xl console DOMID`; where no xl is installed, the domain
# runs and xbuild says how to attach later (exit 3).
if ! command -v xl >/dev/null 2>&1; then
	expect 3 "xbuild: domain 1 runs, but its console cannot be attached: xl console: No such file or directory (\`xl console 1\` later)" -- \
		"$X" run --backend sim --no-devices -c "$T/sim.cfg"
	grep -qx '1' "$T/out" || fail "run -c printed '$(cat "$T/out")', not the domid first"
fi
expect 0 "" -- "$X" run --backend sim --json "$T/sim.cfg" --no-devices
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["domid"]==1 and d["warnings"] else 1)' "$T/out" || fail "run --json"
expect 0 "" -- "$X" build --backend sim --domid 1 --store-evtchn 1 --console-evtchn 2 --control-fd 3 "$T/sim.cfg" 3>"$T/ctl"
# build leaves devices to its caller: not a word about them
[ -s "$T/err" ] && fail "build said: $(cat "$T/err")"
grep -Eq '^result:[0-9]+ [0-9]+ x86_64-abi$' "$T/ctl" || fail "control-fd: '$(cat "$T/ctl")'"
expect 3 "xbuild: pin: page-table frame mfn @X@ (L4) is mapped writable" -- \
	"$X" run --backend sim --no-devices --test-bad-pte "$T/sim.cfg"
has_line "$T/err" "xbuild: domain 1 destroyed" || fail "bad pte: domain not destroyed"
XBUILD_SIM_FAIL_OP=pin_root expect 3 "xbuild: pin_root: simulated failure (call @N@)" -- "$X" run --backend sim --no-devices "$T/sim.cfg"
expect 3 "xbuild: pin: page-table frame mfn @X@ (L4) is mapped writable" -- \
	"$X" build --backend sim --domid 1 --store-evtchn 1 --console-evtchn 2 --control-fd 3 --test-bad-pte "$T/sim.cfg" 3>"$T/ctl"
has_line "$T/ctl" "error:pin: page-table frame mfn @X@ (L4) is mapped writable" ||
	fail "control-fd error line: '$(cat "$T/ctl")'"
XBUILD_SIM_MAX_PAGES=1000 expect 3 "xbuild: populate(dom 1, 32768 pages): out of memory (@*@)" -- \
	"$X" run -v --backend sim --no-devices "$T/sim.cfg"
has_line "$T/err" "xbuild: domain 1 destroyed" || fail "populate failure: domain not destroyed"
printf 'name = "big"\nmemory = 32\nkernel = "%s"\n' "$T/big" >"$T/small.cfg"
expect 2 "xbuild: @T@/big: memory too small: kernel needs 10243 pages at pfn 0x1000, but the guest has 8192 pages (32 MiB); raise memory" -- \
	"$XBUILD" plan "$T/small.cfg"
finish
