#!/bin/busybox sh
# /init of the run -F guests' initrds (cases foreground, fg-term): say which
# initrd booted (/fgboot: 1 or 2, so a rebuild that read the files again
# shows) and this boot's id, then do what dom0 writes on the console:
# "reboot" or "poweroff".  /sbin/poweroff (below) is what Linux runs when
# the toolstack asks through control/shutdown.
# shellcheck shell=sh
bb=/bin/busybox
$bb mkdir -p /proc /sys /dev
$bb mount -t devtmpfs devtmpfs /dev 2>/dev/null
$bb mount -t proc proc /proc
exec </dev/hvc0 >/dev/hvc0 2>&1
echo "XBUILD-FG-BOOT-$($bb cat /fgboot) boot_id=$($bb cat /proc/sys/kernel/random/boot_id)"
while read -r cmd; do
	case $cmd in
	*reboot*)
		echo "XBUILD-FG-REBOOTING"
		$bb reboot -f
		;;
	*poweroff*)
		echo "XBUILD-FG-POWERING-OFF"
		$bb poweroff -f
		;;
	esac
done
$bb sleep 100000
