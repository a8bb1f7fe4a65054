#!/bin/sh
# Run every unit-test binary given, then the shell tests in tests/cli/,
# and print one closing line "N passed, N failed, N skipped".
#
# A unit-test binary counts its tests itself (harness.c's closing line).  A
# shell test is one test: exit 0 passed, 77 skipped (the automake
# convention; tests/cli/lib.sh's skip), anything else failed.  A skip is
# never counted as a pass.  XB_COUNTS=FILE appends "passed failed skipped".
set -u
p=0; f=0; s=0; bad=""; skips=""
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v '^ok '
	line=$(printf '%s\n' "$out" | tail -n 1)
	set -- $line
	if [ "${2:-}" = "passed," ] && [ "${4:-}" = "failed," ] && [ "${6:-}" = "skipped" ] &&
		{ { [ $rc -eq 0 ] && [ "$3" -eq 0 ]; } || { [ $rc -eq 1 ] && [ "$3" -gt 0 ]; }; }; then
		p=$((p + $1)); f=$((f + $3)); s=$((s + $5))
		[ $rc -eq 0 ] || bad="$bad $t"
	else
		echo "CRASH $t (exit $rc)"; f=$((f + 1)); bad="$bad $t"
	fi
	shift $#
done
for t in tests/cli/*.sh; do
	[ -e "$t" ] || continue
	sh "$t"; rc=$?
	case $rc in
	0) p=$((p + 1)) ;;
	77) s=$((s + 1)); skips="$skips $t" ;;
	*) echo "FAIL $t (exit $rc)"; f=$((f + 1)); bad="$bad $t" ;;
	esac
done
[ -z "$skips" ] || echo "skipped:$skips"
[ -z "$bad" ] || echo "failing:$bad"
echo "$p passed, $f failed, $s skipped"
[ -z "${XB_COUNTS:-}" ] || echo "$p $f $s" >>"$XB_COUNTS"
[ $f -eq 0 ]
