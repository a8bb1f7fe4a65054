#!/bin/sh
# Fault injection through the command line: make the k-th backend call of
# `xbuild run --backend sim` (the test binary, XBUILD_TEST) fail, for every
# k until a run succeeds.  Each time: exit 3, a message naming the failed
# step, and once the domain exists, "domain N destroyed".  Under `make SAN=1
# unit` XBUILD_TEST is the ASan+UBSan+LSan binary, so a leak on any error
# path fails the test.  The kernel is a Linux-like test kernel (mkkernel:
# INIT_P2M, so the p2m mapping's calls are walked too), as a PV guest and
# as a PVH guest.
# FAULT_WALK_LOG=FILE writes the table of fault points.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --phys32-entry 0x1000200
head -c 100000 /dev/urandom | gzip >"$T/initrd.gz"
printf 'name = "fault"\nmemory = 64\nkernel = "%s/vmlinuz"\nramdisk = "%s/initrd.gz"\n' "$T" "$T" >"$T/f.cfg"
# The same as a PVH guest with 2 vCPUs and a CPUID override: every HVM
# container call (paging pool, TSC, params, CPUID, populate_range, memory
# map, HVM context, grants by gfn) is walked too.
printf 'name = "fault"\ntype = "pvh"\nmemory = 64\nvcpus = 2\nkernel = "%s/vmlinuz"\nramdisk = "%s/initrd.gz"\ncpuid = "host,rdtscp=0"\n' \
	"$T" "$T" >"$T/p.cfg"
log=${FAULT_WALK_LOG:-/dev/null}
echo "config | call | operation | exit | domain destroyed" >"$log"
for cfg in f p; do
	k=1; created=0; ops=""
	while [ $k -le 200 ]; do
		XBUILD_SIM_FAIL_CALL=$k "$XBUILD_TEST" run -v --backend sim "$T/$cfg.cfg" >"$T/out" 2>"$T/err"
		rc=$?
		[ $rc -eq 0 ] && break
		op=$(sed -n 's/^xbuild: \([a-z_]*\): simulated failure (call '$k')$/\1/p' "$T/err")
		destroyed=no; has_line "$T/err" "xbuild: domain 1 destroyed" && destroyed=yes
		echo "$cfg | $k | ${op:-?} | $rc | $destroyed" >>"$log"
		ops="$ops $op"
		[ $rc -eq 3 ] || fail "$cfg: call $k: exit $rc: $(tail -n 3 "$T/err")"
		[ -n "$op" ] || fail "$cfg: call $k: no step named: $(tail -n 3 "$T/err")"
		[ "$op" = domain_create ] && created=1 && { k=$((k + 1)); continue; }
		if [ $created -eq 1 ] && [ $destroyed = no ]; then
			fail "$cfg: call $k ($op): domain not destroyed"
		fi
		if grep -qE "runtime error|Sanitizer" "$T/err"; then fail "$cfg: call $k: $(grep -m1 -E 'runtime error|Sanitizer' "$T/err")"; fi
		k=$((k + 1))
	done
	[ $rc -eq 0 ] || fail "$cfg: no run succeeded within 200 calls"
	[ $k -gt 20 ] || fail "$cfg: only $((k - 1)) backend calls"
	if [ $cfg = p ]; then
		for want in hvm_hap set_paging_pool set_tsc_info set_hvm_param set_cpuid populate_range \
			set_memory_map set_hvm_vcpu seed_grants_gfn; do
			case " $ops " in *" $want "*) ;; *) fail "PVH: no fault point in $want:$ops" ;; esac
		done
	fi
	echo "  $name: $cfg: $((k - 1)) fault points"
done
finish
