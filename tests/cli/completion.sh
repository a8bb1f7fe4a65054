#!/bin/sh
# Bash completion (completion/xbuild.bash), in a bash that sourced it:
# `xbuild <TAB>` offers the commands, `xbuild CMD --<TAB>` exactly the long
# options `xbuild CMD --help` lists (for every command: the release binary's
# option table is the one source), `xbuild inspect <TAB>` and `xbuild run
# <TAB>` file names, `--kernel <TAB>` file names, an option's argument
# nothing else, and nothing after the one argument.
. "$(dirname "$0")/lib.sh"
COMP=$TOP/completion/xbuild.bash
command -v bash >/dev/null || { fail "no bash"; finish; }
mkdir "$T/dir" "$T/dir/sub"
: >"$T/dir/vmlinuz-6.1"
: >"$T/dir/guest.cfg"
: >"$T/dir/with space.xml"

# reply WORDS...: COMPREPLY, one per line, sorted, for the command line
# WORDS (the last one is the word being completed), run in $T/dir.
reply() {
	(cd "$T/dir" && bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_xbuild || exit 3
		printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP" "$@") | sed '/^$/d' | LC_ALL=C sort
}
# want WHAT GOT WANT: the two sorted lists are equal.
want() {
	[ "$2" = "$3" ] || fail "$1: got [$(echo $2)], want [$(echo $3)]"
}
lines() { printf '%s\n' "$@" | LC_ALL=C sort; }

# The help's long options of a command (main.c's usage(): "  -h, --help",
# "      --json ARG").
help_opts() {
	"$XBUILD" $1 --help | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z-]*\).*/\2/p' | LC_ALL=C sort
}

want "xbuild <TAB>" "$(reply xbuild "")" "$(lines build check gc help inspect plan run)"
want "xbuild help <TAB>" "$(reply xbuild help "")" "$(lines build check gc inspect plan run)"
want "xbuild help check <TAB>" "$(reply xbuild help check "")" ""
want "xbuild p<TAB>" "$(reply xbuild p)" "plan"
for c in run build plan inspect check gc; do
	h=$(help_opts $c)
	[ -n "$h" ] || fail "$c --help lists no options"
	want "xbuild $c --<TAB>" "$(reply xbuild $c --)" "$h"
done
want "xbuild run --<TAB> has --paused" "$(reply xbuild run --pa)" "--paused"
want "xbuild -<TAB>" "$(reply xbuild -)" "$(lines -h --help -V --version --json)"
files=$(lines "guest.cfg" "sub" "vmlinuz-6.1" "with space.xml")
want "xbuild inspect <TAB>" "$(reply xbuild inspect "")" "$files"
want "xbuild inspect vm<TAB>" "$(reply xbuild inspect vm)" "vmlinuz-6.1"
want "xbuild run <TAB>" "$(reply xbuild run "")" "$files"
want "xbuild check -v w<TAB>" "$(reply xbuild check -v w)" "with space.xml"
want "xbuild build --kernel <TAB>" "$(reply xbuild build --kernel "")" "$files"
want "xbuild plan --kernel=vm<TAB>" "$(reply xbuild plan --kernel = vm)" "vmlinuz-6.1"
want "xbuild plan --memory <TAB>" "$(reply xbuild plan --memory "")" ""
want "xbuild gc <TAB>" "$(reply xbuild gc "")" ""
want "xbuild plan guest.cfg <TAB>" "$(reply xbuild plan guest.cfg "")" ""
# options after the config, as xl takes them
want "xbuild run guest.cfg --no<TAB>" "$(reply xbuild run guest.cfg --no)" "--no-devices"
want "xbuild check guest.cfg memory=5 --re<TAB>" "$(reply xbuild check guest.cfg memory=5 --re)" "--resolved"
want "xbuild frob <TAB>" "$(reply xbuild frob "")" ""
# The options that take an argument are the help's "--name ARG" ones, and
# those that take a FILE are completed with file names.
argopts=$("$XBUILD" --help | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z-]*\) [A-Za-z|]\{1,\}  .*/\2/p' | LC_ALL=C sort)
[ -n "$argopts" ] || fail "--help lists no option with an argument"
want "options with an argument" \
	"$(bash --norc --noprofile -c '. "$1"; printf "%s\n" $_xbuild_opts_arg' sh "$COMP" | LC_ALL=C sort)" "$argopts"
for o in $("$XBUILD" --help | sed -n 's/^ *\(--[a-z-]*\) FILE .*/\1/p'); do
	want "xbuild build $o <TAB>" "$(reply xbuild build "$o" "")" "$files"
done
# DIR arguments are completed with directories only.
for o in $("$XBUILD" --help | sed -n 's/^ *\(--[a-z-]*\) DIR .*/\1/p'); do
	want "xbuild plan $o <TAB>" "$(reply xbuild plan "$o" "")" "sub"
done
want "xbuild plan --cache-dir=s<TAB>" "$(reply xbuild plan --cache-dir = s)" "sub"
# Every command of the top-level help is offered.
top=$("$XBUILD" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | LC_ALL=C sort)
want "commands in --help" "$(reply xbuild "")" "$top"
finish
