#!/bin/busybox sh
# /init of the dom0 initramfs (busybox): load the Xen drivers, start
# xenstored and xenconsoled, run the e2e cases (or the demo), print
#   E2E-BEGIN ... E2E-END rc=N
# on the console, power off.  Settings come from /etc/e2e/env.
# shellcheck shell=sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/lib/xen-4.17/bin
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /run /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /var/log/xen/console /var/lib/xen /var/lib/xenstored /run/xen /run/xenstored /run/lock
ln -sfn /run /var/run
ln -sfn /run/lock /var/lock
exec </dev/console >/dev/console 2>&1

# shellcheck source=/dev/null
. /etc/e2e/env
echo "E2E-BEGIN mode=$E2E_MODE launcher=$E2E_LAUNCHER"
while read -r m; do
	insmod "$m" || echo "e2e: insmod $m failed"
done </etc/e2e/modules
mount -t xenfs xenfs /proc/xen
xenstored --pid-file=/run/xenstored.pid || echo "e2e: xenstored failed"
xen-init-dom0 >/tmp/xen-init-dom0.log 2>&1 || { echo "e2e: xen-init-dom0 failed"; cat /tmp/xen-init-dom0.log; }
xenconsoled --log=guest --log-dir=/var/log/xen/console --pid-file=/run/xenconsoled.pid ||
	echo "e2e: xenconsoled failed"

# shellcheck source=/dev/null
. /etc/e2e/cases.sh
e2e_rc=0
if [ "$E2E_MODE" = demo ]; then
	demo || e2e_rc=$?
elif [ "$E2E_MODE" = bench ]; then
	# make bench-xen: tests/bench/dom0-bench.sh
	# shellcheck source=/dev/null
	. /etc/e2e/bench.sh
	bench_main || e2e_rc=$?
else
	run_cases || e2e_rc=$?
fi
echo "E2E-END rc=$e2e_rc"
sync
poweroff -f
