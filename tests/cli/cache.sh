#!/bin/sh
# The decompressed-kernel cache (--cache-dir, xbuild_cache_dir): a miss
# then a hit give the plan of a run without the cache, byte for byte; the
# directory and entries are owner-only; a corrupt, truncated, foreign or
# loosely permitted entry is ignored and replaced; a directory others may
# write to is refused; the size bound evicts the least recently used
# entries; concurrent writers leave one good entry; a read-only directory
# still serves hits.
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bss 16M --bzimage xz
kernel "$T/vmlinux" --linux
printf 'name = "c"\nmemory = 64\nkernel = "%s"\n' "$T/vmlinuz" >"$T/c.cfg"
C=$T/kc
X=$XBUILD

# entries DIR: the number of entries (64 hex digits) in DIR
entries() { ls -A "$1" 2>/dev/null | grep -Ec '^[0-9a-f]{64}$'; }
# only_entry DIR: the one entry's path
only_entry() { ls -d "$1"/* | head -n 1; }
# perm PATH: octal mode
perm() { stat -c %a "$1"; }

expect 0 "" -- "$X" plan "$T/c.cfg"
cp "$T/out" "$T/plan.none"
"$X" plan --json "$T/c.cfg" | sed 's/,"warnings".*//' >"$T/json.none"

# Miss: the entry is stored, the directory made owner-only.
expect 0 "xbuild: cache: miss @T@/kc/@*@ (no entry)" -- "$X" plan -v --cache-dir "$C" "$T/c.cfg"
has_line "$T/err" "xbuild: cache: stored @T@/kc/@*@ (@*@ ELF)" || fail "miss: not stored: $(cat "$T/err")"
cmp -s "$T/out" "$T/plan.none" || fail "miss: the plan differs from one without the cache"
[ "$(entries "$C")" -eq 1 ] || fail "miss: $(entries "$C") entries"
[ "$(perm "$C")" = 700 ] || fail "directory mode $(perm "$C"), not 700"
E=$(only_entry "$C")
[ "$(perm "$E")" = 600 ] || fail "entry mode $(perm "$E"), not 600"
# Hit: the same plan, the same JSON (but for kernel_cache), a cache phase.
expect 0 "xbuild: cache: hit $E (@*@ ELF)" -- "$X" plan -v --timings --cache-dir "$C" "$T/c.cfg"
has_line "$T/err" "xbuild: loaded: bzImage, xz, @*@" || fail "hit: loaded line: $(grep loaded "$T/err")"
has_line "$T/err" "xbuild: timing: cache @*@" || fail "hit: no cache phase in --timings"
grep -q "cache: stored\|timing: unwrap" "$T/err" && fail "hit: decompressed or stored again: $(cat "$T/err")"
cmp -s "$T/out" "$T/plan.none" || fail "hit: the plan differs from one without the cache"
"$X" plan --json --cache-dir "$C" "$T/c.cfg" | sed 's/,"warnings".*//' >"$T/json.hit"
cmp -s "$T/json.hit" "$T/json.none" || fail "hit: the JSON plan differs: $(diff "$T/json.none" "$T/json.hit" | head -c 600)"
# The config key, and the command line winning over it ("" turns it off).
printf 'xbuild_cache_dir = "%s"\n' "$C" >>"$T/c.cfg"
expect 0 "xbuild: cache: hit $E (@*@ ELF)" -- "$X" plan -v "$T/c.cfg"
expect 0 "xbuild: cache: miss @T@/kc2/@*@ (no entry)" -- "$X" plan -v --cache-dir "$T/kc2" "$T/c.cfg"
expect 0 "" -- "$X" plan -v --cache-dir "" "$T/c.cfg"
grep -q "cache:" "$T/err" && fail "--cache-dir '': the cache was used: $(grep cache: "$T/err")"
"$X" check --resolved "$T/c.cfg" >"$T/resolved" 2>&1
grep -Eq "^xbuild_cache_dir +\"$T/kc\" +$T/c.cfg:4\$" "$T/resolved" || fail "check --resolved: $(grep cache_dir "$T/resolved")"
grep -Eq "^xbuild_cache_max +1024 MiB +default\$" "$T/resolved" || fail "check --resolved: $(grep cache_max "$T/resolved")"
"$X" check --resolved "$T/c.cfg" --cache-max 64 --cache-dir "" >"$T/resolved" 2>&1
grep -Eq "^xbuild_cache_dir +\(off\) +--cache-dir\$" "$T/resolved" || fail "check --resolved --cache-dir '': $(grep cache_dir "$T/resolved")"
grep -Eq "^xbuild_cache_max +64 MiB +--cache-max\$" "$T/resolved" || fail "check --resolved --cache-max: $(grep cache_max "$T/resolved")"
# run and build take it from the config too, on the simulated backend.
expect 0 "xbuild: cache: hit $E (@*@ ELF)" -- "$XBUILD_TEST" run -v --backend sim "$T/c.cfg"
expect 0 "xbuild: cache: hit $E (@*@ ELF)" -- "$XBUILD_TEST" build -v --backend sim --domid 3 \
	--store-evtchn 1 --console-evtchn 2 "$T/c.cfg"
# Not on inspect: it shows what the file holds.
expect 1 "xbuild: --cache-dir does not apply here" -- "$X" inspect --cache-dir "$C" "$T/vmlinuz"
# A plain ELF has nothing to cache.
expect 0 "xbuild: cache: not used: the kernel is not compressed" -- "$X" plan -v --cache-dir "$C" --kernel "$T/vmlinux" "$T/c.cfg"
[ "$(entries "$C")" -eq 1 ] || fail "plain ELF: $(entries "$C") entries"
# The cap is part of the key.
expect 0 "xbuild: cache: miss @*@ (no entry)" -- "$X" plan -v --cache-dir "$C" --max-decompressed 512 "$T/c.cfg"
[ "$(entries "$C")" -eq 2 ] || fail "another cap: $(entries "$C") entries, not 2"
rm -f "$(ls -t "$C"/* | head -n 1)"

# A damaged entry is ignored and replaced; then it hits again.
damaged() { # WHY: the miss names WHY, stores, and the next run hits
	expect 0 "xbuild: cache: miss $E ($1: ignored)" -- "$X" plan -v --cache-dir "$C" "$T/c.cfg"
	has_line "$T/err" "xbuild: cache: stored $E (@*@ ELF)" || fail "$1: not replaced"
	cmp -s "$T/out" "$T/plan.none" || fail "$1: the plan differs"
	expect 0 "xbuild: cache: hit $E (@*@ ELF)" -- "$X" plan -v --cache-dir "$C" "$T/c.cfg"
}
size=$(stat -c %s "$E")
# one bit of the content
printf '\001' | dd of="$E" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
damaged "content checksum mismatch"
truncate -s $((size - 1)) "$E"
damaged "@N@ bytes of content, the header says @N@ (truncated or extended)"
truncate -s 100 "$E"
expect 0 "xbuild: cache: miss $E (the entry is 100 bytes, shorter than its header: ignored)" -- "$X" plan -v --cache-dir "$C" "$T/c.cfg"
printf 'XBKCACHF' | dd of="$E" bs=1 conv=notrunc 2>/dev/null
damaged "bad magic (not an xbuild kernel cache entry)"
# Another kernel's entry under this name.
expect 0 "" -- "$X" plan --cache-dir "$T/kc3" --max-decompressed 512 "$T/c.cfg"
cp "$(only_entry "$T/kc3")" "$E"
damaged "key mismatch (an entry of another kernel)"
# An entry others may write to is not trusted, and replaced owner-only.
chmod 666 "$E"
damaged "the entry is not an owner-only regular file"
[ "$(perm "$E")" = 600 ] || fail "replaced entry mode $(perm "$E")"
# A symlink is not followed.
mv "$E" "$T/elsewhere"; ln -s "$T/elsewhere" "$E"
damaged "Too many levels of symbolic links"
[ -L "$E" ] && fail "the symlink was not replaced"

# A directory others may write to, or owned by another user: refused.
chmod 777 "$C"
expect 2 "xbuild: cache @T@/kc: writable by others (mode 0777): refused (whoever writes there chooses the kernels xbuild boots; chmod 0700 it)" -- \
	"$X" plan --cache-dir "$C" "$T/c.cfg"
[ -s "$T/out" ] && fail "refused cache: the plan was printed"
chmod 770 "$C"
expect 2 "xbuild: cache @T@/kc: writable by its group (mode 0770): refused @*@" -- "$X" plan --cache-dir "$C" "$T/c.cfg"
chmod 700 "$C"
if [ "$(id -u)" -eq 0 ]; then
	chown 65534 "$C"
	expect 2 "xbuild: cache @T@/kc: owned by uid 65534, not by xbuild's user (uid 0): refused @*@" -- \
		"$X" plan --cache-dir "$C" "$T/c.cfg"
	chown 0 "$C"
fi
: >"$T/file"
expect 2 "xbuild: cache @T@/file: not a directory" -- "$X" plan --cache-dir "$T/file" "$T/c.cfg"
# A directory that cannot be made: a warning, and the plan all the same.
expect 0 "xbuild: warning: cache @T@/no/such: cannot make the directory: No such file or directory; the kernel is decompressed without the cache" -- \
	"$X" plan --cache-dir "$T/no/such" "$T/c.cfg"
cmp -s "$T/out" "$T/plan.none" || fail "no directory: the plan differs"

# The bound: least recently used entries go; one that cannot fit is not
# stored.  Four kernels of some 1.3 MiB ELF each, a 4 MiB cache.
rm -rf "$C"
for f in gzip zstd lz4 lzo; do
	kernel "$T/k.$f" --linux --text 1300K --bzimage $f
	printf 'name = "c"\nmemory = 64\nkernel = "%s"\n' "$T/k.$f" >"$T/$f.cfg"
done
for f in gzip zstd lz4; do
	expect 0 "" -- "$X" plan --cache-dir "$C" --cache-max 4 "$T/$f.cfg"
done
[ "$(entries "$C")" -eq 3 ] || fail "bound: $(entries "$C") entries, not 3"
# Use order gzip, zstd, lz4; then gzip is used again (a hit renews it).
i=30
for f in gzip zstd lz4; do
	"$X" plan -v --cache-dir "$C" "$T/$f.cfg" 2>&1 >/dev/null | sed -n 's/^xbuild: cache: hit \(.*\) (.*/\1/p' >"$T/e.$f"
	[ -s "$T/e.$f" ] || fail "bound: $f does not hit"
	touch -d "@$(($(date +%s) - i))" "$(cat "$T/e.$f")"
	i=$((i - 10))
done
expect 0 "xbuild: cache: hit $(cat "$T/e.gzip") (@*@ ELF)" -- "$X" plan -v --cache-dir "$C" "$T/gzip.cfg"
expect 0 "xbuild: cache: evicted 1 least recently used entry (@*@)" -- "$X" plan -v --cache-dir "$C" --cache-max 4 "$T/lzo.cfg"
[ "$(entries "$C")" -eq 3 ] || fail "bound: $(entries "$C") entries after eviction, not 3"
[ -e "$(cat "$T/e.zstd")" ] && fail "bound: the least recently used entry (zstd) is still there"
[ -e "$(cat "$T/e.gzip")" ] && [ -e "$(cat "$T/e.lz4")" ] || fail "bound: a recently used entry was evicted"
expect 0 "xbuild: warning: cache @T@/kc: the entry (@*@) is larger than xbuild_cache_max (1.0 MiB): not stored" -- \
	"$X" plan --cache-dir "$T/kc" --cache-max 1 "$T/zstd.cfg"
[ "$(entries "$C")" -eq 3 ] || fail "bound: an entry over the bound changed the cache"
# A writer killed before its rename leaves a temporary file: an hour
# later the next eviction removes it.
: >"$C/.tmp.1.dead"; touch -d '2 hours ago' "$C/.tmp.1.dead"
expect 0 "" -- "$X" plan --cache-dir "$C" --cache-max 4 "$T/zstd.cfg"
[ -e "$C/.tmp.1.dead" ] && fail "a stale temporary file was left"

# Concurrent writers of the same entry: all succeed, one good entry stays.
rm -rf "$C"
pids=""
for i in 1 2 3 4; do
	"$X" plan --cache-dir "$C" "$T/c.cfg" >"$T/par.$i" 2>"$T/parerr.$i" &
	pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "concurrent writer $p failed: $(cat "$T"/parerr.*)"; done
for i in 1 2 3 4; do cmp -s "$T/par.$i" "$T/plan.none" || fail "concurrent writer $i: another plan"; done
[ "$(entries "$C")" -eq 1 ] || fail "concurrent writers: $(entries "$C") entries"
ls -A "$C" | grep -q '^\.tmp' && fail "concurrent writers left $(ls -A "$C")"
expect 0 "xbuild: cache: hit @*@" -- "$X" plan -v --cache-dir "$C" "$T/c.cfg"

# A read-only directory still serves hits; a miss is a warning and the
# plan goes on.  (root writes anywhere: then as uid 65534.)
rm -rf "$C"
as=""
if [ "$(id -u)" -eq 0 ]; then
	as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$T"
	mkdir -m 700 "$C"; chown 65534:65534 "$C"
	chmod 644 "$T/vmlinuz" "$T/k.gzip" "$T/c.cfg" "$T/gzip.cfg"
fi
expect 0 "" -- $as "$X" plan --cache-dir "$C" "$T/c.cfg"
[ "$(entries "$C")" -eq 1 ] || fail "read-only: the entry was not stored first ($(cat "$T/err"))"
chmod 500 "$C"
expect 0 "xbuild: cache: hit @*@" -- $as "$X" plan -v --cache-dir "$C" "$T/c.cfg"
cmp -s "$T/out" "$T/plan.none" || fail "read-only: the plan differs"
expect 0 "xbuild: warning: cache @T@/kc: cannot store the entry: Permission denied; the kernel is decompressed without the cache" -- \
	$as "$X" plan --cache-dir "$C" "$T/gzip.cfg"
[ -s "$T/out" ] || fail "read-only: no plan"
[ "$(entries "$C")" -eq 1 ] || fail "read-only: $(entries "$C") entries"
$as "$X" plan --json --cache-dir "$C" "$T/gzip.cfg" 2>/dev/null |
	grep -q '"kernel_cache":{"hit":false,"stored":false,"entry":"[^"]*","note":"cache [^"]*: cannot store the entry: Permission denied' ||
	fail "read-only: JSON kernel_cache"
chmod 700 "$C"
finish
