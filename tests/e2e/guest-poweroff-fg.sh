#!/bin/busybox sh
# /sbin/poweroff of the run -F guests: Linux runs it (orderly_poweroff)
# when control/shutdown says "poweroff"; the marker shows the guest shut
# down cleanly rather than being destroyed.
# shellcheck shell=sh
echo "XBUILD-FG-ORDERLY-POWEROFF" >/dev/hvc0
exec /bin/busybox poweroff -f
