#!/bin/sh
# run -F on the simulated backend (test binary): the guest's end picks the
# config's action and the exit code; restarts build a new domain; SIGTERM
# asks the guest to power off and destroys it when it will not; restarts
# are rate-limited; -F's refusals; without -F a non-default action draws a
# warning.  XBUILD_SIM_GUEST scripts the simulated guest, one word per
# boot.  XBUILD_SIM_FAIL_OP=destroy proves which actions destroy: any
# destroy then fails (exit 3).
. "$(dirname "$0")/lib.sh"
kernel "$T/vmlinuz" --linux --bss 16M --bzimage xz
printf 'name = "fg"\nmemory = 128\nkernel = "%s"\n' "$T/vmlinuz" >"$T/fg.cfg"
X=$XBUILD_TEST
F="$X run -F --backend sim"

# guest [ENV=VALUE...] -- CODE STDERR-LINE -- ARGS: run -F with the guest
# script XBUILD_SIM_GUEST=$1.
guest() {
	g=$1; shift
	XBUILD_SIM_GUEST=$g expect "$@"
}
domids() { tr '\n' ' ' <"$T/out" | sed 's/ $//'; }

guest poweroff 0 "xbuild: domain 1 'fg' powered off; on_poweroff = destroy: destroyed" -- $F "$T/fg.cfg"
[ "$(domids)" = 1 ] || fail "poweroff: stdout '$(domids)', not the domid"
guest reboot,poweroff 0 "xbuild: domain 1 'fg' rebooted; on_reboot = restart: destroyed; building it again" -- $F "$T/fg.cfg"
has_line "$T/err" "xbuild: domain 2 'fg' powered off; on_poweroff = destroy: destroyed" || fail "reboot: no poweroff of domain 2: $(cat "$T/err")"
[ "$(domids)" = "1 2" ] || fail "reboot: domids '$(domids)', want '1 2' (rebuilt)"
guest crash 6 "xbuild: domain 1 'fg' crashed; on_crash = destroy: destroyed" -- $F "$T/fg.cfg"
guest crash,poweroff 0 "xbuild: domain 1 'fg' crashed; on_crash = restart: destroyed; building it again" -- $F "$T/fg.cfg" 'on_crash="restart"'
[ "$(domids)" = "1 2" ] || fail "crash restart: domids '$(domids)'"
guest reboot 5 "xbuild: domain 1 'fg' rebooted; on_reboot = destroy: destroyed" -- $F "$T/fg.cfg" 'on_reboot="destroy"'
guest watchdog 7 "xbuild: domain 1 'fg' was shut down by its watchdog: destroyed (xl's on_watchdog default)" -- $F "$T/fg.cfg"
guest soft_reset 9 "xbuild: domain 1 'fg' asked for a soft reset: destroyed (xbuild cannot soft-reset a domain)" -- $F "$T/fg.cfg"
guest vanish 10 "xbuild: domain 1 'fg' was destroyed by someone else" -- $F "$T/fg.cfg"

# What destroys and what does not: with every destroy failing, preserve
# and suspend still end cleanly, destroy does not.
XBUILD_SIM_FAIL_OP=destroy guest poweroff 3 "xbuild: destroying domain 1: destroy: simulated failure (call @N@)" -- $F "$T/fg.cfg"
XBUILD_SIM_FAIL_OP=destroy guest poweroff 0 "xbuild: domain 1 'fg' powered off; on_poweroff = preserve: left shut down" -- $F "$T/fg.cfg" 'on_poweroff="preserve"'
XBUILD_SIM_FAIL_OP=destroy guest crash 6 "xbuild: domain 1 'fg' crashed; on_crash = preserve: left shut down" -- $F "$T/fg.cfg" 'on_crash="preserve"'
XBUILD_SIM_FAIL_OP=destroy guest suspend 8 "xbuild: domain 1 'fg' suspended: left as it is (for whoever suspended it, as xl leaves it)" -- $F "$T/fg.cfg"
# rename-restart keeps the old domain (no destroy) under NAME-YYYYMMDDTHHMMZ
# and builds a new one.
XBUILD_SIM_FAIL_OP=destroy guest reboot,poweroff 0 "xbuild: domain 1 'fg' rebooted; on_reboot = rename-restart: kept as fg-@N@T@N@Z; building it again" -- \
	$F "$T/fg.cfg" 'on_reboot="rename-restart"' 'on_poweroff="preserve"'
[ "$(domids)" = "1 2" ] || fail "rename-restart: domids '$(domids)'"
XBUILD_SIM_FAIL_OP=set_handle guest reboot 3 "xbuild: rename-restart: domain 1 is left as it is: set_handle: simulated failure (call @N@)" -- \
	$F "$T/fg.cfg" 'on_reboot="rename-restart"'
# Two renames within one minute want the same name: the second is refused
# (as libxl refuses it), the domain left as it is, exit 3.
guest reboot 3 "xbuild: rename-restart: domain @N@ is left as it is: cannot keep domain @N@ as \"fg-@N@T@N@Z\": domain @N@ has that name" -- \
	$F "$T/fg.cfg" 'on_reboot="rename-restart"'
# restart, by contrast, destroys the old domain first
XBUILD_SIM_FAIL_OP=destroy guest reboot 3 "xbuild: destroying domain 1: destroy: simulated failure (call @N@)" -- $F "$T/fg.cfg"

# With the kernel cache: the restart reads its entry (a hit) where the
# first build stored it (a miss); nothing leaks (SAN=1).
mkdir -m 700 "$T/kc"
guest reboot,poweroff 0 "" -- $F -v --cache-dir "$T/kc" "$T/fg.cfg"
[ "$(domids)" = "1 2" ] || fail "cache: domids '$(domids)'"
{ grep -q '^xbuild: cache: stored ' "$T/err" && grep -q '^xbuild: cache: hit ' "$T/err"; } ||
	fail "cache: not stored, then hit: $(grep cache "$T/err")"
if grep -qE "runtime error|Sanitizer" "$T/err"; then fail "cache: $(grep -m1 -E 'runtime error|Sanitizer' "$T/err")"; fi

# The rate limit: the sixth restart within 60 s is refused.
guest reboot 12 "xbuild: domain 6 'fg' rebooted; on_reboot = restart: destroyed; not restarted: more than 5 restarts within 60 s" -- $F "$T/fg.cfg"
[ "$(domids)" = "1 2 3 4 5 6" ] || fail "rate limit: domids '$(domids)'"

# JSON: the run document after each build, then the events.
guest reboot,crash 6 "" -- $F --json "$T/fg.cfg"
python3 - "$T/out" <<'PY' || fail "--json events: $(cat "$T/out")"
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])]
ev = [(x.get("event"), x["domid"], x.get("reason"), x.get("action")) for x in d]
want = [(None, 1, None, None), ("shutdown", 1, "reboot", "restart"), (None, 2, None, None),
        ("shutdown", 2, "crash", "destroy"), ("exit", 2, "crash", "destroy")]
assert ev == want, ev
assert d[-1]["exit_code"] == 6 and d[-1]["restarts"] == 1 and d[-1]["signal"] is None, d[-1]
PY

# SIGTERM/SIGINT: the guest is asked to power off (control/shutdown); one
# that does exits 0 at once, one that does not is destroyed after
# --shutdown-timeout, or at once on a second signal or when paused.
# sig_run GUEST SIGNALS ARGS...: start run -F, wait for the domid, send the
# signals (space-separated, 0.3 s apart); $rc, $secs (whole seconds taken).
# The signals go once the run printed $boots domids (default 1: the first
# boot is up; 2: the restart is done), so a loaded machine cannot send them
# in the middle of a build.
sig_run() {
	g=$1; sigs=$2; shift 2
	rm -f "$T/out" "$T/err"
	XBUILD_SIM_GUEST=$g $F "$@" >"$T/out" 2>"$T/err" &
	pid=$!
	i=0
	until [ "$( (cat "$T/out" 2>/dev/null) | wc -l)" -ge "${boots:-1}" ] || [ $i -ge 400 ]; do
		sleep 0.05; i=$((i + 1))
	done
	t0=$(date +%s)
	for s in $sigs; do kill -"$s" $pid; sleep 0.3; done
	wait $pid; rc=$?
	secs=$(($(date +%s) - t0))
}
sig_run run TERM "$T/fg.cfg"
[ $rc -eq 0 ] || fail "SIGTERM, obliging guest: exit $rc: $(cat "$T/err")"
has_line "$T/err" "xbuild: signal 15: asking domain 1 'fg' to power off (destroyed after 60 s)" || fail "SIGTERM: no request line: $(cat "$T/err")"
has_line "$T/err" "xbuild: domain 1 'fg' powered off; on_poweroff = destroy: destroyed" || fail "SIGTERM: not powered off: $(cat "$T/err")"
[ $secs -le 5 ] || fail "SIGTERM: took ${secs}s"
boots=2
sig_run reboot,run TERM "$T/fg.cfg" 'on_poweroff="restart"'
boots=1
[ $rc -eq 0 ] || fail "SIGTERM after a restart: exit $rc"
has_line "$T/err" "xbuild: domain 2 'fg' powered off; on_poweroff = restart: destroyed; not restarted: xbuild was asked to stop" ||
	fail "SIGTERM: a restart action was carried out: $(cat "$T/err")"
sig_run deaf TERM --shutdown-timeout 2 "$T/fg.cfg"
[ $rc -eq 11 ] || fail "SIGTERM, deaf guest: exit $rc, want 11"
has_line "$T/err" "xbuild: domain 1 'fg' did not power off in time: destroyed" || fail "deaf: $(cat "$T/err")"
[ $secs -ge 2 ] && [ $secs -le 6 ] || fail "deaf: destroyed after ${secs}s, want about 2"
sig_run deaf "INT INT" "$T/fg.cfg"
[ $rc -eq 11 ] || fail "two SIGINTs: exit $rc, want 11"
has_line "$T/err" "xbuild: domain 1 'fg' did not power off (a second signal): destroyed" || fail "two SIGINTs: $(cat "$T/err")"
[ $secs -le 5 ] || fail "two SIGINTs: took ${secs}s"
sig_run run TERM -p "$T/fg.cfg"
[ $rc -eq 11 ] || fail "-p, SIGTERM: exit $rc, want 11"
has_line "$T/err" "xbuild: domain 1 'fg' did not power off (it is paused): destroyed" || fail "-p: $(cat "$T/err")"
sig_run run TERM --json "$T/fg.cfg"
python3 - "$T/out" <<'PY' || fail "SIGTERM --json: $(cat "$T/out")"
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])]
assert [x.get("event") for x in d] == [None, "signal", "shutdown", "exit"], d
assert d[1]["signal"] == 15 and d[1]["timeout"] == 60, d[1]
assert d[3]["signal"] == 15 and d[3]["exit_code"] == 0 and d[3]["reason"] == "poweroff", d[3]
PY

# Watching fails: said, exit 3, the domain left running.
XBUILD_SIM_FAIL_OP=domain_info guest poweroff 3 "xbuild: domain 1 is left running: watching it failed: domain_info: simulated failure (call @N@)" -- $F "$T/fg.cfg"
XBUILD_SIM_FAIL_OP=wait_domains guest run 3 "xbuild: domain 1 is left running: watching it failed: wait_domains: simulated failure (call @N@)" -- $F "$T/fg.cfg"

# Every backend call of a run -F that restarts once fails in turn: exit 3
# with the failed call named, and no sanitizer report (make SAN=1 unit):
# the restart's build failing included.
k=1
while [ $k -le 400 ]; do
	XBUILD_SIM_FAIL_CALL=$k XBUILD_SIM_GUEST=reboot,poweroff $F "$T/fg.cfg" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && break
	[ $rc -eq 3 ] || fail "fault at call $k: exit $rc: $(tail -n 2 "$T/err")"
	grep -q "simulated failure (call $k)" "$T/err" || fail "fault at call $k: not named: $(tail -n 2 "$T/err")"
	if grep -qE "runtime error|Sanitizer" "$T/err"; then fail "call $k: $(grep -m1 -E 'runtime error|Sanitizer' "$T/err")"; fi
	k=$((k + 1))
done
[ $rc -eq 0 ] && [ "$(domids)" = "1 2" ] || fail "fault walk: no clean run after $k calls (exit $rc)"
[ $k -gt 100 ] || fail "fault walk: only $k calls for two builds"

# What -F refuses, before anything is built.
printf 'on_crash = "coredump-restart"\n' >>"$T/fg.cfg"
expect 2 "xbuild: @T@/fg.cfg:4: on_crash = \"coredump-restart\": xbuild run -F cannot carry this out (it writes no core dumps); use destroy, restart, rename-restart or preserve" -- $F "$T/fg.cfg"
[ -s "$T/out" ] && fail "coredump-restart: something was built: $(cat "$T/out")"
expect 2 "xbuild: command line: on_reboot=\"soft-reset\": xbuild run -F cannot carry this out (a soft reset is for HVM guests); use destroy, restart, rename-restart or preserve" -- $F "$T/fg.cfg" 'on_reboot="soft-reset"' 'on_crash="destroy"'
expect 1 "xbuild: -F and -c do not go together: -c hands xbuild over to xl console (run \`xl console NAME\` beside -F)" -- $F -c "$T/fg.cfg"
expect 1 "xbuild: --shutdown-timeout needs -F" -- "$X" run --backend sim --shutdown-timeout 5 "$T/fg.cfg"
expect 1 "xbuild: bad number of seconds 'soon' (0 to 86400)" -- $F --shutdown-timeout soon "$T/fg.cfg"
expect 1 "xbuild: --foreground does not apply here" -- "$XBUILD" plan -F "$T/fg.cfg"

# Without -F a non-default action draws one warning (key and line); the
# defaults none.  The coredump action is only warned about then.
expect 0 "xbuild: warning: @T@/fg.cfg:4: on_crash = \"coredump-restart\": nothing carries this out: xbuild run exits once the guest runs (run -F stays and does)" -- \
	"$X" run --backend sim "$T/fg.cfg"
[ "$(grep -c warning "$T/err")" = 1 ] || fail "warnings: $(cat "$T/err")"
expect 0 "" -- "$X" run --backend sim "$T/fg.cfg" 'on_crash="destroy"' 'on_reboot="restart"'
[ -s "$T/err" ] && fail "default actions drew: $(cat "$T/err")"
finish
