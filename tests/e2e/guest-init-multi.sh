#!/bin/busybox sh
# /init of the Linux guest's multi-member initrd (case linux-multi): it lives
# in the last member; print the marker file of every member on the PV
# console (a missing one says so), then the end line, and power off.
# shellcheck shell=sh
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev
$bb mount -t devtmpfs devtmpfs /dev 2>/dev/null
$bb mount -t proc proc /proc
exec >/dev/hvc0 2>&1
for n in 1 2 3 4 5 6 7 8; do
	$bb cat "/m$n/marker" 2>/dev/null || echo "XBUILD-MEMBER-$n-MISSING"
done
echo "XBUILD-MULTI-DONE"
$bb poweroff -f
