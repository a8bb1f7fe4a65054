# shellcheck shell=sh
# e2e cases, sourced by the dom0 /init (busybox sh).  Each case prints
#   E2E <case> PASS|FAIL <detail>
# and run_cases ends with "N passed, N failed".  /etc/e2e/env sets
#   E2E_LAUNCHER  xbuild (xbuild run) or xl (xl create): who creates guests
#   E2E_CASES     which cases, in order (xbc-classic xbc-modern linux compare)
# Configs and guests are made on the host by tests/e2e/run.sh.
CFG=/etc/e2e
CONSLOG=/var/log/xen/console
passed=0
failed=0

uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }
cfg_name() { sed -n 's/^name *= *"\(.*\)".*/\1/p' "$1"; }

result() { # case PASS|FAIL detail...
	c=$1
	r=$2
	shift 2
	echo "E2E $c $r $*"
	if [ "$r" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# Indented excerpt of a file for a failing case's diagnosis.
show() { # file [lines]
	[ -s "$1" ] && tail -n "${2:-20}" "$1" | sed 's/^/  | /'
	return 0
}

# launch LAUNCHER CFG [options]: create the guest (options: -p); sets DOMID.
# The launcher's output is kept in /tmp/launch.log.
launch() {
	l=$1
	cfg=$2
	shift 2
	DOMID=""
	case $l in
	xl)
		# Created paused, so the domid can be read before a fast guest is
		# gone; unpaused at once unless -p was asked for.
		xl create -p "$cfg" >/tmp/launch.log 2>&1 || return 1
		DOMID=$(xl domid "$(cfg_name "$cfg")" 2>>/tmp/launch.log)
		[ "${1:-}" = -p ] || xl unpause "$DOMID" >>/tmp/launch.log 2>&1 || return 1
		;;
	xbuild)
		# The trace (stderr) records which extent sizes Xen granted.
		DOMID=$(XBUILD_HV_TRACE=1 xbuild run "$@" "$cfg" 2>/tmp/launch.log) || return 1
		;;
	xbuild-chunk3)
		# Every guest range mapped 3 pages at a time (test build).
		DOMID=$(XBUILD_HV_MAP_CHUNK=3 XBUILD_HV_TRACE=1 xbuild-test run "$@" "$cfg" \
			2>/tmp/launch.log) || return 1
		;;
	*)
		echo "unknown launcher '$l'" >/tmp/launch.log
		return 1
		;;
	esac
	case $DOMID in '' | *[!0-9]*) echo "no domid: '$DOMID'" >>/tmp/launch.log; return 1 ;; esac
}

# State flags of a domain from `xl list` (r b p s c d), empty once it is gone.
dom_state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

# wait_marker NAME LOG MARKER TIMEOUT: 0 marker seen, 1 guest ended without
# it, 2 timeout.
wait_marker() {
	wt0=$(uptime_s)
	while :; do
		grep -aq "$3" "$2" 2>/dev/null && return 0
		st=$(dom_state "$1")
		case $st in
		'' | *s* | *c*)
			sleep 1 # let xenconsoled write the last bytes
			grep -aq "$3" "$2" 2>/dev/null && return 0
			return 1
			;;
		esac
		[ "$(awk -v a="$wt0" -v b="$(uptime_s)" -v t="$4" 'BEGIN { print (b - a > t) }')" = 1 ] && return 2
		sleep 0.2
	done
}

# Wait (10 s at most) until the guest has shut down, then destroy what is
# left: with `xbuild run` nobody else does (xl create's daemon does).
finish() { # NAME
	i=0
	while [ $i -lt 50 ]; do
		case $(dom_state "$1") in '' | *s* | *c*) break ;; esac
		sleep 0.2
		i=$((i + 1))
	done
	xl destroy "$1" >/dev/null 2>&1
	return 0
}

guest_dmesg() { # DOMID: the guest's HYPERVISOR_console_io lines from Xen's ring
	xl dmesg 2>/dev/null | grep -a "(d$1)" | tail -n 15 | sed 's/^/  | /'
}

# A checking guest (tests/guest): "XBCHECK RESULT PASS n/n" on its console.
case_xbc() { # case [launcher label]: config $CFG/case.cfg, domain e2e-case
	c=$1
	name=e2e-$c
	log=$CONSLOG/guest-$name.log
	rm -f "$log"
	t0=$(uptime_s)
	if ! launch "${2:-$E2E_LAUNCHER}" "$CFG/$c.cfg"; then
		c=${3:-$c}
		result "$c" FAIL "$E2E_LAUNCHER failed"
		show /tmp/launch.log 25
		return
	fi
	tc=$(since "$t0")
	c=${3:-$c}
	wait_marker "$name" "$log" "XBCHECK RESULT" 60
	w=$?
	finish "$name"
	res=$(grep -a "XBCHECK RESULT" "$log" 2>/dev/null | tail -n 1 | tr -d '\r')
	case $res in
	*"XBCHECK RESULT PASS"*)
		result "$c" PASS "${res#*RESULT PASS } checks, create ${tc}s, total $(since "$t0")s"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show "$log" 40
		;;
	*)
		[ $w = 2 ] && res="timeout, $res"
		[ -z "$res" ] && res="no result line on the console"
		result "$c" FAIL "$res"
		grep -a "FAIL\|FAULT" "$log" 2>/dev/null | sed 's/^/  | /'
		[ -s "$log" ] || guest_dmesg "$DOMID"
		;;
	esac
}

# The checking guest told to expect wrong values and to fault: it must report
# exactly that, and the domain must end (crash) by itself.
case_selftest() {
	c=xbc-selftest
	name=e2e-$c
	log=$CONSLOG/guest-$name.log
	if ! launch "$E2E_LAUNCHER" "$CFG/$c.cfg"; then
		result "$c" FAIL "$E2E_LAUNCHER failed"
		show /tmp/launch.log 25
		return
	fi
	wait_marker "$name" "$log" "XBCHECK RESULT" 60
	finish "$name"
	miss=""
	for want in "CHECK nr_pages FAIL nr_pages 8192, want 8193" "CHECK module FAIL" \
		"XBCHECK FAULT vector 14" "XBCHECK RESULT FAIL 3/20 (fault)"; do
		grep -aqF "$want" "$log" 2>/dev/null || miss="$miss '$want'"
	done
	if [ -z "$miss" ]; then
		result "$c" PASS "wrong nr_pages, module and a page fault reported as such"
	else
		result "$c" FAIL "missing:$miss"
		show "$log" 30
	fi
}

# boot_linux CASE CFG TIMEOUT: the launcher creates the guest of CFG, whose
# console ($log, of $name) must show XBUILD-LINUX-GUEST-OK within TIMEOUT
# seconds; sets DOMID, tc (create), tb (marker) and w (wait_marker's
# result).  A failed launch is the case's FAIL ($retry says what came
# before) and returns 1.
boot_linux() {
	rm -f "$log"
	t0=$(uptime_s)
	if ! launch "$E2E_LAUNCHER" "$2"; then
		result "$1" FAIL "$E2E_LAUNCHER failed$retry"
		show /tmp/launch.log 25
		return 1
	fi
	tc=$(since "$t0")
	wait_marker "$name" "$log" "XBUILD-LINUX-GUEST-OK" "$3"
	w=$?
	tb=$(since "$t0")
}

# Debian's vmlinuz with a busybox initrd that prints a marker on hvc0.
case_linux() { # [case config]
	c=${1:-linux}
	cfg=$CFG/${2:-linux}.cfg
	name=$(cfg_name "$cfg")
	log=$CONSLOG/guest-$name.log
	retry=""
	boot_linux "$c" "$cfg" 150 || return
	finish "$name"
	how=""
	# linux-zstd: the one-shot decoder wrote into the guest's frames,
	# mapped where the builder asked (the file-ordered view).
	if [ "$c" = linux-zstd ] && [ $w = 0 ]; then
		if grep -q "at the builder's address" /tmp/launch.log; then
			how=", decoded straight into guest memory"
		else
			w=3
		fi
	fi
	# linux-vmlinux: copied run by run into the guest's frames, its
	# pages of zeros left out: Debian's vmlinux is about half zeros
	# (.bss, .brk and .init.scratch are in the file), so well under
	# three quarters of its pages may have been mapped.
	if [ "$c" = linux-vmlinux ]; then
		fp=$(($(wc -c </guests/vmlinux) / 4096))
		mp=$(sed -n "s/.*map(dom [0-9]*, \([0-9]*\) frames.*at the builder's address.*/\1/p" /tmp/launch.log |
			awk '{ s += $1 } END { print s + 0 }')
		if [ $w = 0 ]; then
			how=", $mp of its $fp file pages mapped"
			[ "$mp" -gt 0 ] && [ $((mp * 4)) -lt $((fp * 3)) ] || w=4
		fi
	fi
	if [ $w = 0 ]; then
		pop=$(sed -n 's/.*populate(dom [0-9]*, [0-9]* pages): //p' /tmp/launch.log | head -n 1)
		result "$c" PASS "create ${tc}s (memory=128${pop:+, populated $pop}$how), marker after ${tb}s"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show "$log" 40
	elif [ $w = 3 ]; then
		result "$c" FAIL "booted, but not through the file-ordered view (no mapping at the builder's address in the trace)"
	elif [ $w = 4 ]; then
		result "$c" FAIL "booted, but $mp of the kernel's $fp file pages were mapped (want fewer than three quarters: its pages of zeros left out)"
	else
		result "$c" FAIL "$([ $w = 2 ] && echo timeout || echo "guest ended") without the marker after ${tb}s"
		show "$log" 25
		[ -s "$log" ] || guest_dmesg "$DOMID"
	fi
}

# Debian's vmlinuz with a multi-member initrd (gzip, plain cpio, bzip2, xz,
# lzma, lzo, legacy lz4, zstd; /init in the last member): the guest must
# print the marker of every member, and `xbuild plan` must name every format.
case_linux_multi() {
	c=linux-multi
	name=e2e-linux-multi
	log=$CONSLOG/guest-$name.log
	want=gzip+cpio+bzip2+xz+lzma+lzo+lz4+zstd
	fmt=$(xbuild plan --json "$CFG/linux-multi.cfg" 2>/tmp/plan.err |
		sed -n 's/.*"initrd_format":"\([^"]*\)".*/\1/p')
	t0=$(uptime_s)
	if ! launch "$E2E_LAUNCHER" "$CFG/linux-multi.cfg"; then
		result "$c" FAIL "$E2E_LAUNCHER failed"
		show /tmp/launch.log 25
		return
	fi
	tc=$(since "$t0")
	wait_marker "$name" "$log" "XBUILD-MULTI-DONE" 150
	w=$?
	tb=$(since "$t0")
	finish "$name"
	seen=""
	miss=""
	for n in 1 2 3 4 5 6 7 8; do
		m=$(grep -ao "XBUILD-MEMBER-$n-[a-z0-9]*" "$log" 2>/dev/null | head -n 1)
		case $m in
		'' | *-MISSING) miss="$miss $n" ;;
		*) seen="$seen ${m#XBUILD-MEMBER-}" ;;
		esac
	done
	why=""
	[ $w = 0 ] || why="$([ $w = 2 ] && echo timeout || echo "guest ended") without XBUILD-MULTI-DONE"
	[ -z "$miss" ] || why="${why:+$why; }members missing:$miss"
	[ "$fmt" = "$want" ] || why="${why:+$why; }plan says initrd_format '$fmt', want '$want'"
	if [ -z "$why" ]; then
		result "$c" PASS "8 members ($fmt), markers$seen, create ${tc}s, done after ${tb}s"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show "$log" 40
	else
		result "$c" FAIL "$why"
		show /tmp/plan.err 5
		show "$log" 25
		[ -s "$log" ] || guest_dmesg "$DOMID"
	fi
}

# cmp_launch CASE CFG SIDE: side a of a comparison created paused by xl,
# side b by the launcher compared (CFG-SIDE.cfg, domain e2e-CFG-SIDE); sets
# DOMID and t_SIDE (seconds).  A failure is the case's FAIL, destroys side
# a, and returns 1.
cmp_launch() {
	l=xl
	[ "$3" = b ] && l=$E2E_COMPARE_B
	t0=$(uptime_s)
	if ! launch "$l" "$CFG/$2-$3.cfg" -p; then
		result "$1" FAIL "$l -p failed"
		show /tmp/launch.log 25
		xl destroy "e2e-$2-a" >/dev/null 2>&1
		return 1
	fi
	eval "t_$3=$(since "$t0")"
}

# The same Debian guest created paused by xl and by the launcher: start_info,
# vCPU 0 registers and the page-table layout (in pfns) must agree, except
# machine frame numbers, event channels and mod_len (the reference rounds it).
case_compare() {
	c=compare
	for side in a b; do
		cmp_launch "$c" cmp $side || return
		sidump "$DOMID" >/tmp/cmp-$side.raw 2>&1 || echo "sidump failed: $?" >>/tmp/cmp-$side.raw
		grep -Ev '^(shared_info|store_mfn|store_evtchn|console_mfn|console_evtchn|mod_len|cr3)=' \
			/tmp/cmp-$side.raw >/tmp/cmp-$side.txt
	done
	xl destroy e2e-cmp-a >/dev/null 2>&1
	xl destroy e2e-cmp-b >/dev/null 2>&1
	# shellcheck disable=SC2154 # t_a, t_b set by eval
	if ! grep -q '^magic=' /tmp/cmp-a.txt || ! grep -q '^magic=' /tmp/cmp-b.txt; then
		result "$c" FAIL "sidump could not read start_info"
		show /tmp/cmp-a.raw 5
		show /tmp/cmp-b.raw 5
	elif diff /tmp/cmp-a.txt /tmp/cmp-b.txt >/tmp/cmp.diff; then
		result "$c" PASS "xl vs $E2E_COMPARE_B: $(wc -l </tmp/cmp-a.txt) fields equal (create -p: xl ${t_a}s, $E2E_COMPARE_B ${t_b}s)"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show /tmp/cmp-b.raw 100
	else
		result "$c" FAIL "xl vs $E2E_COMPARE_B differ"
		show /tmp/cmp.diff 30
	fi
}

# crash_sign DOMID LOG: the line that shows the guest crashed by itself (a
# triple fault in Xen's log, a panic on its console), if it did.  Under
# load, PVH guests built by xl and by xbuild crash alike in this Xen under
# QEMU, and decoders in dom0 (xl's and xbuild's) see corrupt data
# (pvh-stress, tests/e2e/README.md); the PVH boot cases then boot once
# more and say so in their result line.
crash_sign() {
	{
		xl dmesg 2>/dev/null | grep -a "d$1v[0-9]* Triple fault"
		grep -a "Kernel panic" "$2" 2>/dev/null
	} | head -n 1 | tr -d '\r'
}

# Debian's vmlinuz as a PVH guest (PHYS32_ENTRY), busybox initrd: the guest
# reports from inside its vCPU count, memory size and command line, and the
# case checks them against the config.
case_pvh() { # case config vcpus memory-MiB
	c=$1
	name=$(cfg_name "$CFG/$2.cfg")
	log=$CONSLOG/guest-$name.log
	retry=""
	for attempt in 1 2; do
		boot_linux "$c" "$CFG/$2.cfg" 200 || return
		crash=""
		[ $w = 0 ] || crash=$(crash_sign "$DOMID" "$log")
		finish "$name"
		[ -n "$crash" ] && [ $attempt = 1 ] || break
		retry="; booted twice: the first guest (domain $DOMID) crashed: $crash"
		echo "  | $c: domain $DOMID crashed ($crash); booting once more"
	done
	hello=$(grep -a "^Hello from" "$log" 2>/dev/null | tail -n 1 | tr -d '\r')
	cl=$(grep -a "^guest cmdline:" "$log" 2>/dev/null | tail -n 1 | tr -d '\r')
	n=$(echo "$hello" | sed -n 's/.*, \([0-9]*\) vCPU,.*/\1/p')
	kb=$(echo "$hello" | sed -n 's/.*MemTotal \([0-9]*\) kB.*/\1/p')
	why=""
	[ $w = 0 ] || why="$([ $w = 2 ] && echo timeout || echo "guest ended") without the marker after ${tb}s"
	[ "$n" = "$3" ] || why="${why:+$why; }guest reports '${n:-nothing}' vCPUs, want $3"
	# MemTotal: what the kernel keeps for itself is missing, never more.
	if [ -z "$kb" ] || [ "$kb" -gt $(($4 * 1024)) ] || [ "$kb" -lt $(($4 * 1024 * 8 / 10)) ]; then
		why="${why:+$why; }guest reports MemTotal '${kb:-nothing}' kB for $4 MiB"
	fi
	case $cl in *"xbuild.case=$name"*) ;; *) why="${why:+$why; }command line '$cl'" ;; esac
	if [ -z "$why" ]; then
		result "$c" PASS "$n vCPU, MemTotal $kb kB, cmdline ok, create ${tc}s, marker after ${tb}s$retry"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show "$log" 40
	else
		result "$c" FAIL "$why$retry"
		show "$log" 25
		xl dmesg 2>/dev/null | grep -a "(d$DOMID)\|d$DOMID" | tail -n 15 | sed 's/^/  | /'
	fi
}

# xenstore-ls -fp of a domain with its domid and uuid replaced by N and U.
xs_dump() { # domid
	u=$(xenstore-read "/local/domain/$1/vm" 2>/dev/null)
	u=${u#/vm/}
	{
		xenstore-ls -fp "/local/domain/$1"
		[ -n "$u" ] && xenstore-ls -fp "/vm/$u"
	} 2>&1 | sed -e "s|/local/domain/$1/|/local/domain/N/|" -e "s|/local/domain/$1 |/local/domain/N |" \
		-e "s|$u|U|g" -e "s/\([(,]\)[nrwb]$1\b/\1xN/g"
}

# The same PVH guest created paused by xl and by the launcher: vCPU 0's
# registers, HVM params, hvm_start_info and its memory map, grant entries,
# CPUID and the xenstore keys must agree, except event channels, start_time
# and the module's size (the reference rounds it up to pages).
case_pvh_compare() {
	c=pvh-compare
	for side in a b; do
		cmp_launch "$c" pvh-cmp $side || return
		{
			pvhdump "$DOMID" 2>&1 || echo "pvhdump failed: $?"
			xs_dump "$DOMID" | sort
		} | sed "s/e2e-pvh-cmp-$side/e2e-pvh-cmp-X/g" >/tmp/pcmp-$side.raw
		# What must differ: event channels, the module's size (xl rounds
		# it up to pages), the domid, start time and console pty; xl's
		# console/backend key (xbuild writes no console device) and
		# xbuild's emptied mark directory; the ACPI tables are each
		# builder's own, so their memory map entries, the RSDP's place and
		# the pages they take (pages_without_acpi is compared instead).
		grep -Ev '^(param.store_evtchn|param.console_evtchn|mod0.size|tot_pages|memmap_acpi|si.memmap_entries|si.rsdp_paddr)=|/(start_time|port|domid|tty|backend) =|^/local/domain/N/xbuild = ' \
			/tmp/pcmp-$side.raw >/tmp/pcmp-$side.txt
	done
	xl destroy e2e-pvh-cmp-a >/dev/null 2>&1
	xl destroy e2e-pvh-cmp-b >/dev/null 2>&1
	[ "${E2E_VERBOSE:-0}" = 1 ] && show /tmp/pcmp-b.raw 400
	# shellcheck disable=SC2154 # t_a, t_b set by eval
	if ! grep -q '^si.magic=0x336ec578' /tmp/pcmp-a.txt || ! grep -q '^si.magic=' /tmp/pcmp-b.txt; then
		result "$c" FAIL "pvhdump could not read hvm_start_info"
		show /tmp/pcmp-a.raw 10
		show /tmp/pcmp-b.raw 10
	elif diff /tmp/pcmp-a.txt /tmp/pcmp-b.txt >/tmp/pcmp.diff; then
		result "$c" PASS "xl vs $E2E_COMPARE_B: $(wc -l </tmp/pcmp-a.txt) fields equal (create -p: xl ${t_a}s, $E2E_COMPARE_B ${t_b}s)"
	else
		result "$c" FAIL "xl vs $E2E_COMPARE_B differ (create -p: xl ${t_a}s, $E2E_COMPARE_B ${t_b}s)"
		show /tmp/pcmp.diff 200
	fi
}

# xl's tools on a PVH guest that `xbuild run` started: xl list shows it,
# xl console (no tty) attached while Linux boots (it reaches its initrd
# after several seconds) carries the guest's marker, xl destroy removes it.
pvh_xl_tools_try() { # sets why, crash, wt0
	why="" crash=""
	if ! launch xbuild "$CFG/pvh-xl.cfg"; then
		why="xbuild run failed"
		show /tmp/launch.log 25
		return
	fi
	wt0=$(uptime_s)
	xl console "$name" </dev/null >"$out" 2>&1 &
	cpid=$!
	xl list "$name" >/tmp/xl-list.out 2>&1 || why="$why; xl list $name failed"
	awk -v n="$name" -v d="$DOMID" 'NR == 2 && $1 == n && $2 == d { ok = 1 } END { exit !ok }' \
		/tmp/xl-list.out || why="$why; xl list $name does not show it as domain $DOMID"
	while ! grep -aq "XBUILD-LINUX-GUEST-OK" "$out"; do
		[ "$(awk -v t="$(since "$wt0")" 'BEGIN { print (t > 200) }')" = 1 ] && break
		case $(dom_state "$name") in '' | *c*) sleep 2 && break ;; esac
		sleep 0.5
	done
	if ! grep -aq "XBUILD-LINUX-GUEST-OK" "$out"; then
		why="$why; no marker in xl console's output (domain state '$(dom_state "$name")')"
		crash=$(crash_sign "$DOMID" "$out")
	fi
	xl destroy "$name" >/tmp/xl-destroy.out 2>&1
	drc=$?
	[ $drc = 0 ] || why="$why; xl destroy exit $drc: $(tr '\n' ' ' </tmp/xl-destroy.out)"
	xl list "$name" >/dev/null 2>&1 && why="$why; xl list $name still shows it after destroy"
	i=0
	while [ $i -lt 25 ] && kill -0 "$cpid" 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
	kill "$cpid" 2>/dev/null
}

case_pvh_xl_tools() {
	c=pvh-xl-tools
	name=e2e-pvh-xl
	out=/tmp/pvh-console.out
	retry=""
	pvh_xl_tools_try
	if [ -n "$crash" ]; then
		retry="; booted twice: the first guest (domain $DOMID) crashed: $crash"
		echo "  | $c: domain $DOMID crashed ($crash); booting once more"
		pvh_xl_tools_try
	fi
	if [ -z "$why" ]; then
		result "$c" PASS "xl list, xl console (marker after $(since "$wt0")s), xl destroy ok$retry"
	else
		result "$c" FAIL "${why#; }$retry"
		show "$out" 15
		xl dmesg 2>/dev/null | grep -a "d$DOMID" | grep -v "save:\|restore:" | tail -n 8 | sed 's/^/  | /'
		xl destroy "$name" >/dev/null 2>&1
	fi
}

# The PVH guest created paused and then unpaused by `xl unpause`, by xl
# (xl create -p) and by xbuild (xbuild run -p), alternating, PVH_UNPAUSE_N
# times each (default 3): every boot must reach the marker.  The counts of
# both builders are reported, so a failure that xl's guests share (TCG)
# shows as such.
case_pvh_unpause() {
	c=pvh-unpause
	nmax=${PVH_UNPAUSE_N:-3}
	ok_xl=0 ok_xb=0 bad=""
	k=1
	while [ $k -le "$nmax" ]; do
		for l in xl xbuild; do
			cfg=$CFG/pvh-cmp-a.cfg
			[ $l = xbuild ] && cfg=$CFG/pvh-cmp-b.cfg
			name=$(cfg_name "$cfg")
			log=$CONSLOG/guest-$name.log
			rm -f "$log"
			if ! launch $l "$cfg" -p; then
				bad="$bad; $l run $k: create failed"
				continue
			fi
			xl unpause "$DOMID" >/dev/null 2>&1 || bad="$bad; $l run $k: unpause failed"
			wait_marker "$name" "$log" "XBUILD-LINUX-GUEST-OK" 200
			w=$?
			if [ $w = 0 ]; then
				[ $l = xl ] && ok_xl=$((ok_xl + 1)) || ok_xb=$((ok_xb + 1))
			else
				tf=$(xl dmesg 2>/dev/null | grep -a "d$DOMID" | grep -ai "triple fault\|crash" | tail -n 1)
				bad="$bad; $l run $k: no marker (state '$(dom_state "$name")') ${tf}"
				echo "  | $l run $k, domain $DOMID: no marker; Xen's log and the console:"
				xl dmesg 2>/dev/null | tail -n 60 | sed 's/^/  | /'
				show "$log" 10
			fi
			finish "$name"
		done
		k=$((k + 1))
	done
	if [ $ok_xb = "$nmax" ] && [ $ok_xl = "$nmax" ]; then
		result "$c" PASS "create -p + xl unpause: xbuild $ok_xb/$nmax booted, xl $ok_xl/$nmax"
	else
		result "$c" FAIL "create -p + xl unpause: xbuild $ok_xb/$nmax booted, xl $ok_xl/$nmax${bad}"
	fi
}

# PVH boots in bulk, to tell a builder's rare failure from the emulator's:
# PVH_STRESS_ROUNDS rounds (default 2), each creating PVH_STRESS_PAR guests
# (default 3, at most 3) with xl and then with xbuild, all running at once.
# Every guest must reach its marker; a guest that does not gets Xen's log
# (a triple fault prints the vCPU's registers) and its console shown.
case_pvh_stress() {
	c=pvh-stress
	rounds=${PVH_STRESS_ROUNDS:-2}
	par=${PVH_STRESS_PAR:-3}
	ok_xl=0 ok_xb=0 n_xl=0 n_xb=0 bad=""
	k=1
	while [ $k -le "$rounds" ]; do
		for l in xl xbuild; do
			names=""
			j=1
			while [ $j -le "$par" ]; do
				cfg=$CFG/pvh-s$j.cfg
				name=$(cfg_name "$cfg")
				rm -f "$CONSLOG/guest-$name.log"
				if launch $l "$cfg"; then
					names="$names $name:$DOMID"
				else
					bad="$bad; $l round $k guest $j: create failed"
					show /tmp/launch.log 5
				fi
				j=$((j + 1))
			done
			for nd in $names; do
				name=${nd%:*}
				dom=${nd#*:}
				[ $l = xl ] && n_xl=$((n_xl + 1)) || n_xb=$((n_xb + 1))
				if wait_marker "$name" "$CONSLOG/guest-$name.log" "XBUILD-LINUX-GUEST-OK" 300; then
					[ $l = xl ] && ok_xl=$((ok_xl + 1)) || ok_xb=$((ok_xb + 1))
				else
					tf=$(xl dmesg 2>/dev/null | grep -a "d${dom}v" | grep -ai "triple fault\|crash" | tail -n 1)
					bad="$bad; $l round $k $name (d$dom): no marker ${tf}"
					echo "  | $l round $k, $name, domain $dom: no marker; Xen's log and the console:"
					xl dmesg 2>/dev/null | tail -n 80 | sed 's/^/  | /'
					show "$CONSLOG/guest-$name.log" 10
				fi
			done
			for nd in $names; do finish "${nd%:*}"; done
		done
		k=$((k + 1))
	done
	if [ $ok_xb = $n_xb ] && [ $ok_xl = $n_xl ] && [ -z "$bad" ]; then
		result "$c" PASS "$par at once, $rounds rounds: xbuild $ok_xb/$n_xb booted, xl $ok_xl/$n_xl"
	else
		result "$c" FAIL "$par at once, $rounds rounds: xbuild $ok_xb/$n_xb booted, xl $ok_xl/$n_xl${bad}"
	fi
}

# Xen booted with hap=0 (make e2e E2E_CASES=pvh-nohap E2E_XEN_ARGS=hap=0):
# Debian's Xen has no shadow paging either, so a PVH guest cannot be made.
# xbuild must say so before it creates anything (exit 3), as xl refuses.
case_pvh_nohap() {
	c=pvh-nohap
	caps=$(xl info 2>/dev/null | sed -n 's/^virt_caps *: *//p')
	case " $caps " in
	*" hap "*)
		result "$c" FAIL "Xen offers HAP ($caps): run this case with E2E_XEN_ARGS=hap=0"
		return
		;;
	esac
	before=$(other_doms)
	out=$(xbuild run "$CFG/pvh.cfg" 2>&1)
	rc=$?
	after=$(other_doms)
	xlout=$(xl create -p "$CFG/pvh-cmp-a.cfg" 2>&1 | grep -a "error" | head -n 1)
	if [ $rc = 3 ] && echo "$out" | grep -q "neither HAP nor shadow paging" && [ "$before" = "$after" ]; then
		result "$c" PASS "virt_caps '$caps': exit 3: $out; xl: $xlout"
	else
		result "$c" FAIL "virt_caps '$caps': exit $rc: $out; domains before '$before' after '$after'"
	fi
	xl destroy e2e-pvh-cmp-a >/dev/null 2>&1
}

# A kernel without PHYS32_ENTRY as type = "pvh": refused before anything is
# created (exit 2, the message says so), no domain left.
case_pvh_nophys32() {
	c=pvh-nophys32
	before=$(other_doms)
	out=$(xbuild run "$CFG/pvh-nophys32.cfg" 2>&1)
	rc=$?
	after=$(other_doms)
	if [ $rc = 2 ] && echo "$out" | grep -q "no PVH entry" && [ "$before" = "$after" ]; then
		result "$c" PASS "exit 2: $out"
	else
		result "$c" FAIL "exit $rc: $out; domains before '$before' after '$after'"
	fi
}

# The test binary's hook (xbuild-test, built with XB_TEST) corrupts one
# page-table entry before pinning: Xen must refuse the pin, xbuild must say
# so (exit 3) and leave no domain behind.
case_bad_pte() {
	c="bad-pte"
	out=$(xbuild-test run --test-bad-pte "$CFG/xbc-classic.cfg" 2>&1)
	brc=$?
	left=$(xl list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" { print $1 }' | tr '\n' ' ')
	if [ $brc = 3 ] && [ -z "$left" ]; then
		result "$c" PASS "exit 3, no domain left: $(echo "$out" | tail -n 1)"
	else
		result "$c" FAIL "exit $brc (want 3), left over: '${left}'"
		echo "$out" | sed 's/^/  | /'
		xl destroy e2e-xbc-classic >/dev/null 2>&1
	fi
}

# Domains other than Domain-0 in `xl list`, as "name(domid) ...".
other_doms() { xl list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" { print $1 "(" $2 ")" }' | tr '\n' ' '; }

# `xbuild build` driven by minits (tests/e2e/minits.c), a minimal toolstack:
# it creates the domain, allocates the event channels, runs xbuild build
# --control-fd 3 --json, writes xenstore, introduces and unpauses.  The
# checking guest must pass, the --json MFNs must equal the result: line's (and
# xenstore's ring-refs); then a build by the test binary (xbuild-test) with
# --test-bad-pte must give an error: line, exit 3, and minits must destroy
# the domain.
case_build() {
	c=build
	name=e2e-build
	log=$CONSLOG/guest-$name.log
	t0=$(uptime_s)
	DOMID=$(minits -o /tmp/build.json "$CFG/build.cfg" 2>/tmp/minits.log)
	mrc=$?
	tc=$(since "$t0")
	if [ $mrc != 0 ]; then
		result "$c" FAIL "minits exit $mrc"
		show /tmp/minits.log 25
		show /tmp/build.json 5
		return
	fi
	why=""
	res=$(sed -n 's/^minits: control: result:\([0-9]*\) \([0-9]*\) .*/\1 \2/p' /tmp/minits.log)
	js=$(sed -n 's/.*"store_mfn": *\([0-9]*\).*/\1/p' /tmp/build.json)
	jc=$(sed -n 's/.*"console_mfn": *\([0-9]*\).*/\1/p' /tmp/build.json)
	xs=$(xenstore-read "/local/domain/$DOMID/store/ring-ref" 2>&1)
	xc=$(xenstore-read "/local/domain/$DOMID/console/ring-ref" 2>&1)
	[ -n "$res" ] || why="$why; no result: line"
	[ "$res" = "$js $jc" ] || why="$why; --json store/console mfn '$js $jc' != result: '$res'"
	[ "$res" = "$xs $xc" ] || why="$why; xenstore ring-refs '$xs $xc' != result: '$res'"
	wait_marker "$name" "$log" "XBCHECK RESULT" 60
	w=$?
	finish "$name"
	gres=$(grep -a "XBCHECK RESULT" "$log" 2>/dev/null | tail -n 1 | tr -d '\r')
	case $gres in
	*"XBCHECK RESULT PASS"*) ;;
	'') why="$why; $([ $w = 2 ] && echo "timeout, ")no XBCHECK RESULT on the console" ;;
	*) why="$why; $gres" ;;
	esac
	if [ -n "$why" ]; then
		result "$c" FAIL "${why#; }"
		show /tmp/minits.log 12
		show /tmp/build.json 5
		grep -a "FAIL\|FAULT" "$log" 2>/dev/null | sed 's/^/  | /'
		[ -s "$log" ] || guest_dmesg "$DOMID"
		return
	fi
	detail="guest ${gres#*RESULT }, json = result: = xenstore ($res), minits ${tc}s"

	# The failing build: error: line, exit 3, domain destroyed by minits.
	bad=$(XBUILD=xbuild-test minits -n e2e-build-bad -o /tmp/build-bad.json "$CFG/build.cfg" --test-bad-pte 2>/tmp/minits-bad.log)
	brc=$?
	bdom=$(sed -n 's/^minits: created domain \([0-9]*\) .*/\1/p' /tmp/minits-bad.log)
	left=$(other_doms)
	grep -q '^minits: control: error:' /tmp/minits-bad.log || why="$why; no error: line"
	grep -q '^minits: destroyed domain ' /tmp/minits-bad.log || why="$why; minits did not destroy the domain"
	grep -q '"error"' /tmp/build-bad.json || why="$why; no error object in --json output"
	[ $brc = 3 ] || why="$why; exit $brc (want 3)"
	[ -n "$bdom" ] && xl list "$bdom" >/dev/null 2>&1 && why="$why; domain $bdom still exists"
	[ -z "$left" ] || why="$why; left over: $left"
	[ -z "$bad" ] || why="$why; printed a domid '$bad'"
	if [ -z "$why" ]; then
		result "$c" PASS "$detail; --test-bad-pte: exit 3, $(grep -m 1 '^minits: control: error:' /tmp/minits-bad.log | cut -c 18-), dom $bdom destroyed"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show /tmp/minits.log 20
	else
		result "$c" FAIL "--test-bad-pte: ${why#; }"
		show /tmp/minits-bad.log 12
		show /tmp/build-bad.json 5
		[ -n "$bdom" ] && xl destroy "$bdom" >/dev/null 2>&1
	fi
}

has_pty() { # PID: 0 if the process has a /dev/pts/ file open
	for f in /proc/"$1"/fd/*; do
		case $(readlink "$f" 2>/dev/null) in /dev/pts/*) return 0 ;; esac
	done
	return 1
}

# xl's tools on a domain made by `xbuild run`: `xl list NAME` shows it,
# `xl console NAME` (in the background, output to a file) shows the guest's
# console through xenconsoled, `xl unpause` starts it, `xl destroy NAME`
# exits 0 and the domain is gone.
case_xl_tools() {
	c="xl-tools"
	name=e2e-xl-tools
	out=/tmp/xl-console.out
	t0=$(uptime_s)
	if ! launch xbuild "$CFG/xl-tools.cfg" -p; then
		result "$c" FAIL "xbuild run -p failed"
		show /tmp/launch.log 25
		return
	fi
	why=""
	xl list "$name" >/tmp/xl-list.out 2>&1 || why="$why; xl list $name failed (paused)"
	awk -v n="$name" -v d="$DOMID" 'NR == 2 && $1 == n && $2 == d { ok = 1 } END { exit !ok }' \
		/tmp/xl-list.out || why="$why; xl list $name does not show it as domain $DOMID"
	# A second domain of the same name is refused, as xl refuses it.
	xbuild run -p "$CFG/xl-tools.cfg" >/tmp/dup.out 2>&1
	rc=$?
	{ [ $rc = 2 ] && grep -q "already used by domain $DOMID" /tmp/dup.out; } ||
		why="$why; a second '$name' was not refused (exit $rc: $(head -c 200 /tmp/dup.out))"
	# xenconsole does not need a tty: with stdin/stdout not a terminal it
	# just copies the pty to stdout.
	xl console "$name" </dev/null >"$out" 2>&1 &
	cpid=$!
	# Wait until it has the guest's pty open, so nothing is printed before.
	i=0
	while [ $i -lt 50 ] && ! has_pty "$cpid"; do
		sleep 0.2
		i=$((i + 1))
	done
	[ $i -lt 50 ] || why="$why; xl console did not open the pty within 10s"
	xl unpause "$name" >/tmp/xl-unpause.out 2>&1 || why="$why; xl unpause failed: $(cat /tmp/xl-unpause.out)"
	# The marker in xl console's output; once the guest is down give the
	# pty 5 more seconds.
	wt0=$(uptime_s)
	down=""
	while ! grep -aq "XBCHECK RESULT" "$out"; do
		t=$(since "$wt0")
		if [ -z "$down" ]; then
			case $(dom_state "$name") in '' | *s* | *c*) down=$t ;; esac
		fi
		[ "$(awk -v t="$t" -v d="${down:-1e9}" 'BEGIN { print (t > 60 || t > d + 5) }')" = 1 ] && break
		sleep 0.2
	done
	tm=$(since "$t0")
	cres=$(grep -a "XBCHECK RESULT" "$out" | tail -n 1 | tr -d '\r')
	case $cres in
	*"XBCHECK RESULT PASS"*) ;;
	'') why="$why; no XBCHECK RESULT in xl console's output" ;;
	*) why="$why; $cres" ;;
	esac
	xl list "$name" >/dev/null 2>&1 || why="$why; xl list $name failed before destroy"
	xl destroy "$name" >/tmp/xl-destroy.out 2>&1
	drc=$?
	[ $drc = 0 ] || why="$why; xl destroy exit $drc: $(tr '\n' ' ' </tmp/xl-destroy.out)"
	xl list "$name" >/dev/null 2>&1 && why="$why; xl list $name still shows it after destroy"
	[ -z "$(dom_state "$DOMID")" ] || why="$why; domain $DOMID still exists"
	# xl console ends when the domain is gone.
	i=0
	while [ $i -lt 25 ] && kill -0 "$cpid" 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
	if kill -0 "$cpid" 2>/dev/null; then
		kill "$cpid" 2>/dev/null
		cend="xl console still running 5s after destroy (killed)"
	else
		wait "$cpid"
		cend="xl console exit $?"
	fi
	if [ -z "$why" ]; then
		result "$c" PASS "xl list, xl console (${cres#*RESULT } after ${tm}s), xl unpause, xl destroy ok; $cend"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show "$out" 40
	else
		result "$c" FAIL "${why#; }; $cend"
		show "$out" 15
		show /tmp/xl-destroy.out 5
		xl destroy "$name" >/dev/null 2>&1
	fi
}

# show, for a console that draws with escape sequences (GRUB's): without
# them, and every line ended (GRUB's prompt has no newline).
show_term() { # file lines
	[ -s "$1" ] && tail -n "$2" "$1" | tr -d '\033\r' |
		awk '{ gsub(/\[[0-9;?]*[A-Za-z]/, ""); print "  | " $0 }'
	return 0
}

# GRUB's 64-bit PV image (Debian's grub-xen-host) started by `xbuild run`:
# "Welcome to GRUB!" on its console (xenconsoled's log).  GRUB then waits at
# its prompt, so the case destroys it and checks that it is gone.
case_grub() {
	c=grub
	name=e2e-grub
	log=$CONSLOG/guest-$name.log
	t0=$(uptime_s)
	if ! launch xbuild "$CFG/grub.cfg"; then
		result "$c" FAIL "xbuild run failed: $(tail -n 1 /tmp/launch.log)"
		show /tmp/launch.log 10
		xl destroy "$name" >/dev/null 2>&1
		return
	fi
	tc=$(since "$t0")
	wait_marker "$name" "$log" "Welcome to GRUB!" 60
	w=$?
	tb=$(since "$t0")
	st=$(dom_state "$name")
	xl destroy "$name" >/tmp/xl-destroy.out 2>&1
	drc=$?
	why=""
	case $w in
	1) why="guest ended (state '$st') without 'Welcome to GRUB!' after ${tb}s" ;;
	2) why="no 'Welcome to GRUB!' within 60s (state '$st')" ;;
	esac
	[ $drc = 0 ] || why="$why; xl destroy exit $drc: $(tr '\n' ' ' </tmp/xl-destroy.out)"
	[ -z "$(dom_state "$DOMID")" ] || why="$why; domain $DOMID still exists after xl destroy"
	if [ -z "$why" ]; then
		result "$c" PASS "create ${tc}s (memory=64), 'Welcome to GRUB!' after ${tb}s (state $st), destroyed"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show_term "$log" 20
	else
		result "$c" FAIL "${why#; }"
		show_term "$log" 20
		[ -s "$log" ] || guest_dmesg "$DOMID"
	fi
}

# GRUB's 32-bit PAE image: Debian's Xen has no 32-bit PV (xen_caps lists no
# xen-3.0-x86_32p), so `xbuild run` must fail with exit 3, a message that
# says why, and no domain left.  xl create's message on the same config is
# shown for comparison.
case_grub32() {
	c=grub32
	name=e2e-grub32
	caps=$(xl info 2>/dev/null | sed -n 's/^xen_caps *: *//p')
	out=$(xbuild run "$CFG/grub32.cfg" 2>&1)
	brc=$?
	left=$(other_doms)
	msg=$(echo "$out" | grep . | tail -n 1)
	xl destroy "$name" >/dev/null 2>&1
	xl create -p "$CFG/grub32.cfg" >/tmp/xl-grub32.out 2>&1
	xrc=$?
	xl destroy "$name" >/dev/null 2>&1
	xmsg=$(grep -v '^Parsing config' /tmp/xl-grub32.out | head -n 2 | tr '\n' ' ')
	why=""
	[ $brc = 3 ] || why="$why; exit $brc (want 3)"
	case $msg in
	*x86_32p* | *32-bit* | *32bit*) ;;
	*) why="$why; the message does not say that 32-bit PV is unsupported" ;;
	esac
	[ -z "$left" ] || why="$why; left over: $left"
	if [ -z "$why" ]; then
		result "$c" PASS "exit 3, no domain left; xbuild: '$msg' (xen_caps: $caps; xl create: exit $xrc, '$xmsg')"
	else
		result "$c" FAIL "${why#; }; xbuild said: '$msg' (xen_caps: $caps; xl create: exit $xrc, '$xmsg')"
		echo "$out" | tail -n 10 | sed 's/^/  | /'
	fi
}

# max_grant_version = 1 is acted on: the guest's switch to version 2 must
# be refused (its gnttab_v2 check fails, every other check passes).
case_gntv1() {
	c=gntv1
	name=e2e-$c
	log=$CONSLOG/guest-$name.log
	if ! launch "$E2E_LAUNCHER" "$CFG/$c.cfg"; then
		result "$c" FAIL "$E2E_LAUNCHER failed"
		show /tmp/launch.log 25
		return
	fi
	wait_marker "$name" "$log" "XBCHECK RESULT" 60
	finish "$name"
	if grep -aq "CHECK gnttab_v2 FAIL GNTTABOP_set_version(2)" "$log" &&
		grep -aq "XBCHECK RESULT FAIL 1/20" "$log"; then
		result "$c" PASS "version 2 refused: $(grep -a 'CHECK gnttab_v2' "$log" | tr -d '\r')"
	else
		result "$c" FAIL "the switch to version 2 was not refused alone"
		grep -a "CHECK\|RESULT" "$log" 2>/dev/null | tail -n 5 | sed 's/^/  | /'
	fi
}

# run -c: xbuild prints the domid, then becomes `xl console DOMID` (paused
# here, so that the console is attached before the guest prints): the
# guest's result must come through it, and it ends with the domain.
case_console() {
	c=console
	name=e2e-console
	out=/tmp/console.out
	xbuild run -p -c "$CFG/console.cfg" </dev/null >"$out" 2>/tmp/console.err &
	pid=$!
	i=0
	while [ $i -lt 50 ] && ! has_pty "$pid"; do
		sleep 0.2
		i=$((i + 1))
	done
	why=""
	[ $i -lt 50 ] || why="$why; no console attached within 10 s"
	id=$(head -n 1 "$out" | tr -d '\r')
	case $id in '' | *[!0-9]*) why="$why; first line '$id' is not a domid" ;; esac
	xl unpause "$name" >/dev/null 2>&1 || why="$why; xl unpause failed"
	wait_marker "$name" "$out" "XBCHECK RESULT" 60
	grep -aq "XBCHECK RESULT PASS" "$out" || why="$why; no XBCHECK RESULT PASS through the console"
	xl destroy "$name" >/dev/null 2>&1
	i=0
	while [ $i -lt 25 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		why="$why; the console did not end with the domain"
		kill "$pid" 2>/dev/null
	fi
	wait "$pid"
	rc=$?
	[ $rc = 0 ] || why="$why; exit $rc: $(head -c 200 /tmp/console.err)"
	if [ -z "$why" ]; then
		result "$c" PASS "domid $id, then $(grep -a 'XBCHECK RESULT' "$out" | tail -n 1 | tr -d '\r') through xl console, exit 0"
	else
		result "$c" FAIL "${why#; }"
		tail -n 5 "$out" | sed 's/^/  | /'
	fi
}

# Domains called NAME in `xl list`.
count_named() { xl list 2>/dev/null | awk -v n="$1" 'NR > 1 && $1 == n' | wc -l; }

# Two builds of one name started at the same moment: xbuild and xbuild,
# then xl and xbuild.  Exactly one domain of that name may result; the
# loser says why and leaves nothing.
case_race() {
	c=race
	cfg=$CFG/race.cfg
	name=e2e-race
	xbuild run -p "$cfg" >/tmp/race1.out 2>/tmp/race1.err &
	p1=$!
	xbuild run -p "$cfg" >/tmp/race2.out 2>/tmp/race2.err &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	n=$(count_named $name)
	lost=$(cat /tmp/race1.err /tmp/race2.err | grep -c 'is already used by domain')
	xl destroy $name >/dev/null 2>&1
	why=""
	[ "$n" = 1 ] || why="$why; $n domains named $name"
	case "$r1 $r2" in "0 2" | "2 0") ;; *) why="$why; exits $r1 and $r2 (want 0 and 2)" ;; esac
	[ "$lost" = 1 ] || why="$why; no 'already used' message"
	xl create -p "$cfg" >/tmp/race3.out 2>&1 &
	p1=$!
	xbuild run -p "$cfg" >/tmp/race4.out 2>/tmp/race4.err &
	p2=$!
	wait $p1; r3=$?
	wait $p2; r4=$?
	n2=$(count_named $name)
	xl destroy $name >/dev/null 2>&1
	[ "$n2" = 1 ] || why="$why; xl vs xbuild: $n2 domains named $name"
	[ "$r3" = 0 ] && [ "$r4" = 0 ] && why="$why; xl and xbuild both succeeded"
	left=$(other_doms)
	[ -z "$left" ] || why="$why; left over: $left"
	if [ -z "$why" ]; then
		result "$c" PASS "xbuild vs xbuild: exits $r1/$r2, one domain; xl vs xbuild: exits $r3/$r4, one domain"
	else
		result "$c" FAIL "${why#; }"
		cat /tmp/race*.err /tmp/race3.out 2>/dev/null | tail -n 12 | sed 's/^/  | /'
	fi
}

# SIGKILL at several points after the domain exists: the test build stops
# itself (SIGSTOP) after the first traced operation that contains the
# pattern (XBUILD_TEST_STOP_AT), and is killed there.  The next `xbuild gc`,
# or the next `xbuild run` of the same name, removes the orphan; nothing is
# left in `xl list` or xenstore.
kill_at() { # TRACE-PATTERN: run the Linux guest, SIGKILL there
	rm -f /tmp/kill.err
	XBUILD_HV_TRACE=1 XBUILD_TEST_STOP_AT="$1" xbuild-test run -p "$CFG/kill.cfg" \
		2>/tmp/kill.err >/dev/null &
	kp=$!
	i=0
	until [ "$(awk '{ print $3 }' /proc/$kp/stat 2>/dev/null)" = T ] || [ $i -ge 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL $kp 2>/dev/null
	wait $kp
	echo $?
}

case_kill() {
	c=kill
	name=e2e-kill
	why=""
	done_pts=""
	for pt in "xc_domain_create" "populate(dom" "xc_vcpu_setcontext" "/console/port"; do
		rc=$(kill_at "$pt")
		[ "$rc" = 137 ] || { why="$why; at '$pt': exit $rc, not stopped and killed"; continue; }
		# the only domain besides Domain-0 (nameless before the claim)
		id=$(xl list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" { print $2; exit }')
		[ -n "$id" ] || why="$why; after '$pt': no orphan to collect"
		if [ "$pt" = "populate(dom" ]; then
			# the next run of the same name collects it and succeeds
			out=$(xbuild run -p -v "$CFG/kill.cfg" 2>&1)
			r=$?
			[ $r = 0 ] || why="$why; run after the kill: exit $r"
			echo "$out" | grep -q "destroyed domain $id: its builder is gone" ||
				why="$why; run did not say it collected domain $id"
			xl destroy $name >/dev/null 2>&1
		else
			out=$(xbuild gc 2>&1)
			[ "$out" = "1 orphaned domain destroyed" ] || why="$why; gc after '$pt': '$out'"
		fi
		[ "$(count_named $name)" = 0 ] || why="$why; after '$pt': $name still listed"
		[ -n "$id" ] && xenstore-exists "/local/domain/$id" 2>/dev/null &&
			why="$why; after '$pt': /local/domain/$id still in xenstore"
		done_pts="$done_pts '$pt'"
	done
	out=$(xbuild gc 2>&1)
	[ "$out" = "0 orphaned domains destroyed" ] || why="$why; final gc: '$out'"
	left=$(other_doms)
	[ -z "$left" ] || why="$why; left over: $left"
	if [ -z "$why" ]; then
		result "$c" PASS "SIGKILL after$done_pts: collected by gc / the next run, nothing left"
	else
		result "$c" FAIL "${why#; }"
		tail -n 5 /tmp/kill.err | sed 's/^/  | /'
	fi
}

# The populate thread (hv_xen.c), forced on this one-CPU dom0 by the test
# build: Debian's kernel at 512 MiB boots with its memory populated by a
# second thread while the kernel is decoded; a guest larger than Xen's free
# memory fails in that thread, saying how far Xen got, exit 3, and leaves no
# domain.  XBUILD_HV_POPULATE_THREAD=0 gives the same refusal.
case_populate_thread() {
	c=populate-thread
	name=e2e-popthread
	log=$CONSLOG/guest-$name.log
	why=""
	rm -f "$log"
	t0=$(uptime_s)
	DOMID=$(XBUILD_HV_POPULATE_THREAD=1 XBUILD_HV_TRACE=1 xbuild-test run "$CFG/popthread.cfg" 2>/tmp/launch.log)
	r=$?
	tc=$(since "$t0")
	if [ $r != 0 ]; then
		why="run: exit $r"
		show /tmp/launch.log 10
	else
		grep -q "populating dom $DOMID (131072 pages) in a thread" /tmp/launch.log ||
			why="no populate thread in the trace"
		grep -q "populate(dom $DOMID, 131072 pages): .* (in a thread)" /tmp/launch.log ||
			why="$why; the thread did not finish the populate"
		wait_marker "$name" "$log" "XBUILD-LINUX-GUEST-OK" 150 || why="$why; no marker from the guest"
	fi
	tb=$(since "$t0")
	finish "$name"
	for t in 1 0; do
		XBUILD_HV_POPULATE_THREAD=$t XBUILD_HV_TRACE=1 xbuild-test run -p "$CFG/popbig.cfg" >/tmp/popbig.out 2>/tmp/popbig.err
		r=$?
		[ $r = 3 ] || why="$why; 8 GiB guest (thread $t): exit $r, want 3"
		grep -q "^xbuild: populate(dom [0-9]*): Xen gave [0-9]* of the [0-9]* pages asked for at pfn 0x[0-9a-f]* ([0-9]* of the guest's 2097152 populated): its free memory" /tmp/popbig.err ||
			{ why="$why; 8 GiB guest (thread $t): not Xen's refusal"; show /tmp/popbig.err 5; }
		[ $t = 0 ] || grep -q "populating dom [0-9]* (2097152 pages) in a thread" /tmp/popbig.err ||
			why="$why; 8 GiB guest: no populate thread"
		[ "$(count_named e2e-popbig)" = 0 ] || why="$why; 8 GiB guest (thread $t): domain left"
		xl destroy e2e-popbig >/dev/null 2>&1
	done
	left=$(other_doms)
	[ -z "$left" ] || why="$why; left over: $left"
	if [ -z "$why" ]; then
		result "$c" PASS "512 MiB guest populated in a thread: create ${tc}s, marker after ${tb}s; 8 GiB guest refused by Xen (exit 3) in the thread and without, nothing left"
	else
		result "$c" FAIL "${why#; }"
	fi
}

# run -F helpers.  fg_wait LOG PATTERN TIMEOUT PID: 0 when PATTERN is in
# LOG, 1 when the process PID ended first, 2 on timeout.
fg_wait() {
	wt0=$(uptime_s)
	while ! grep -aq "$2" "$1" 2>/dev/null; do
		kill -0 "$4" 2>/dev/null || { sleep 1; grep -aq "$2" "$1" 2>/dev/null && return 0; return 1; }
		[ "$(awk -v a="$wt0" -v b="$(uptime_s)" -v t="$3" 'BEGIN { print (b - a > t) }')" = 1 ] && return 2
		sleep 0.2
	done
}
# fg_tell DOMID WORD: write WORD on the guest's console (its pty, as xl
# console does), which the guest's /init reads.
fg_tell() {
	i=0
	while [ $i -lt 50 ]; do
		tty=$(xenstore-read "/local/domain/$1/console/tty" 2>/dev/null)
		[ -n "$tty" ] && break
		sleep 0.2
		i=$((i + 1))
	done
	[ -n "$tty" ] && printf '%s\n' "$2" >"$tty"
}
# fg_end PID SECONDS: wait for PID (killed after SECONDS); its exit code.
fg_end() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 5)) ]; do
		sleep 0.2
		i=$((i + 1))
	done
	kill -0 "$1" 2>/dev/null && kill -KILL "$1"
	wait "$1"
}

# run -F on real Xen: the first boot (initrd 1) is told on its console to
# reboot; xbuild -F builds the domain again from the config's files, whose
# ramdisk now holds initrd 2; the second boot is told to power off; xbuild
# exits 0 and leaves nothing.  Both boots' markers (different boot ids) and
# domids must be seen.
case_foreground() {
	c=foreground
	name=e2e-fg
	log=$CONSLOG/guest-$name.log
	rm -f "$log" /tmp/fg.out
	cp /guests/fg-initrd-1.gz /tmp/fg-initrd.gz
	t0=$(uptime_s)
	xbuild run -F "$CFG/fg.cfg" >/tmp/fg.out 2>/tmp/fg.err &
	pid=$!
	why=""
	fg_wait "$log" "XBUILD-FG-BOOT-1" 150 $pid || why="$why; no first boot"
	d1=$(sed -n 1p /tmp/fg.out)
	b1=$(grep -a "XBUILD-FG-BOOT-1" "$log" | sed -n 's/.*boot_id=\([0-9a-f-]*\).*/\1/p' | head -n 1)
	# the rebuild reads the files again: initrd 2 from now on
	cp /guests/fg-initrd-2.gz /tmp/fg-initrd.gz.new && mv /tmp/fg-initrd.gz.new /tmp/fg-initrd.gz
	[ -z "$why" ] && { fg_tell "$d1" reboot || why="$why; cannot write on domain $d1's console"; }
	[ -z "$why" ] && { fg_wait "$log" "XBUILD-FG-BOOT-2" 150 $pid || why="$why; no second boot"; }
	t1=$(since "$t0")
	d2=$(sed -n 2p /tmp/fg.out)
	b2=$(grep -a "XBUILD-FG-BOOT-2" "$log" | sed -n 's/.*boot_id=\([0-9a-f-]*\).*/\1/p' | head -n 1)
	[ -z "$why" ] && { fg_tell "$d2" poweroff || why="$why; cannot write on domain $d2's console"; }
	fg_end $pid 60
	rc=$?
	[ $rc = 0 ] || why="$why; xbuild -F exit $rc (want 0)"
	case "$d1 $d2" in *[!0-9\ ]* | " "* | *" ") why="$why; domids '$d1' '$d2'" ;; esac
	[ "$d1" != "$d2" ] || why="$why; the same domid $d1 twice (not rebuilt)"
	{ [ -n "$b1" ] && [ -n "$b2" ] && [ "$b1" != "$b2" ]; } || why="$why; boot ids '$b1' '$b2'"
	grep -q "xbuild: domain $d1 'e2e-fg' rebooted; on_reboot = restart: destroyed; building it again" /tmp/fg.err ||
		why="$why; no restart line"
	grep -q "xbuild: domain $d2 'e2e-fg' powered off; on_poweroff = destroy: destroyed" /tmp/fg.err ||
		why="$why; no poweroff line"
	[ "$(count_named $name)" = 0 ] || why="$why; $name still listed"
	[ -n "$d2" ] && xenstore-exists "/local/domain/$d2" 2>/dev/null && why="$why; /local/domain/$d2 still in xenstore"
	if [ -z "$why" ]; then
		result "$c" PASS "boot 1 (dom $d1) rebooted, rebuilt with the new initrd (dom $d2, second boot after ${t1}s), powered off: exit 0, nothing left"
		[ "${E2E_VERBOSE:-0}" = 1 ] && show "$log" 40
	else
		result "$c" FAIL "${why#; }"
		show /tmp/fg.err 10
		show "$log" 25
		xl destroy $name >/dev/null 2>&1
	fi
}

# SIGTERM to `xbuild run -F`: the guest is asked to power off
# (control/shutdown), Linux runs its /sbin/poweroff (a marker), xbuild
# destroys the shut-down domain and exits 0; nothing is left.
case_fg_term() {
	c=fg-term
	name=e2e-fgterm
	log=$CONSLOG/guest-$name.log
	rm -f "$log"
	xbuild run -F "$CFG/fgterm.cfg" >/tmp/fgterm.out 2>/tmp/fgterm.err &
	pid=$!
	why=""
	fg_wait "$log" "XBUILD-FG-BOOT-1" 150 $pid || why="$why; the guest did not boot"
	d=$(sed -n 1p /tmp/fgterm.out)
	t0=$(uptime_s)
	kill -TERM $pid
	fg_end $pid 90
	rc=$?
	ts=$(since "$t0")
	[ $rc = 0 ] || why="$why; exit $rc (want 0)"
	grep -aq "XBUILD-FG-ORDERLY-POWEROFF" "$log" || why="$why; the guest did not run /sbin/poweroff"
	grep -q "xbuild: signal 15: asking domain $d 'e2e-fgterm' to power off" /tmp/fgterm.err || why="$why; no request line"
	grep -q "xbuild: domain $d 'e2e-fgterm' powered off; on_poweroff = destroy: destroyed" /tmp/fgterm.err ||
		why="$why; no poweroff line"
	[ "$(count_named $name)" = 0 ] || why="$why; $name still listed"
	[ -n "$d" ] && xenstore-exists "/local/domain/$d" 2>/dev/null && why="$why; /local/domain/$d still in xenstore"
	if [ -z "$why" ]; then
		result "$c" PASS "SIGTERM: domain $d powered off cleanly after ${ts}s (its /sbin/poweroff ran), exit 0, nothing left"
	else
		result "$c" FAIL "${why#; }"
		show /tmp/fgterm.err 10
		show "$log" 15
		xl destroy $name >/dev/null 2>&1
	fi
}

# run -F with on_reboot = "rename-restart" and on_poweroff = "preserve":
# told to reboot, the first domain is kept, shut down, as
# NAME-YYYYMMDDTHHMMZ with a new UUID (xenstore's vm path and Xen's handle,
# `xl list -v`), a second one is built under NAME; told to power off, it
# is kept too and xbuild exits 0.  `xl destroy` then removes both.
case_fg_rename() {
	c=fg-rename
	name=e2e-fgren
	log=$CONSLOG/guest-$name.log
	rm -f "$log"
	xbuild run -F "$CFG/fgren.cfg" >/tmp/fgren.out 2>/tmp/fgren.err &
	pid=$!
	why=""
	fg_wait "$log" "XBUILD-FG-BOOT-1" 150 $pid || why="$why; the guest did not boot"
	d1=$(sed -n 1p /tmp/fgren.out)
	[ -z "$why" ] && { fg_tell "$d1" reboot || why="$why; cannot write on domain $d1's console"; }
	i=0
	while [ -z "$why" ] && [ "$(grep -ac XBUILD-FG-BOOT-1 "$log")" -lt 2 ] && kill -0 $pid 2>/dev/null && [ $i -lt 750 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	[ "$(grep -ac XBUILD-FG-BOOT-1 "$log")" -ge 2 ] || why="$why; no second boot"
	d2=$(sed -n 2p /tmp/fgren.out)
	[ -z "$why" ] && { fg_tell "$d2" poweroff || why="$why; cannot write on domain $d2's console"; }
	fg_end $pid 60
	rc=$?
	[ $rc = 0 ] || why="$why; exit $rc (want 0)"
	xl list -v >/tmp/fgren.list 2>&1
	kept=$(awk -v d="$d1" '$2 == d { print $1 }' /tmp/fgren.list)
	u1=$(awk -v d="$d1" '$2 == d { print $7 }' /tmp/fgren.list)
	u2=$(awk -v d="$d2" '$2 == d { print $7 }' /tmp/fgren.list)
	vm1=$(xenstore-read "/local/domain/$d1/vm" 2>/dev/null)
	case $kept in "$name"-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9]Z) ;; *) why="$why; domain $d1 is named '$kept'" ;; esac
	[ "$(awk -v d="$d2" '$2 == d { print $1 }' /tmp/fgren.list)" = "$name" ] || why="$why; domain $d2 is not $name"
	[ -n "$u1" ] && [ "$u1" != "$u2" ] || why="$why; UUIDs '$u1' '$u2'"
	[ "$vm1" = "/vm/$u1" ] || why="$why; /local/domain/$d1/vm is '$vm1', handle $u1"
	grep -q "rebooted; on_reboot = rename-restart: kept as $kept; building it again" /tmp/fgren.err || why="$why; no rename line"
	grep -q "powered off; on_poweroff = preserve: left shut down" /tmp/fgren.err || why="$why; no preserve line"
	xl destroy "$kept" >/dev/null 2>&1 || why="$why; xl destroy $kept failed"
	xl destroy "$name" >/dev/null 2>&1 || why="$why; xl destroy $name failed"
	for d in $d1 $d2; do
		xenstore-exists "/local/domain/$d" 2>/dev/null && why="$why; /local/domain/$d left"
	done
	if [ -z "$why" ]; then
		result "$c" PASS "dom $d1 kept as $kept (UUID $u1), dom $d2 built as $name (UUID $u2) and preserved, exit 0; xl destroy removed both"
	else
		result "$c" FAIL "${why#; }"
		show /tmp/fgren.err 10
		show /tmp/fgren.list 6
		xl destroy "$name" >/dev/null 2>&1
		[ -n "$kept" ] && xl destroy "$kept" >/dev/null 2>&1
	fi
}

# Eight different guests (Debian's kernel with different names, memory
# sizes and initrds, and checking guests) started by eight `xbuild run` at
# once in the suite's dom0: every build succeeds, every guest prints its
# marker, and once destroyed nothing is left (xl list, xenstore).  Then the
# same eight one after another.  Reports the wall time of both: until the
# eighth `xbuild run` returned, and until the last marker.
EIGHT="1 2 3 4 5 6 7 8"
eight_marker() { # N: what guest N prints when it works
	case $1 in
	[1-4]) echo XBUILD-LINUX-GUEST-OK ;;
	5) echo XBUILD-MULTI-DONE ;;
	*) echo "XBCHECK RESULT PASS" ;;
	esac
}

# Seconds since T0 above LIMIT? (0/1)
over() { awk -v a="$1" -v b="$(uptime_s)" -v t="$2" 'BEGIN { print (b - a > t) }'; }

# eight_reap T0 LIMIT N...: wait for the runs pN...; one still running
# LIMIT s after T0 is killed and reported with the last lines of its trace
# (in er_why).
eight_reap() {
	er_why=""
	er_t0=$1
	er_limit=$2
	shift 2
	for n in "$@"; do
		eval "pid=\$p$n"
		while kill -0 "$pid" 2>/dev/null; do
			if [ "$(over "$er_t0" "$er_limit")" = 1 ]; then
				kill -KILL "$pid" 2>/dev/null
				er_why="$er_why run $n still running after $er_limit s, killed: $(tail -n 2 /tmp/eight-$n.err | tr '\n' ' ');"
				break
			fi
			sleep 1
		done
		wait "$pid"
		r=$?
		[ $r = 0 ] || [ $r = 137 ] || er_why="$er_why run $n: exit $r ($(tail -n 1 /tmp/eight-$n.err));"
	done
}

# eight_wait T0 LIMIT: every marker within LIMIT s of T0 in all, or why
# not (in ew_why); ew_t: seconds.
eight_wait() {
	ew_why=""
	for n in $EIGHT; do
		left=$(awk -v a="$1" -v b="$(uptime_s)" -v t="$2" 'BEGIN { l = t - (b - a); printf "%d", l < 1 ? 1 : l }')
		wait_marker "e2e-eight-$n" "$CONSLOG/guest-e2e-eight-$n.log" "$(eight_marker $n)" "$left"
		w=$?
		[ $w = 0 ] || ew_why="$ew_why guest $n $([ $w = 2 ] && echo "no marker within $2 s ($(dom_state e2e-eight-$n))" || echo "ended without its marker");"
	done
	ew_t=$(since "$1")
}

# eight_end: destroy the eight; what is left (in ee_left).
eight_end() {
	ids=""
	for n in $EIGHT; do
		id=$(xl domid "e2e-eight-$n" 2>/dev/null) && ids="$ids $id"
		xl destroy "e2e-eight-$n" >/dev/null 2>&1
	done
	ee_left=$(other_doms)
	for id in $ids; do
		xenstore-exists "/local/domain/$id" 2>/dev/null && ee_left="$ee_left /local/domain/$id"
	done
	return 0
}

case_eight() {
	c=eight
	why=""
	rm -f "$CONSLOG"/guest-e2e-eight-*.log
	t0=$(uptime_s)
	for n in $EIGHT; do
		XBUILD_HV_TRACE=1 xbuild run "$CFG/eight-$n.cfg" >/tmp/eight-$n.out 2>/tmp/eight-$n.err &
		eval "p$n=$!"
	done
	eight_reap "$t0" 240 $EIGHT
	[ -z "$er_why" ] || why="$why parallel:$er_why"
	tpb=$(since "$t0")
	avail=$(awk '/MemAvailable/ { printf "%d", $2 / 1024 }' /proc/meminfo)
	[ -n "$tpb" ] || why="$why no wall time measured for the parallel runs;"
	eight_wait "$t0" 360
	tpa=$ew_t
	[ -z "$ew_why" ] || why="$why parallel:$ew_why"
	eight_end
	[ -z "$ee_left" ] || why="$why left after the parallel runs: $ee_left;"
	dmesg | grep -qi "out of memory\|oom-kill" && why="$why dom0's OOM killer ran;"
	# Any process of dom0's that crashed meanwhile (the kernel logs it
	# below the console's loglevel).
	segv=$(dmesg | grep -a "segfault at" | tail -n 2 | tr '\n' ' ')

	rm -f "$CONSLOG"/guest-e2e-eight-*.log
	t0=$(uptime_s)
	for n in $EIGHT; do
		XBUILD_HV_TRACE=1 xbuild run "$CFG/eight-$n.cfg" >/tmp/eight-$n.out 2>/tmp/eight-$n.err &
		eval "p$n=$!"
		eight_reap "$(uptime_s)" 60 $n
		[ -z "$er_why" ] || why="$why in sequence:$er_why"
	done
	tsb=$(since "$t0")
	eight_wait "$t0" 240
	tsa=$ew_t
	[ -z "$ew_why" ] || why="$why sequence:$ew_why"
	eight_end
	[ -z "$ee_left" ] || why="$why left after the runs in sequence: $ee_left;"
	if [ -z "$why" ]; then
		result "$c" PASS "8 guests (5 Linux, 3 checking) in a $(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo) MiB dom0 (${avail} MiB available once all were built): in parallel all built after ${tpb}s, all booted after ${tpa}s; in sequence built after ${tsb}s, booted after ${tsa}s; build wall time parallel/sequence $(awk -v a="$tpb" -v b="$tsb" 'BEGIN { printf "%.2f", a / b }'); nothing left${segv:+ (dom0 kernel log: $segv)}"
	else
		result "$c" FAIL "${why% ;}"
		for n in $EIGHT; do show /tmp/eight-$n.err 2; done
		xl list 2>&1 | sed 's/^/  | /'
		dmesg | grep -i "out of memory\|oom" | tail -n 5 | sed 's/^/  | /'
	fi
}

# After all cases only Domain-0 is left.
case_xl_list() {
	others=$(xl list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" { print $1 "(" $2 ")" }' | tr '\n' ' ')
	if [ -z "$others" ] && xl list 2>/dev/null | grep -q '^Domain-0'; then
		result xl-list PASS "only Domain-0"
	else
		result xl-list FAIL "left over: ${others:-xl list fails}"
		xl list 2>&1 | sed 's/^/  | /'
	fi
}

run_cases() {
	for c in $E2E_CASES; do
		case $c in
		xbc-selftest) case_selftest ;;
		xbc-*) case_xbc "$c" ;;
		chunked)
			# kernel, module, p2m and page tables mapped 3 pages at a time
			case_xbc xbc-classic xbuild-chunk3 chunked-classic
			case_xbc xbc-modern xbuild-chunk3 chunked-modern
			;;
		bad-pte) case_bad_pte ;;
		build) case_build ;;
		xl-tools) case_xl_tools ;;
		grub) case_grub ;;
		grub32) case_grub32 ;;
		linux) case_linux ;;
		linux-zstd) case_linux linux-zstd linux-zstd ;;
		linux-vmlinux) # 66 MB of dom0's memory, given back
			case_linux linux-vmlinux linux-vmlinux
			rm -f /guests/vmlinux ;;
		linux-multi) case_linux_multi ;;
		compare) case_compare ;;
		pvh) case_pvh pvh pvh 1 256 ;;
		pvh2) case_pvh pvh2 pvh2 2 256 ;;
		pvh-compare) case_pvh_compare ;;
		pvh-nophys32) case_pvh_nophys32 ;;
		pvh-xl-tools) case_pvh_xl_tools ;;
		gntv1) case_gntv1 ;;
		console) case_console ;;
		race) case_race ;;
		kill) case_kill ;;
		foreground) case_foreground ;;
		fg-term) case_fg_term ;;
		fg-rename) case_fg_rename ;;
		pvh-unpause) case_pvh_unpause ;;
		eight) case_eight ;;
		pvh-stress) case_pvh_stress ;;
		pvh-nohap) case_pvh_nohap ;;
		populate-thread) case_populate_thread ;;
		*) result "$c" FAIL "unknown case" ;;
		esac
	done
	case_xl_list
	echo "$passed passed, $failed failed"
	[ $failed = 0 ]
}

# make demo: one real PV guest started by `xbuild run`, and its console.
demo() {
	name=$(cfg_name /examples/hello.cfg)
	log=$CONSLOG/guest-$name.log
	echo "---- dom0: $(uname -sr), $(xl info 2>/dev/null | awk '/^xen_version/ { print "Xen " $3 }')"
	cd / || return 1
	echo "---- examples/hello.cfg (kernel and ramdisk placed at its paths in this dom0)"
	grep -v '^#' examples/hello.cfg | grep . | sed 's/^/    /'
	echo "---- # $E2E_LAUNCHER_CMD examples/hello.cfg"
	t0=$(uptime_s)
	if ! launch "$E2E_LAUNCHER" examples/hello.cfg; then
		cat /tmp/launch.log
		return 1
	fi
	echo "$DOMID      (domid, after $(since "$t0")s)"
	xl list
	wait_marker "$name" "$log" "XBUILD-LINUX-GUEST-OK" 150
	w=$?
	echo "---- the guest's console ($log):"
	awk 'NR <= 12 { print "    " $0; next } /Hello from/ { on = 1 } on { print "    " $0; next }
	     NR == 13 { print "    ..." }' "$log"
	finish "$name"
	[ $w = 0 ]
}
