# Shared helpers for the CLI tests (sourced).
#   XBUILD       the release binary (make)
#   XBUILD_TEST  the test binary with the test hooks: --backend sim,
#                --test-bad-pte, XBUILD_SIM_* (make test-bin)
#   MKKERNEL     writes test kernels (make mkkernel; tests/unit/mkkernel.c)
# A test exits 0 (passed), 1 (failed) or 77 (skipped: skip, skip_download);
# tests/run-unit.sh counts them so.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${XBUILD:=$TOP/xbuild}"
: "${XBUILD_TEST:=$TOP/build-test/xbuild}"
: "${MKKERNEL:=$TOP/build/tests/mkkernel}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
name=$(basename "$0" .sh)
fail() { echo "    FAIL $name: $*"; fails=$((fails + 1)); }
finish() {
	[ $fails -eq 0 ] && echo "ok   $name" && exit 0
	echo "FAIL $name"; exit 1
}
# skip WHY: end as skipped (exit 77); as failed if a check failed already.
skip() {
	[ $fails -eq 0 ] || finish
	echo "SKIP $name: $*"; exit 77
}
# skip_download WHY: skip for want of a file tests/fetch-kernel.sh
# downloads; in CI (CI=true) those are required, so it is a failure.
skip_download() {
	if [ "${CI:-}" = true ]; then
		fail "$* (CI=true: downloaded kernels are required)"; finish
	fi
	skip "$*"
}

# line_re PATTERN: the anchored ERE of a message pattern.  The pattern is
# literal text except for these placeholders:
#   @T@ this test's directory ($T)   @D@ $D (default $T)
#   @N@ a decimal number   @X@ a hex number 0x...   @B@ a hex byte (2 digits)
#   @*@ any text (for a part another test checks)
line_re() {
	printf '%s\n' "$1" | awk -v T="$T" -v D="${D:-$T}" '
	function esc(s,   r, i, c) {
		r = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (index("\\^$.[]|()*+?{}", c)) r = r "\\" c; else r = r c
		}
		return r
	}
	{
		s = $0; out = ""
		while ((i = index(s, "@")) > 0) {
			tok = substr(s, i, 3)
			if (tok == "@T@") rep = esc(T)
			else if (tok == "@D@") rep = esc(D)
			else if (tok == "@N@") rep = "[0-9]+"
			else if (tok == "@X@") rep = "0x[0-9a-f]+"
			else if (tok == "@B@") rep = "[0-9a-f][0-9a-f]"
			else if (tok == "@*@") rep = ".*"
			else { out = out esc(substr(s, 1, i)); s = substr(s, i + 1); continue }
			out = out esc(substr(s, 1, i - 1)) rep; s = substr(s, i + 3)
		}
		print "^" out esc(s) "$"
	}'
}
# has_line FILE PATTERN: a whole line of FILE matches PATTERN (line_re).
has_line() { grep -aqE -e "$(line_re "$2")" "$1"; }

# expect CODE PATTERN -- CMD...: the exit code, and (PATTERN not empty) a
# whole line of stderr matching PATTERN (line_re).  Output in $T/out, $T/err.
expect() {
	code=$1; pat=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	[ "$rc" -eq "$code" ] || fail "'$*' exited $rc, wanted $code ($(head -c 300 "$T/err"))"
	[ -z "$pat" ] || has_line "$T/err" "$pat" ||
		fail "'$*': no stderr line '$pat' in: $(head -c 400 "$T/err")"
}

# kernel FILE [MKKERNEL OPTIONS]: write a test kernel (a failure ends the test).
# wait_handler PID SIG: wait (up to 10 s) until process PID catches signal
# number SIG (its SigCgt mask in /proc), so a signal sent next meets
# xbuild's handler, not the default action of a process still starting.
wait_handler() {
	_i=0
	while [ $_i -lt 200 ]; do
		_m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		[ -n "$_m" ] || return 1
		[ $(( (0x$_m >> ($2 - 1)) & 1 )) -eq 1 ] && return 0
		sleep 0.05; _i=$((_i + 1))
	done
	return 1
}

kernel() {
	k=$1; shift
	"$MKKERNEL" "$@" "$k" || { fail "mkkernel $* $k failed ($MKKERNEL)"; finish; }
}
