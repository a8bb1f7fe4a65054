#!/bin/sh
# Floods of warnings stay bounded: 60,000 unknown libvirt elements print
# the first XB_WARN_KEEP (100) warnings and one line that counts the rest.
. "$(dirname "$0")/lib.sh"
python3 "$TOP/tests/bad/make-cases.py" "$T" >/dev/null 2>&1 || { fail "make-cases.py"; finish; }
expect 0 'xbuild: warning: @D@/xml_flood_elements.cfg:1: element <e0> is not acted on by xbuild' -- \
	"$XBUILD" check "$T/xml_flood_elements.cfg"
n=$(wc -l <"$T/err")
[ "$n" -eq 101 ] || fail "$n warning lines, wanted 101"
tail -n 1 "$T/err" | grep -q '^xbuild: warning: \.\.\. and 59,900 more warnings' ||
	fail "last line: $(tail -n 1 "$T/err")"
finish
