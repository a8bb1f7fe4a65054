#!/bin/sh
# SIGTERM during `run` destroys the half-built domain and exits 128+15.
# The simulated backend (test binary) at 16 TiB, the largest memory, gives
# a window of a few seconds after the domain is created; the signal is sent
# once -v says it is ("create: domain N ...").  The kernel is a Linux-like
# test kernel (mkkernel).
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bss 16M --bzimage xz
printf 'name = "sig"\nmemory = 16777216\nkernel = "%s"\n' "$T/vmlinuz" >"$T/sig.cfg"
"$XBUILD_TEST" run -v --backend sim "$T/sig.cfg" >"$T/out" 2>"$T/err" &
pid=$!
i=0
until grep -q "^xbuild: create: domain" "$T/err" 2>/dev/null || [ $i -ge 600 ]; do
	sleep 0.05; i=$((i + 1))
done
kill -TERM $pid
wait $pid; rc=$?
[ $rc -eq 143 ] || fail "exit $rc, wanted 143: $(cat "$T/err")"
has_line "$T/err" "xbuild: interrupted by signal 15" || fail "no 'interrupted' message"
has_line "$T/err" "xbuild: domain 1 destroyed" || fail "domain not destroyed"
finish
