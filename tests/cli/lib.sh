# Shared helpers for the CLI tests (sourced).  XBUILD is the binary,
# MKKERNEL writes test kernels (make mkkernel; tests/unit/mkkernel.c).
# A test exits 0 (passed), 1 (failed) or 77 (skipped: skip, skip_download);
# tests/run-unit.sh counts them so.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${XBUILD:=$TOP/xbuild}"
: "${MKKERNEL:=$TOP/build/tests/mkkernel}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
name=$(basename "$0" .sh)
fail() { echo "    FAIL $name: $*"; fails=$((fails + 1)); }
# expect CODE WORDS -- CMD...: exit code and a message fragment on stderr
expect() {
	code=$1; words=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	[ "$rc" -eq "$code" ] || fail "'$*' exited $rc, wanted $code ($(head -c 300 "$T/err"))"
	[ -z "$words" ] || grep -qF -- "$words" "$T/err" ||
		fail "'$*': stderr lacks '$words' ($(head -c 300 "$T/err"))"
}
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

# kernel FILE [MKKERNEL OPTIONS]: write a test kernel (a failure ends the test).
kernel() {
	k=$1; shift
	"$MKKERNEL" "$@" "$k" || { fail "mkkernel $* $k failed ($MKKERNEL)"; finish; }
}
