#!/bin/sh
# xl's command-line habits (xbuild(1)): options before or after the config
# ("--" ends them), `xbuild help [COMMAND]`, "-" for a config on standard
# input, xl-style KEY=VALUE overrides after the config, --kernel & co.
# supplying keys the file lacks, -q, check --resolved, and the xl.cfg keys
# xl reads as xl reads them (firmware = "pvgrub64").
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bzimage gzip
cd "$T" || exit 1
printf 'name = "g"\nmemory = 64\nkernel = "vmlinuz"\nextra = "console=hvc0"\nfrob = 1\n' >"$T/g.cfg"
X=$XBUILD

# Options anywhere after the command word; "--" ends them.
expect 0 "" -- "$X" check g.cfg -q --memory 128
has_line "$T/out" "g.cfg: ok: g, xen-3.0-x86_64 kernel (bzImage, gzip), 128 MiB" || fail "options after the config: $(cat "$T/out")"
expect 1 "xbuild: unexpected argument '--json' (after the config, only KEY=VALUE)" -- "$X" check g.cfg -- --json
expect 1 "xbuild: unexpected argument 'h.cfg' (after the config, only KEY=VALUE)" -- "$X" check g.cfg h.cfg
expect 1 "xbuild: unexpected argument 'memory=5'" -- "$X" inspect vmlinuz memory=5
expect 1 "xbuild: 'check': the command comes first" -- "$X" -v check g.cfg

# help [COMMAND]: the text of --help
"$X" check --help >"$T/h1"
expect 0 "" -- "$X" help check
cmp -s "$T/out" "$T/h1" || fail "help check differs from check --help"
"$X" --help >"$T/h0"
expect 0 "" -- "$X" help
cmp -s "$T/out" "$T/h0" || fail "help differs from --help"
has_line "$T/out" "  help     show this help, or a command's" || fail "--help lacks help"
expect 1 "xbuild: unknown command 'frob'" -- "$X" help frob

# "-": the config from standard input (a pipe), named <stdin>; relative
# paths in it are relative to the current directory, as with xl.
printf 'name = "s"\nkernel = "vmlinuz"\n' | "$X" check - >"$T/out" 2>"$T/err" || fail "check - from a pipe: $(cat "$T/err")"
has_line "$T/out" "<stdin>: ok: s, xen-3.0-x86_64 kernel (bzImage, gzip), 128 MiB" || fail "check -: $(cat "$T/out")"
expect 0 "" -- sh -c "\"$X\" check - <g.cfg"
printf 'name = "s"\nkernel = "sub/vmlinuz"\n' >"$T/rel.cfg"
expect 2 'xbuild: <stdin>:2: kernel = "sub/vmlinuz": @T@/sub/vmlinuz: cannot open: No such file or directory' -- \
	sh -c "\"$X\" check - <rel.cfg"
printf 'name = "s"\nmemory = -1\n' >"$T/py.cfg"
expect 2 "xbuild: <stdin>:2:10: syntax error, unexpected character '-' (xl.cfg is not Python: no variables, expressions, calls or imports)" -- \
	sh -c "\"$X\" check - <py.cfg"
head -c 1048577 /dev/zero | tr '\0' '\n' >"$T/big.cfg"
expect 2 "xbuild: <stdin>: config is more than 1048576 bytes, the limit" -- sh -c "cat big.cfg | \"$X\" check -"
head -c 1048576 /dev/zero | tr '\0' '\n' >"$T/max.cfg"
expect 2 "xbuild: <stdin>: the domain name is required (name = \"...\" or <name>)" -- sh -c "cat max.cfg | \"$X\" check -"

# KEY=VALUE overrides, in xl.cfg syntax, applied after the file and before
# the checks; one that replaces a key deciding what is booted is no error.
expect 0 "" -- "$X" check g.cfg memory=256 'extra="quiet"' 'kernel = "vmlinuz"' 'extra += " loglevel=4"' --resolved
has_line "$T/out" 'memory                   256 MiB                              command line: memory=256' || fail "resolved memory: $(cat "$T/out")"
has_line "$T/out" 'kernel                   "vmlinuz"                            command line: kernel = "vmlinuz"' || fail "resolved kernel"
has_line "$T/out" 'cmdline                  "quiet loglevel=4"                   command line: extra += " loglevel=4" (extra)' || fail "resolved cmdline"
has_line "$T/out" 'name                     "g"                                  g.cfg:1' || fail "resolved name"
has_line "$T/out" 'maxmem                   256 MiB                              default (= memory)' || fail "resolved maxmem"
has_line "$T/out" 'ramdisk                  (none)                               default' || fail "resolved ramdisk"
has_line "$T/out" 'cpuid                    (the default policy)                 default' || fail "resolved cpuid"
has_line "$T/out" 'g.cfg: ok: g, xen-3.0-x86_64 kernel (bzImage, gzip), 256 MiB' || fail "resolved: no ok line"
[ "$(wc -l <"$T/out")" -eq 23 ] || fail "resolved: $(wc -l <"$T/out") lines, want 22 keys and the ok line"
expect 2 "xbuild: command line: memory=0: memory = 0 MiB: out of range (1 MiB to 16 TiB)" -- "$X" check g.cfg memory=0
expect 2 "xbuild: command line: memory=lots: syntax error at column 8, unexpected identifier 'lots', expecting a value (string, number or [list]) (xl.cfg is not Python: no variables, expressions, calls or imports)" -- \
	"$X" check g.cfg memory=lots
expect 2 'xbuild: command line: kernel="nope": @T@/nope: cannot open: No such file or directory' -- "$X" check g.cfg 'kernel="nope"'
expect 2 "xbuild: command line: maxmem=32: maxmem (32 MiB) is less than memory (64 MiB)" -- "$X" check g.cfg maxmem=32
expect 0 "xbuild: warning: command line: vnc=1: key 'vnc' is not acted on by xbuild" -- "$X" check g.cfg vnc=1
# An override applies to a libvirt XML config too, by its xl name.
printf "<domain type='xen'><name>x</name><memory unit='MiB'>256</memory>\n<os><type>linux</type><kernel>vmlinuz</kernel></os></domain>\n" >"$T/g.xml"
expect 0 "" -- "$X" check g.xml memory=64 --resolved
has_line "$T/out" 'memory                   64 MiB                               command line: memory=64' || fail "xml override: $(cat "$T/out")"
has_line "$T/out" 'maxmem                   256 MiB                              g.xml:1' || fail "xml maxmem: $(cat "$T/out")"

# --kernel, --ramdisk, --cmdline supply keys the config lacks.
printf 'name = "nok"\n' >"$T/nok.cfg"
expect 2 'xbuild: @T@/nok.cfg: the kernel is required (kernel = "/path/to/vmlinuz", <os><kernel> or --kernel)' -- "$X" check "$T/nok.cfg"
expect 0 "" -- "$X" check "$T/nok.cfg" --kernel vmlinuz --cmdline console=hvc0 --resolved
has_line "$T/out" 'kernel                   "vmlinuz"                            --kernel' || fail "--kernel: $(cat "$T/out")"
has_line "$T/out" 'cmdline                  "console=hvc0"                       --cmdline' || fail "--cmdline"
expect 2 "xbuild: --kernel: @T@/none: cannot open: No such file or directory" -- "$X" check "$T/nok.cfg" --kernel none

# -q: no warnings on stderr; errors still
expect 0 "xbuild: warning: g.cfg:5: unknown key 'frob' ignored" -- "$X" check g.cfg
expect 0 "" -- "$X" check -q g.cfg
[ -s "$T/err" ] && fail "-q: stderr: $(cat "$T/err")"
expect 2 "xbuild: command line: memory=0: memory = 0 MiB: out of range (1 MiB to 16 TiB)" -- "$X" check -q g.cfg memory=0
expect 0 "" -- "$X" check -q --json g.cfg
grep -q '"frob"' "$T/out" || fail "-q --json: the warning is not in the document"

# firmware = "pvgrub64": PV GRUB from grub-xen-host (or XBUILD_PVGRUB64)
printf 'name = "grub"\nmemory = 64\nfirmware = "pvgrub64"\n' >"$T/fw.cfg"
XBUILD_PVGRUB64=$T/vmlinuz expect 0 "" -- "$X" check fw.cfg --resolved
has_line "$T/out" 'kernel                   "@T@/vmlinuz"@*@fw.cfg:3 (firmware = "pvgrub64")' || fail "firmware: $(cat "$T/out")"
XBUILD_PVGRUB64=$T/no-grub.bin expect 2 "xbuild: fw.cfg:3: firmware = \"pvgrub64\": @T@/no-grub.bin: cannot open: No such file or directory (Debian's grub-xen-host installs it; XBUILD_PVGRUB64 names another file)" -- \
	"$X" check fw.cfg
XBUILD_PVGRUB64=$T/no-grub.bin expect 0 'xbuild: warning: fw.cfg:3: firmware = "pvgrub64" is ignored: the kernel is given by --kernel' -- \
	"$X" check fw.cfg --kernel vmlinuz
finish
