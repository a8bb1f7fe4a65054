#!/bin/sh
# Run every unit-test binary given, then the shell tests in tests/cli/,
# and print one closing line "N passed, N failed, N skipped".
set -u
p=0; f=0; s=0; bad=""
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v '^ok ' 
	line=$(printf '%s\n' "$out" | tail -n 1)
	set -- $line
	if [ "${2:-}" = "passed," ] && [ $rc -eq 0 -o $rc -eq 1 ]; then
		p=$((p + $1)); f=$((f + $3)); s=$((s + ${5:-0}))
		[ $rc -eq 0 ] || bad="$bad $t"
	else
		echo "CRASH $t (exit $rc)"; f=$((f + 1)); bad="$bad $t"
	fi
	shift $#
done
for t in tests/cli/*.sh; do
	[ -e "$t" ] || continue
	if sh "$t"; then p=$((p + 1)); else echo "FAIL $t"; f=$((f + 1)); bad="$bad $t"; fi
done
[ -z "$bad" ] || echo "failing:$bad"
echo "$p passed, $f failed, $s skipped"
[ $f -eq 0 ]
