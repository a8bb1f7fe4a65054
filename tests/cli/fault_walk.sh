#!/bin/sh
# Fault injection through the command line: make the k-th backend call of
# `xbuild run --backend sim` (the test binary, XBUILD_TEST) fail, for every
# k until a run succeeds.  Each time: exit 3, a message naming the failed
# step, and once the domain exists, "domain N destroyed".  Under `make SAN=1
# unit` XBUILD_TEST is the ASan+UBSan+LSan binary, so a leak on any error
# path fails the test.  The kernel is a Linux-like test kernel (mkkernel:
# INIT_P2M, so the p2m mapping's calls are walked too).
# FAULT_WALK_LOG=FILE writes the table of fault points.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux
head -c 100000 /dev/urandom | gzip >"$T/initrd.gz"
printf 'name = "fault"\nmemory = 64\nkernel = "%s/vmlinuz"\nramdisk = "%s/initrd.gz"\n' "$T" "$T" >"$T/f.cfg"
log=${FAULT_WALK_LOG:-/dev/null}
echo "call | operation | exit | domain destroyed" >"$log"
k=1; created=0
while [ $k -le 200 ]; do
	XBUILD_SIM_FAIL_CALL=$k "$XBUILD_TEST" run -v --backend sim "$T/f.cfg" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && break
	op=$(sed -n 's/^xbuild: \([a-z_]*\): simulated failure (call '$k')$/\1/p' "$T/err")
	destroyed=no; has_line "$T/err" "xbuild: domain 1 destroyed" && destroyed=yes
	echo "$k | ${op:-?} | $rc | $destroyed" >>"$log"
	[ $rc -eq 3 ] || fail "call $k: exit $rc: $(tail -n 3 "$T/err")"
	[ -n "$op" ] || fail "call $k: no step named: $(tail -n 3 "$T/err")"
	[ "$op" = domain_create ] && created=1 && { k=$((k + 1)); continue; }
	if [ $created -eq 1 ] && [ $destroyed = no ]; then
		fail "call $k ($op): domain not destroyed"
	fi
	if grep -qE "runtime error|Sanitizer" "$T/err"; then fail "call $k: $(grep -m1 -E 'runtime error|Sanitizer' "$T/err")"; fi
	k=$((k + 1))
done
[ $rc -eq 0 ] || fail "no run succeeded within 200 calls"
[ $k -gt 20 ] || fail "only $((k - 1)) backend calls"
echo "  $name: $((k - 1)) fault points"
finish
