# bash completion for xbuild(1): the commands, each command's options
# (the same lists `xbuild COMMAND --help` prints, from main.c's option
# table; tests/cli/completion.sh checks that they agree), and file names
# for configs, kernels and ramdisks; `xbuild help <TAB>` the commands.  Needs nothing from the
# bash-completion package.  Installed as
# $(PREFIX)/share/bash-completion/completions/xbuild.

_xbuild_commands="run build plan inspect check gc"
_xbuild_opts_all="-h --help -V --version -v --verbose -q --quiet --json --max-decompressed"
_xbuild_opts_cfg="--memory --kernel --ramdisk --cmdline --cache-dir --cache-max"
_xbuild_opts_run="-c --console -p --paused -F --foreground --shutdown-timeout --no-devices"
_xbuild_opts_timed="--timings"
_xbuild_opts_build="--domid --store-evtchn --console-evtchn --store-domid --console-domid --control-fd"
# Options that take an argument; of these, --kernel and --ramdisk take a
# file name.
_xbuild_opts_arg="--memory --shutdown-timeout --max-decompressed --kernel --ramdisk --cmdline --cache-dir --cache-max --domid --store-evtchn --console-evtchn --store-domid --console-domid --control-fd"

# The options of command $1 ("" before a command).
_xbuild_options()
{
	case $1 in
	run) echo "$_xbuild_opts_all $_xbuild_opts_run $_xbuild_opts_cfg $_xbuild_opts_timed" ;;
	build) echo "$_xbuild_opts_all $_xbuild_opts_cfg $_xbuild_opts_build $_xbuild_opts_timed" ;;
	plan) echo "$_xbuild_opts_all $_xbuild_opts_cfg $_xbuild_opts_timed" ;;
	check) echo "$_xbuild_opts_all $_xbuild_opts_cfg --resolved" ;;
	inspect | gc) echo "$_xbuild_opts_all" ;;
	*) echo "-h --help -V --version --json" ;;
	esac
}

# File names (and directories, to walk into) starting with $1.
_xbuild_files()
{
	local IFS=$'\n'

	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$1"))
}

_xbuild_dirs()
{
	local IFS=$'\n'

	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -d -- "$1"))
}

_xbuild()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i n=0

	COMPREPLY=()
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# The command is the first argument (xbuild COMMAND [OPTIONS] ARG).
	if [ "$COMP_CWORD" -eq 1 ] && [ "${cur#-}" = "$cur" ]; then
		COMPREPLY=($(compgen -W "$_xbuild_commands help" -- "$cur"))
		return 0
	fi
	[ "$COMP_CWORD" -gt 1 ] && cmd=${COMP_WORDS[1]}
	# xbuild help COMMAND
	if [ "$cmd" = help ]; then
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$_xbuild_commands" -- "$cur"))
		return 0
	fi
	case " $_xbuild_commands " in
	*" $cmd "*) ;;
	*) [ "$COMP_CWORD" -gt 1 ] && return 0; cmd= ;;
	esac

	# --kernel=FILE: bash splits the word at '=' (COMP_WORDBREAKS), or not.
	case $cur in
	--kernel=* | --ramdisk=*)
		local IFS=$'\n' opt=${cur%%=*}

		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -P "$opt=" -- "${cur#*=}"))
		return 0
		;;
	--cache-dir=*)
		local IFS=$'\n'

		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -P "--cache-dir=" -- "${cur#*=}"))
		return 0
		;;
	esac
	if [ "$cur" = "=" ] || [ "$prev" = "=" ]; then
		local opt=$prev

		[ "$cur" = "=" ] && cur= || opt=${COMP_WORDS[COMP_CWORD - 2]}
		case $opt in
		--kernel | --ramdisk) _xbuild_files "$cur" ;;
		--cache-dir) _xbuild_dirs "$cur" ;;
		esac
		return 0
	fi
	# The argument of the option before.
	case " $_xbuild_opts_arg " in
	*" $prev "*)
		case $prev in
		--kernel | --ramdisk) _xbuild_files "$cur" ;;
		--cache-dir) _xbuild_dirs "$cur" ;;
		esac
		return 0
		;;
	esac
	# Options anywhere (as xl takes them); the one file argument once,
	# then only KEY=VALUE overrides, which are not completed.
	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$(_xbuild_options "$cmd")" -- "$cur"))
		return 0
		;;
	esac
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-* | =) ;;
		*)
			case " $_xbuild_opts_arg = " in
			*" ${COMP_WORDS[i - 1]} "*) ;;
			*) n=$((n + 1)) ;;
			esac
			;;
		esac
	done
	[ "$n" -eq 0 ] || return 0
	# The argument: a config (run, build, plan, check) or a kernel
	# (inspect); gc takes none.
	[ "$cmd" = gc ] || [ -z "$cmd" ] || _xbuild_files "$cur"
}

complete -F _xbuild xbuild
