# shellcheck shell=sh
# `make bench-xen` in dom0: sourced by the dom0 /init (tests/e2e/dom0-init.sh)
# after tests/e2e/cases.sh when E2E_MODE=bench.  /etc/e2e/env sets
#   BENCH_PARTS    which parts: create (xbuild run -p vs xl create -p, with
#                  peak RSS), build (xbuild build vs libxenguest's builder,
#                  xgbuild, both under minits) and cache (xbuild run -p
#                  --cache-dir with the kernel's entry in place vs xl
#                  create -p)
#                  and thread (the test build's `xbuild run -p` with its
#                  populate in a second thread vs without, worth running
#                  with a dom0 of two vCPUs)
#   BENCH_CACHE_KERNELS  the kernels of the cache part (vmlinuz-xz)
#   BENCH_KERNELS  kernels in /bench (vmlinux vmlinuz-zstd vmlinuz-gzip vmlinuz-xz)
#   BENCH_MEMS     guest memory sizes in MiB (128 2048)
#   BENCH_PAIRS    measured pairs per kernel and size (at least 5)
# Configs /etc/e2e/bench-KERNEL-MEM.cfg (name bench-KERNEL-MEM) come from
# tests/bench/bench-xen.sh.  Each measurement is one line on the console:
#   BENCH-RUN part=P kernel=K mem=M pair=I tool=T wall=S rss=KIB status=N
# the two tools of a pair alternate, A then B, every domain is destroyed and
# its memory back in Xen's free pool before the next one starts.  The host
# (tests/bench/bench-xen.sh) turns the lines into tables.

bench_free() { xl info 2>/dev/null | awk '/^free_memory/ { print $3 }'; }

# Destroy the bench domain (by name or domid) and wait, 60 s at most, until
# only Domain-0 is left in xenstore (cheaper than xl list) and Xen's free
# memory is back to where it was, then BENCH_SETTLE seconds more for Xen's
# idle loop to scrub the freed pages.
bench_clean() { # NAME-OR-DOMID
	xl destroy "$1" >/dev/null 2>&1
	bc_n=0
	while [ $bc_n -lt 300 ]; do
		if [ "$(xenstore-list /local/domain 2>/dev/null | tr '\n' ' ')" = "0 " ] &&
			[ "$(bench_free)" -ge $((BENCH_FREE0 - 2)) ]; then
			sleep "$BENCH_SETTLE"
			return 0
		fi
		sleep 0.2
		bc_n=$((bc_n + 1))
	done
	echo "BENCH-WARN memory not back after destroying $1: free $(bench_free) MiB, was $BENCH_FREE0; left: $(other_doms)"
}

# Fields of maxrss's line (tests/bench/maxrss.c) or minits' build line.
bench_fields() { # FILE
	sed -n 's/^wall=\([0-9.]*\) maxrss_kib=\([0-9]*\) status=\([0-9]*\)$/\1 \2 \3/p
		s/^minits: build \([0-9.]*\) s, peak RSS \([0-9]*\) KiB$/\1 \2/p' "$1" | head -n 1
}

# sidump of a paused domain without what differs between builders anyway
# (as the e2e compare case).
bench_sidump() { # DOMID OUT
	sidump "$1" 2>&1 | grep -Ev '^(shared_info|store_mfn|store_evtchn|console_mfn|console_evtchn|mod_len|cr3)=' >"$2"
}

# One `xbuild run -p` or `xl create -p` under maxrss; prints the BENCH-RUN
# line.  With CHECK set, the paused domain's sidump goes to CHECK first.
bench_create_one() { # TOOL KERNEL MEM PAIR [CHECK]
	cfg=$CFG/bench-$2-$3.cfg
	name=bench-$2-$3
	case $1 in
	xbuild) maxrss -o /tmp/bench.m xbuild run -p "$cfg" >/tmp/bench.out 2>&1 ;;
	xbuild-cache)
		maxrss -o /tmp/bench.m xbuild run -p --cache-dir "$BENCH_CACHE_DIR" "$cfg" >/tmp/bench.out 2>&1 ;;
	xbuild-thread | xbuild-nothread)
		t=1
		[ "$1" = xbuild-nothread ] && t=0
		XBUILD_HV_POPULATE_THREAD=$t maxrss -o /tmp/bench.m xbuild-test run -p "$cfg" >/tmp/bench.out 2>&1 ;;
	xl) maxrss -o /tmp/bench.m xl create -p "$cfg" >/tmp/bench.out 2>&1 ;;
	esac
	# shellcheck disable=SC2046 # the fields, split
	set -- "$1" "$2" "$3" "$4" "${5:-}" $(bench_fields /tmp/bench.m)
	echo "BENCH-RUN part=${BENCH_PART:-create} kernel=$2 mem=$3 pair=$4 tool=$1 wall=${6:-?} rss=${7:-?} status=${8:-?}"
	[ "${8:-1}" = 0 ] || show /tmp/bench.out 10
	if [ -n "$5" ]; then
		id=$(xl domid "$name" 2>/dev/null)
		[ -n "$id" ] && bench_sidump "$id" "$5"
	fi
	bench_clean "$name"
}

# One builder step under minits (domain created, event channels, xenstore
# and introduce by minits; only the builder's run is timed).
bench_build_one() { # TOOL KERNEL MEM PAIR
	cfg=$CFG/bench-$2-$3.cfg
	bin=xbuild
	[ "$1" = xgbuild ] && bin=xgbuild
	id=$(XBUILD=$bin minits -p -o /tmp/bench.json "$cfg" 2>/tmp/bench.minits)
	mrc=$?
	# shellcheck disable=SC2046 # the fields, split
	set -- "$1" "$2" "$3" "$4" $(bench_fields /tmp/bench.minits)
	echo "BENCH-RUN part=build kernel=$2 mem=$3 pair=$4 tool=$1 wall=${5:-?} rss=${6:-?} status=$mrc"
	[ $mrc = 0 ] || show /tmp/bench.minits 10
	if [ -n "$id" ]; then
		bench_clean "$id"
	else
		# minits destroyed it on failure; wait for the memory anyway
		bench_clean "bench-$2-$3"
	fi
}

# The cache part: fill the kernel cache with the kernel's entry (xbuild
# plan, not timed) and check that the next build hits it.
bench_cache_fill() { # KERNEL MEM
	xbuild plan --cache-dir "$BENCH_CACHE_DIR" "$CFG/bench-$1-$2.cfg" >/dev/null 2>/tmp/bench.out ||
		{ echo "BENCH-WARN cache fill for $1 failed"; show /tmp/bench.out 10; }
	if xbuild plan --json --cache-dir "$BENCH_CACHE_DIR" "$CFG/bench-$1-$2.cfg" 2>/dev/null |
		grep -q '"kernel_cache":{"hit":true'; then
		echo "BENCH-CHECK kernel=$1 mem=$2 the kernel cache hits ($(ls "$BENCH_CACHE_DIR" | wc -l) entry)"
	else
		echo "BENCH-CHECK kernel=$1 mem=$2 the kernel cache does not hit"
	fi
}

bench_part() { # create|build|cache
	kernels=$BENCH_KERNELS
	BENCH_PART=$1
	case $1 in
	create) a=xbuild b=xl fn=bench_create_one ;;
	build) a=xbuild b=xgbuild fn=bench_build_one ;;
	thread) a=xbuild-thread b=xbuild-nothread fn=bench_create_one ;;
	cache)
		a=xbuild-cache b=xl fn=bench_create_one
		kernels=""
		for k in $BENCH_CACHE_KERNELS; do
			case " $BENCH_KERNELS " in *" $k "*) kernels="$kernels $k" ;; esac
		done
		;;
	*) echo "BENCH-WARN unknown part $1"; return 1 ;;
	esac
	t0=$(uptime_s)
	for k in $kernels; do
		for m in $BENCH_MEMS; do
			[ "$1" = cache ] && bench_cache_fill "$k" "$m"
			tc=$(uptime_s)
			i=1
			while [ $i -le "$BENCH_PAIRS" ]; do
				if [ "$1" != build ] && [ $i = 1 ] && [ "$m" = "${BENCH_MEMS%% *}" ]; then
					# the first pair's domains compared (outside the timing)
					$fn $a "$k" "$m" $i /tmp/bench-a.sd
					$fn $b "$k" "$m" $i /tmp/bench-b.sd
					if [ -s /tmp/bench-a.sd ] && diff /tmp/bench-a.sd /tmp/bench-b.sd >/tmp/bench.diff; then
						echo "BENCH-CHECK kernel=$k mem=$m $a=$b: $(wc -l </tmp/bench-a.sd) sidump fields equal"
					else
						echo "BENCH-CHECK kernel=$k mem=$m $a!=$b: sidump differs"
						show /tmp/bench.diff 10
					fi
				else
					$fn $a "$k" "$m" $i
					$fn $b "$k" "$m" $i
				fi
				i=$((i + 1))
			done
			echo "BENCH-INFO config=$1/$k/$m seconds=$(since "$tc")"
		done
	done
	echo "BENCH-INFO part=$1 seconds=$(since "$t0")"
	BENCH_PART=
}

# libxenguest's builder (xgbuild) against xbuild's on one paused domain
# each: the same start_info, registers and page tables (as xl and xbuild in
# the compare case), so the build part compares like with like.
bench_check_xgbuild() {
	k=${BENCH_KERNELS##* }
	m=${BENCH_MEMS%% *}
	for t in xbuild xgbuild; do
		id=$(XBUILD=$t minits -p -o /tmp/bench.json "$CFG/bench-$k-$m.cfg" 2>/tmp/bench.minits)
		if [ -z "$id" ]; then
			echo "BENCH-CHECK kernel=$k mem=$m xbuild!=xgbuild: minits with $t failed"
			show /tmp/bench.minits 10
			return 1
		fi
		bench_sidump "$id" /tmp/bench-$t.sd
		bench_clean "$id"
	done
	if diff /tmp/bench-xbuild.sd /tmp/bench-xgbuild.sd >/tmp/bench.diff; then
		echo "BENCH-CHECK kernel=$k mem=$m xbuild=xgbuild: $(wc -l </tmp/bench-xbuild.sd) sidump fields equal"
	else
		echo "BENCH-CHECK kernel=$k mem=$m xbuild!=xgbuild: sidump differs"
		show /tmp/bench.diff 10
	fi
}

bench_main() {
	BENCH_FREE0=$(bench_free)
	BENCH_SETTLE=${BENCH_SETTLE:-0.5}
	BENCH_CACHE_KERNELS=${BENCH_CACHE_KERNELS:-vmlinuz-xz}
	BENCH_CACHE_DIR=/tmp/xbuild-kcache
	t=$(uptime_s)
	bench_free >/dev/null
	xenstore-list /local/domain >/dev/null 2>&1
	echo "BENCH-INFO poll_seconds=$(since "$t") (xl info + xenstore-list, once)"
	xl info 2>/dev/null | awk '/^(xen_version|xen_caps|nr_cpus|total_memory|free_memory|xen_commandline) / {
		k = $1; sub(/^[^:]*: */, ""); print "BENCH-INFO " k "=" $0 }'
	echo "BENCH-INFO dom0_kernel=$(uname -r)"
	echo "BENCH-INFO dom0_memtotal_kib=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
	echo "BENCH-INFO dom0_vcpus=$(grep -c '^processor' /proc/cpuinfo)"
	echo "BENCH-INFO xbuild=$(xbuild --version 2>&1 | head -n 1)"
	echo "BENCH-INFO pairs=$BENCH_PAIRS kernels='$BENCH_KERNELS' mems='$BENCH_MEMS' parts='$BENCH_PARTS' settle=$BENCH_SETTLE cache_kernels='$BENCH_CACHE_KERNELS'"
	for k in $BENCH_KERNELS; do
		echo "BENCH-INFO kernel=$k bytes=$(wc -c </bench/"$k")"
	done
	echo "BENCH-INFO initrd_bytes=$(wc -c </guests/linux-initrd.gz)"
	[ -n "$BENCH_FREE0" ] || { echo "BENCH-WARN no free_memory from xl info"; return 1; }
	# Warm-up (not counted): every binary and library once.
	k=${BENCH_KERNELS##* }
	m=${BENCH_MEMS%% *}
	bench_create_one xbuild "$k" "$m" 0 >/dev/null
	bench_create_one xl "$k" "$m" 0 >/dev/null
	case " $BENCH_PARTS " in *" build "*) bench_check_xgbuild ;; esac
	# Where the time goes: `xbuild run -p --timings` once per kernel at
	# the first size (the serial log keeps it; not part of the tables).
	for k in $BENCH_KERNELS; do
		xbuild run -p --timings "$CFG/bench-$k-$m.cfg" 2>&1 >/dev/null |
			sed -n "s/^xbuild: timing: */BENCH-TIMING kernel=$k mem=$m /p"
		bench_clean "bench-$k-$m"
	done
	for p in $BENCH_PARTS; do
		bench_part "$p"
	done
	left=$(other_doms)
	[ -z "$left" ] || echo "BENCH-WARN left over: $left"
	echo "BENCH-DONE"
}
