#!/bin/busybox sh
# /init of the Linux guest's initrd (busybox): greet on the PV console, show
# what the guest sees, power off.  The harness waits for the marker line.
# shellcheck shell=sh
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev
$bb mount -t devtmpfs devtmpfs /dev 2>/dev/null
$bb mount -t proc proc /proc
exec >/dev/hvc0 2>&1
# shellcheck disable=SC2016 # awk program
mem=$($bb awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)
echo "Hello from a Xen PV guest: $($bb uname -sr), $($bb nproc) vCPU, MemTotal $mem"
echo "guest cmdline: $($bb cat /proc/cmdline)"
echo "XBUILD-LINUX-GUEST-OK"
$bb poweroff -f
