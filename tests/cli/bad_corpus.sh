#!/bin/sh
# The bad-input corpus (tests/bad/cases.txt): every case through xbuild
# check/plan/inspect, with its expected exit code and its whole stderr (one
# line matching the case's MESSAGE, or nothing).  Bad input must never end
# in exit 4 (internal), a signal, a timeout or a sanitizer report.  Inputs
# are generated at test time by tests/bad/make-cases.py.  Cases whose input
# needs a missing tool (zstd, lz4, lzop) make the whole test a skip.
. "$(dirname "$0")/lib.sh"
BAD=$TOP/tests/bad
D=$T/cases
mkdir -p "$D"
if ! python3 "$BAD/make-cases.py" "$D" 2>"$T/gen.err"; then
	fail "make-cases.py failed: $(head -c 600 "$T/gen.err")"
	finish
fi
# Sanitizers: report every finding, keep going, no core dumps.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:disable_coredump=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

n=0; bad=0; skipped=0
start=$(date +%s)
set -f	# case fields are literal, never globbed
while IFS='|' read -r cname cmd want msg; do
	cname=$(echo $cname); cmd=$(echo $cmd); want=$(echo $want)
	case $cname in ''|'#'*) continue ;; esac
	set -- $cmd
	verb=$1
	case $verb in
	inspect) arg=$D/$cname ;;
	*) arg=$D/$cname.cfg ;;
	esac
	if [ ! -e "$arg" ]; then
		# Only inputs made by an optional tool (zstd, lz4, lzop) may be absent.
		case $cname in
		*zstd*|*lz4*|*lzo*) skipped=$((skipped + 1)); continue ;;
		esac
		fail "$cname: the generator made no $arg"; bad=$((bad + 1)); continue
	fi
	n=$((n + 1))
	timeout 20 "$XBUILD" "$@" "$arg" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	why=""
	if [ $rc -eq 124 ]; then why="timed out (20 s)"
	elif [ $rc -gt 128 ]; then why="killed by signal $((rc - 128))"
	elif [ $rc -eq 4 ]; then why="internal error (exit 4) on bad input"
	elif grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$T/err"; then
		why="sanitizer report"
	elif [ "$rc" != "$want" ]; then why="exit $rc, wanted $want"
	fi
	if [ -z "$why" ]; then
		msg=$(printf '%s' "$msg" | sed 's/^ *//; s/ *$//')
		lines=$(awk 'END { print NR }' "$T/err")
		if [ -z "$msg" ]; then
			[ "$lines" -eq 0 ] || why="stderr not empty"
		elif [ "$lines" -ne 1 ] || ! has_line "$T/err" "$msg"; then
			why="stderr is not the one line '$msg'"
		fi
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		fail "$cname ($cmd): $why: $(head -c 400 "$T/err" | tr '\n' ' ')"
	fi
done <"$BAD/cases.txt"
set +f
echo "    bad_corpus: $n cases, $bad failed, $skipped skipped, $(( $(date +%s) - start )) s ($XBUILD)"
[ $skipped -eq 0 ] || skip "$skipped cases without their input (no zstd, lz4 or lzop: scripts/deps.sh test)"
finish
