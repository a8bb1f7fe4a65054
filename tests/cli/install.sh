#!/bin/sh
# `make install DESTDIR=... PREFIX=...` puts every file where xbuild(1)'s
# FILES section says, with the right modes and contents (the binary runs,
# the man pages are both pages, the completion defines _xbuild, the
# examples are the repository's); `make uninstall` with the same
# variables removes all of it: no file is left under DESTDIR.
. "$(dirname "$0")/lib.sh"
D=$T/root
P=/opt/xb
# The outer make's job server and flags are not this make's.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" "$@" >"$T/make.log" 2>&1; }
mk install DESTDIR="$D" PREFIX=$P || { fail "make install: $(tail -5 "$T/make.log")"; finish; }

# mode FILE MODE: FILE exists, a regular file of that mode.
mode() {
	[ -f "$D$1" ] || { fail "not installed: $P${1#$P}"; return; }
	m=$(stat -c %a "$D$1")
	[ "$m" = "$2" ] || fail "$1: mode $m, want $2"
}
mode $P/bin/xbuild 755
mode $P/share/man/man1/xbuild.1 644
mode $P/share/man/man5/xbuild.cfg.5 644
mode $P/share/bash-completion/completions/xbuild 644
for e in "$TOP"/examples/*; do
	f=$P/share/doc/xbuild/examples/${e##*/}
	mode "$f" 644
	cmp -s "$e" "$D$f" || fail "$f differs from examples/${e##*/}"
done
# Exactly these files, nothing else.
want=$( (echo $P/bin/xbuild; echo $P/share/man/man1/xbuild.1
	echo $P/share/man/man5/xbuild.cfg.5; echo $P/share/bash-completion/completions/xbuild
	for e in "$TOP"/examples/*; do echo $P/share/doc/xbuild/examples/${e##*/}; done) | sort)
got=$(cd "$D" && find . ! -type d | sed 's|^\.||' | sort)
[ "$got" = "$want" ] || fail "installed files: [$(echo $got)], want [$(echo $want)]"

"$D$P/bin/xbuild" --version | grep -q '^xbuild [0-9]' || fail "the installed binary does not run"
cmp -s "$TOP/man/xbuild.1" "$D$P/share/man/man1/xbuild.1" || fail "xbuild.1 differs"
cmp -s "$TOP/man/xbuild.cfg.5" "$D$P/share/man/man5/xbuild.cfg.5" || fail "xbuild.cfg.5 differs"
head -1 "$D$P/share/man/man5/xbuild.cfg.5" | grep -q "^'\\\\\" t" || fail "xbuild.cfg.5 does not ask for tbl"
grep -q '^\.TH XBUILD\.CFG 5' "$D$P/share/man/man5/xbuild.cfg.5" || fail "xbuild.cfg.5 is not section 5"
bash --norc --noprofile -c '. "$1" && complete -p xbuild | grep -q _xbuild' sh \
	"$D$P/share/bash-completion/completions/xbuild" || fail "the completion does not register _xbuild"
# man finds both pages in the installed tree (when man is there).
if command -v man >/dev/null; then
	MANPATH=$D$P/share/man man -w xbuild.cfg >/dev/null 2>&1 || fail "man -w xbuild.cfg finds no page"
	MANPATH=$D$P/share/man man -w 1 xbuild >/dev/null 2>&1 || fail "man -w 1 xbuild finds no page"
fi

mk uninstall DESTDIR="$D" PREFIX=$P || fail "make uninstall: $(tail -5 "$T/make.log")"
left=$(cd "$D" && find . ! -type d)
[ -z "$left" ] || fail "left after uninstall: $(echo $left)"
[ ! -e "$D$P/share/doc/xbuild" ] || fail "left after uninstall: $P/share/doc/xbuild"
# The default PREFIX is /usr/local.
mk install DESTDIR="$D" || { fail "make install (default PREFIX): $(tail -5 "$T/make.log")"; finish; }
[ -x "$D/usr/local/bin/xbuild" ] && [ -f "$D/usr/local/share/man/man5/xbuild.cfg.5" ] ||
	fail "default PREFIX is not /usr/local"
mk uninstall DESTDIR="$D" || fail "make uninstall (default PREFIX)"
[ -z "$(cd "$D" && find . ! -type d)" ] || fail "left after uninstall (default PREFIX)"
finish
