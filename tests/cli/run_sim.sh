#!/bin/sh
# run, build and the control-fd protocol on the simulated backend, with a
# Linux-like test kernel (mkkernel: xz bzImage, INIT_P2M, MOD_START_PFN,
# 16 MiB of bss) -- and the deliberately wrong page-table entry being
# refused, injected failures, and a kernel too big for the memory.
. "$(dirname "$0")/lib.sh"
K=$T/vmlinuz
kernel "$K" --linux --bss 16M --bzimage xz
kernel "$T/big" --bss 40M
printf 'name = "sim"\nmemory = 128\nkernel = "%s"\nextra = "console=hvc0"\ndisk = [ "phy:/dev/null,xvda,w" ]\n' "$K" >"$T/sim.cfg"
expect 0 "key 'disk'" -- "$XBUILD" run --backend sim "$T/sim.cfg"
grep -qx '1' "$T/out" || fail "run printed '$(cat "$T/out")', not the domid"
expect 0 "" -- "$XBUILD" run --backend sim --json "$T/sim.cfg"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["domid"]==1 and d["warnings"] else 1)' "$T/out" || fail "run --json"
expect 0 "" -- "$XBUILD" build --backend sim --domid 1 --store-evtchn 1 --console-evtchn 2 --control-fd 3 "$T/sim.cfg" 3>"$T/ctl"
grep -Eq '^result:[0-9]+ [0-9]+ x86_64-abi$' "$T/ctl" || fail "control-fd: '$(cat "$T/ctl")'"
expect 3 "mapped writable" -- "$XBUILD" run --backend sim --test-bad-pte "$T/sim.cfg"
XBUILD_SIM_FAIL_OP=pin_root expect 3 "pin_root: simulated failure" -- "$XBUILD" run --backend sim "$T/sim.cfg"
expect 3 "" -- "$XBUILD" build --backend sim --domid 1 --store-evtchn 1 --console-evtchn 2 --control-fd 3 --test-bad-pte "$T/sim.cfg" 3>"$T/ctl"
grep -q '^error:' "$T/ctl" || fail "control-fd error line: '$(cat "$T/ctl")'"
XBUILD_SIM_MAX_PAGES=1000 expect 3 "out of memory" -- "$XBUILD" run -v --backend sim "$T/sim.cfg"
grep -q "domain 1 destroyed" "$T/err" || fail "populate failure: domain not destroyed"
printf 'name = "big"\nmemory = 32\nkernel = "%s"\n' "$T/big" >"$T/small.cfg"
expect 2 "memory too small" -- "$XBUILD" plan "$T/small.cfg"
finish
