#!/bin/sh
# A long load (here: 600 MiB of zeros in a bzip2 initrd, about two seconds
# to decompress) shows "xbuild: loading ... TIME" on a terminal (script(1)
# gives it a pty), redrawn in place and erased when it is done, and by a
# signal before the handler's message; never with -q or --json, nor when
# stderr is not a terminal.
. "$(dirname "$0")/lib.sh"
command -v script >/dev/null 2>&1 || skip "no script(1) (util-linux) to make a terminal"
kernel "$T/vmlinuz" --linux --bzimage xz
head -c 600M /dev/zero | bzip2 -1 >"$T/z.bz2"
printf 'name = "p"\nmemory = 1024\nkernel = "%s"\nramdisk = "%s"\n' "$T/vmlinuz" "$T/z.bz2" >"$T/p.cfg"

# tty CMD: run CMD (a shell line) with a terminal on stdin/stdout/stderr;
# all it wrote in $T/tty (written as it comes: CMD may read it); its exit
# code.
tty() { rm -f "$T/tty"; script -qfec "$1" "$T/tty" >/dev/null 2>&1 </dev/null; }
tty "$XBUILD check $T/p.cfg"; rc=$?
[ $rc -eq 0 ] || fail "check on a tty: exit $rc: $(cat "$T/tty")"
grep -aEq "$(printf '\r\033')\[Kxbuild: loading vmlinuz \([0-9.]+ KiB\) and z\.bz2 \([0-9.]+ KiB\) \.\.\. [0-9.]+ (ms|s)" "$T/tty" ||
	fail "no progress line on the terminal: $(od -c "$T/tty" | head -5)"
[ "$(grep -ao 'xbuild: loading' "$T/tty" | wc -l)" -ge 2 ] || fail "the line was not redrawn"
# erased at the end: the last ESC[K comes after the last progress text,
# and what the terminal shows at the end is check's own output only
python3 - "$T/tty" <<'PY' || fail "progress line not erased: $(od -c "$T/tty" | tail -8)"
import sys
t = open(sys.argv[1], "rb").read()
last = t.rfind(b"xbuild: loading")
erase = t.rfind(b"\r\x1b[K")
assert erase > last, (erase, last)
assert b"loading" not in t[erase:], t[erase:]
PY
# -q, --json and no terminal: not a byte of it (side by side: each load
# takes seconds)
script -qfec "$XBUILD check -q $T/p.cfg" "$T/tty.q" >/dev/null 2>&1 </dev/null &
p1=$!
script -qfec "$XBUILD check --json $T/p.cfg" "$T/tty.json" >/dev/null 2>&1 </dev/null &
p2=$!
expect 0 "" -- "$XBUILD" check "$T/p.cfg"
grep -aq "loading" "$T/err" && fail "progress shown on a pipe"
wait $p1 || fail "check -q on a tty failed"
wait $p2 || fail "check --json on a tty failed"
grep -aq "loading" "$T/tty.q" && fail "progress shown with -q"
grep -aq "loading" "$T/tty.json" && fail "progress shown with --json"
# A signal while it is shown: erased, then the handler's message.
tty "$XBUILD check $T/p.cfg & p=\$!; i=0; until grep -aq 'xbuild: loading' $T/tty || [ \$i -ge 200 ]; do sleep 0.05; i=\$((i + 1)); done; kill -TERM \$p; wait \$p"
python3 - "$T/tty" <<'PY' || fail "signal during progress: $(od -c "$T/tty" | tail -8)"
import sys
t = open(sys.argv[1], "rb").read()
i = t.find(b"xbuild: interrupted by signal 15")
assert i > 0 and t[i - 4:i] == b"\r\x1b[K", t[max(0, i - 40):i + 40]
assert b"loading" in t[:i] and b"loading" not in t[i:], t
PY
finish
