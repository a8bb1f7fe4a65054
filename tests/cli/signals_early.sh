#!/bin/sh
# A signal while xbuild decompresses (before anything exists that needs
# cleaning up) ends it at once with 128+N, not after the decompression.
. "$(dirname "$0")/lib.sh"
head -c 400000000 /dev/zero | xz -0 -T1 >"$T/zeros.xz"
"$XBUILD" inspect --max-decompressed 1000 "$T/zeros.xz" >"$T/out" 2>"$T/err" &
pid=$!
wait_handler $pid 15 || fail "no SIGTERM handler in xbuild"
sleep 0.1
start=$(date +%s%N)
kill -TERM $pid
wait $pid; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $rc -eq 143 ] || fail "exit $rc, wanted 143: $(cat "$T/err")"
grep -qx "xbuild: interrupted by signal 15" "$T/err" || fail "message: $(cat "$T/err")"
[ $ms -lt 500 ] || fail "took $ms ms to stop"
finish
