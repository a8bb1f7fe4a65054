#!/bin/sh
# Untrusted bytes never reach the terminal raw: paths, names and values
# from a config come back escaped, one message per line, and a very long
# path keeps the reason at the end of its message.
. "$(dirname "$0")/lib.sh"
esc=$(printf '\033')
printf 'name = "t"\nkernel = "/nonexistent/\033[31mred\033[0m\\nline2"\n' >"$T/esc.cfg"
expect 2 'xbuild: @T@/esc.cfg:2: kernel = "/nonexistent/\x1b[31mred\x1b[0m\nline2": cannot open: No such file or directory' -- "$XBUILD" check "$T/esc.cfg"
grep -q "$esc" "$T/err" && fail "a raw ESC byte reached stderr"
grep -qF '\x1b[31mred' "$T/err" || fail "ESC not shown as \\x1b: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "the message is not one line: $(cat "$T/err")"
long=$(python3 -c 'print("/" + "d" * 8190)')
printf 'name = "t"\nkernel = "%s"\n' "$long" >"$T/long.cfg"
expect 2 'xbuild: @T@/long.cfg:2: kernel = "/ddd@*@ddd...": /ddd@*@ ... @*@ddd: cannot open: File name too long' -- "$XBUILD" check "$T/long.cfg"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "long path: not one line"
finish
