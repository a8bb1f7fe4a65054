#!/bin/sh
# End-to-end tests on real Xen: boots Debian's Xen 4.17 under QEMU (TCG) with
# Debian's kernel as PV dom0 and a busybox initramfs that creates PV guests
# with xbuild (or xl) and checks them.  Usage:
#   tests/e2e/run.sh          run the cases (make e2e)
#   tests/e2e/run.sh --demo   one guest started by `xbuild run`, its console shown
#   tests/e2e/run.sh --bench  the benchmarks on real Xen (make bench-xen, through
#                             tests/bench/bench-xen.sh: tests/bench/prep-dom0.sh
#                             adds its files, dom0 runs tests/bench/dom0-bench.sh)
# Environment:
#   XBUILD=path        the xbuild binary (default ./xbuild)
#   XBUILD_TEST=path   the test binary, with --test-bad-pte (make test-bin;
#                      default build-test/xbuild); xbuild-test in dom0
#   GUEST_DIR=dir      built checking guests + xbc-sum (default build/guest)
#   SIDUMP=path        built sidump (default build/e2e/sidump)
#   MINITS=path        built minits (default build/e2e/minits)
#   E2E_LAUNCHER=xl    create guests with `xl create` instead of `xbuild run`
#   E2E_CASES="..."    subset/order of: xbc-selftest xbc-classic xbc-modern xbc-classic-nomod
#                      xbc-modern-1g linux compare pvh pvh2 pvh-compare, and with xbuild only:
#                      pvh-nophys32 (a PVH config with a kernel without PHYS32_ENTRY)
#                      pvh-xl-tools (xl list/console/destroy on a PVH guest)
#                      linux-zstd (the kernel with a zstd payload, decoded
#                      straight into guest memory) linux-vmlinux (the
#                      uncompressed ELF inside it, its pages of zeros
#                      neither mapped nor copied) linux-multi (a
#                      multi-member initrd) populate-thread (a guest
#                      populated by a second thread, and one too large for
#                      Xen's memory refused from it) build
#                      (xbuild build under minits) xl-tools (xl on an xbuild run
#                      domain) bad-pte grub (GRUB's 64-bit PV image boots)
#                      grub32 (its 32-bit PAE image is refused cleanly)
#                      foreground (run -F: reboot, rebuild, poweroff) fg-term
#                      (SIGTERM to run -F shuts the guest down) fg-rename
#                      (rename-restart and preserve) pvh-unpause (the PVH
#                      guest created paused by xl and by xbuild, then
#                      xl unpause, PVH_UNPAUSE_N times each, default 3)
#                      pvh-stress (PVH guests three at a time, by xl and
#                      by xbuild, PVH_STRESS_ROUNDS rounds, default 2)
#                      pvh-nohap (with E2E_XEN_ARGS=hap=0: a PVH config is
#                      refused before anything is created)
#   E2E_TIMEOUT=s      QEMU wall-clock limit (default 720)
#   E2E_QEMU_MEM=MiB   QEMU's memory (default 2048)
#   E2E_DOM0_MEM=size  dom0_mem for Xen (default 512M)
#   E2E_XEN_ARGS=...   more options for Xen's command line
#   E2E_QEMU_ARGS=...  more options for QEMU
#   E2E_TCG_THREAD=single|multi  QEMU's TCG threading (default multi: one host
#                      thread per vCPU)
#   E2E_CPU=model      QEMU's -cpu (default max)
#   E2E_NO_DEPS=1      do not run scripts/deps.sh
#   E2E_VERBOSE=1      show the console of passing guests too
#   GRUB_DIR=dir       grub-x86_64-xen.bin and grub-i386-xen.bin (default: from
#                      Debian's grub-xen-host, downloaded into .cache/e2e)
# Downloads go to .cache/e2e (only the first run); the serial log is
# .cache/e2e/serial.log.  Exit: 0 all passed, 1 a case failed, 2 setup
# failed, 3 no end marker (QEMU hung, dom0 died, timeout).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/e2e
cache=$top/.cache/e2e
mode="test"
[ "${1:-}" = --demo ] && mode=demo
[ "${1:-}" = --bench ] && mode=bench
XBUILD=${XBUILD:-$top/xbuild}
XBUILD_TEST=${XBUILD_TEST:-$top/build-test/xbuild}
GUEST_DIR=${GUEST_DIR:-$top/build/guest}
SIDUMP=${SIDUMP:-$top/build/e2e/sidump}
MINITS=${MINITS:-$top/build/e2e/minits}
PVHDUMP=${PVHDUMP:-$top/build/e2e/pvhdump}
E2E_LAUNCHER=${E2E_LAUNCHER:-xbuild}
# build, xl-tools and bad-pte test xbuild itself (xbuild build, xbuild run
# with xl's tools, --test-bad-pte); with xl they are left out.
all_cases="xbc-selftest xbc-classic xbc-modern xbc-classic-nomod xbc-modern-1g xbc-gntv2 gntv1 linux compare pvh pvh2 pvh-compare"
[ "$E2E_LAUNCHER" = xbuild ] && all_cases="$all_cases linux-zstd linux-vmlinux linux-multi populate-thread build xl-tools bad-pte grub grub32 race kill chunked console foreground fg-term fg-rename pvh-xl-tools pvh-nophys32"
# eight (E2E_CASES=eight) is left out of the default list: it passed in 3
# of 7 runs; the others saw dom0 processes misbehave while the eight builds
# ran (busybox awk segfaults, a zstd checksum mismatch, EINVAL from
# xs_set_permissions), the corruption this Xen under QEMU shows under load
# for xl too (pvh-stress) - see tests/e2e/README.md.
# The PVH boot cases (pvh, pvh2, pvh-xl-tools) boot a guest once more when
# the first crashed by itself (a triple fault, a panic): under load, guests
# built by xl and by xbuild crash alike here, with the same registers, and
# decoders in dom0 see corrupt data (pvh-stress; tests/e2e/README.md).
# pvh-unpause and pvh-stress (many boots, both builders) run on request.
E2E_CASES=${E2E_CASES:-$all_cases}
E2E_TIMEOUT=${E2E_TIMEOUT:-720}
E2E_QEMU_MEM=${E2E_QEMU_MEM:-2048}
E2E_DOM0_MEM=${E2E_DOM0_MEM:-512M}
E2E_XEN_ARGS=${E2E_XEN_ARGS:-}
E2E_QEMU_ARGS=${E2E_QEMU_ARGS:-}
E2E_TCG_THREAD=${E2E_TCG_THREAD:-multi}
E2E_CPU=${E2E_CPU:-max}
case $E2E_LAUNCHER in
xl | xbuild) ;;
*) echo "e2e: E2E_LAUNCHER must be xl or xbuild" >&2; exit 2 ;;
esac

XEN_PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17
libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenstore4 libxentoollog1
libxenhypfs1 libxendevicemodel1 libxentoolcore1 libyajl2"
DOM0_MODULES="xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs"
XEN_BINS="xl xenstored xenconsoled xen-init-dom0 xenctx xenconsole"

say() { echo "e2e: $*"; }
die() { echo "e2e: $*" >&2; exit 2; }
t_start=$(date +%s)

# ---- host packages (idempotent)
[ "${E2E_NO_DEPS:-0}" = 1 ] || "$top/scripts/deps.sh" e2e || die "scripts/deps.sh e2e failed"

# ---- Debian packages: apt-get download + dpkg -x into $cache/root
mkdir -p "$cache/debs" "$cache/root/.unpacked"
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
if [ -z "$kpkg" ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
fi
[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 (apt-cache depends)"
need=""
for p in $XEN_PKGS $kpkg; do
	ls "$cache/debs/${p}_"*.deb >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
	say "downloading:$need"
	# shellcheck disable=SC2086 # word splitting wanted
	(cd "$cache/debs" && { apt-get download -q $need >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get download -q $need >/dev/null; }; }) ||
		die "apt-get download failed"
fi
# GRUB's PV images (cases grub, grub32): not needed by the rest, so a failed
# download only warns (those cases then fail).  tests/fetch-kernel.sh's copy
# is reused when there is one.
if ! ls "$cache/debs/grub-xen-host_"*.deb >/dev/null 2>&1; then
	cp "$top/.cache/kernel/grub-xen-host_"*.deb "$cache/debs/" 2>/dev/null ||
		(cd "$cache/debs" && apt-get download -q grub-xen-host >/dev/null 2>&1) ||
		say "warning: cannot download grub-xen-host: the grub cases will fail"
fi
GRUB_DIR=${GRUB_DIR:-$cache/root/usr/lib/grub-xen}
for deb in "$cache"/debs/*.deb; do
	stamp=$cache/root/.unpacked/$(basename "$deb")
	[ -e "$stamp" ] || { dpkg -x "$deb" "$cache/root" && touch "$stamp"; } || die "dpkg -x $deb"
done
kver=${kpkg#linux-image-}
vmlinuz=$cache/root/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "no $vmlinuz"
xen=$cache/xen-4.17-amd64
[ -f "$xen" ] || gzip -dc "$cache/root/boot/xen-4.17-amd64.gz" >"$xen" # QEMU's multiboot wants it plain

# ---- what goes into the dom0 initramfs
for f in "$GUEST_DIR/xbc-classic.elf" "$GUEST_DIR/xbc-modern.elf" "$GUEST_DIR/xbc-sum"; do
	[ -f "$f" ] || die "missing $f (make guest)"
done
[ -x "$XBUILD" ] || say "warning: no xbuild binary at $XBUILD: cases with it will fail"
[ -x "$XBUILD_TEST" ] || say "warning: no test binary at $XBUILD_TEST: the bad-pte and build cases will fail"
[ -x "$SIDUMP" ] || say "warning: no sidump at $SIDUMP: the compare case will fail"
[ -x "$MINITS" ] || say "warning: no minits at $MINITS: the build case will fail"

rm -rf "$cache/dom0" "$cache/lguest"
d=$cache/dom0
mkdir -p "$d/bin" "$d/sbin" "$d/usr/bin" "$d/usr/sbin" "$d/lib/x86_64-linux-gnu" "$d/lib64" \
	"$d/lib/modules" "$d/etc/e2e" "$d/guests" "$d/dev" "$d/proc" "$d/sys" "$d/usr/lib/xen-4.17/bin"
libpath=$cache/root/usr/lib/x86_64-linux-gnu:$cache/root/lib/x86_64-linux-gnu

# copy_bin SRC DEST: the binary and every shared library it needs (the
# unpacked Xen ones before the host's), plus libgcc_s (glibc loads it at run
# time for thread cancellation; xl aborts without it).
copy_bin() {
	cp -L "$1" "$d$2"
	LD_LIBRARY_PATH=$libpath ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }' |
		while read -r lib; do
			case $lib in
			*/ld-linux-x86-64.so.2) [ -e "$d/lib64/ld-linux-x86-64.so.2" ] || cp -L "$lib" "$d/lib64/" ;;
			*) [ -e "$d/lib/x86_64-linux-gnu/${lib##*/}" ] || cp -L "$lib" "$d/lib/x86_64-linux-gnu/" ;;
			esac
		done
}
cp /bin/busybox "$d/bin/busybox"
ln -s busybox "$d/bin/sh"
for b in $XEN_BINS; do
	copy_bin "$cache/root/usr/lib/xen-4.17/bin/$b" "/usr/lib/xen-4.17/bin/$b"
done
for b in "$cache"/root/usr/bin/xenstore*; do
	copy_bin "$b" "/usr/bin/${b##*/}"
done
gcc_s=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ { print $NF; exit }')
cp -L "${gcc_s:-/lib/x86_64-linux-gnu/libgcc_s.so.1}" "$d/lib/x86_64-linux-gnu/"
[ -x "$XBUILD" ] && copy_bin "$XBUILD" /usr/bin/xbuild
[ -x "$XBUILD_TEST" ] && copy_bin "$XBUILD_TEST" /usr/bin/xbuild-test
[ -x "$SIDUMP" ] && copy_bin "$SIDUMP" /usr/bin/sidump
[ -x "$MINITS" ] && copy_bin "$MINITS" /usr/bin/minits
[ -x "$PVHDUMP" ] && copy_bin "$PVHDUMP" /usr/bin/pvhdump

# Xen drivers are modules in Debian's config: depmod, then the load order.
depmod -b "$cache/root" "$kver"
: >"$d/etc/e2e/modules"
for m in $DOM0_MODULES; do
	modprobe -d "$cache/root" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	cp "$ko" "$d/lib/modules/"
	echo "/lib/modules/${ko##*/}" >>"$d/etc/e2e/modules"
done
[ -s "$d/etc/e2e/modules" ] || die "no kernel modules found for $kver"

# ---- guests
cp "$GUEST_DIR/xbc-classic.elf" "$GUEST_DIR/xbc-modern.elf" "$d/guests/"
cp "$vmlinuz" "$d/guests/vmlinuz"
# linux-zstd: the same kernel with a zstd -22 payload, as bench-xen makes it
# (tests/bench/mkkernels.sh, once into .cache/bench-xen).
# linux-vmlinux: the ELF inside it, uncompressed (66 MB, half of it zeros:
# the case removes it from dom0's memory when it is done).
kdir=$top/.cache/bench-xen/kernels
[ "$mode" = test ] && case " $E2E_CASES " in *" linux-zstd "* | *" linux-vmlinux "*)
	"$top/tests/bench/mkkernels.sh" "$vmlinuz" "$kdir" ||
		die "cannot make the zstd kernel"
	case " $E2E_CASES " in *" linux-zstd "*) cp "$kdir/vmlinuz-zstd" "$d/guests/vmlinuz-zstd" ;; esac
	case " $E2E_CASES " in *" linux-vmlinux "*) cp "$kdir/vmlinux" "$d/guests/vmlinux" ;; esac ;;
esac
for g in grub-x86_64-xen.bin grub-i386-xen.bin; do
	cp "$GRUB_DIR/$g" "$d/guests/" 2>/dev/null || say "warning: no $GRUB_DIR/$g: the grub cases will fail"
done
# Classic module: random bytes behind a fixed header (never gzip magic), an
# odd length so the tail of its last page is checked too.
{ printf 'XBCMOD classic\n'; head -c 307193 /dev/urandom; } >"$d/guests/xbc-classic.mod"
# Modern module: gzip; the guest sees (and sums) the decompressed bytes.
seq 1 180000 >"$cache/modern.mod"
gzip -9n <"$cache/modern.mod" >"$d/guests/xbc-modern.mod.gz"

# Linux guest initrd: static busybox + an /init printing the marker.
lg=$cache/lguest
mkdir -p "$lg/bin" "$lg/dev" "$lg/proc" "$lg/sys"
cp /bin/busybox "$lg/bin/busybox"
cp "$here/guest-init.sh" "$lg/init"
mknod -m 600 "$lg/dev/console" c 5 1 2>/dev/null || true
(cd "$lg" && find . | cpio -o -H newc --quiet | gzip -9n) >"$d/guests/linux-initrd.gz"

# run -F guests (cases foreground, fg-term): two initrds that differ only
# in /fgboot, /init waits for a word on its console, /sbin/poweroff for
# control/shutdown.
for n in 1 2; do
	fg=$cache/lguest-fg$n
	rm -rf "$fg"
	mkdir -p "$fg/bin" "$fg/sbin" "$fg/dev" "$fg/proc" "$fg/sys"
	cp /bin/busybox "$fg/bin/busybox"
	cp "$here/guest-init-fg.sh" "$fg/init"
	cp "$here/guest-poweroff-fg.sh" "$fg/sbin/poweroff"
	chmod 755 "$fg/init" "$fg/sbin/poweroff"
	echo $n >"$fg/fgboot"
	mknod -m 600 "$fg/dev/console" c 5 1 2>/dev/null || true
	(cd "$fg" && find . | cpio -o -H newc --quiet | gzip -9n) >"$d/guests/fg-initrd-$n.gz"
done

# Multi-member initrd (case linux-multi), as initramfs-tools and dracut
# concatenate them: one member per format Linux reads, each a cpio archive
# with /mN/marker ("XBUILD-MEMBER-N-FORMAT"); the first is gzip (a builder
# that decompresses only the first member loses all the others), a plain
# cpio second, zero padding to 4 bytes before each member, /init and
# busybox in the last.
mm=$cache/lguest-multi
mi=$d/guests/linux-multi-initrd.img
multi_fmts="gzip cpio bzip2 xz lzma lzo lz4 zstd"
rm -rf "$mm"
: >"$mi"
n=0
for fmt in $multi_fmts; do
	n=$((n + 1))
	m=$mm/m$n
	mkdir -p "$m/m$n"
	echo "XBUILD-MEMBER-$n-$fmt" >"$m/m$n/marker"
	if [ $n = 8 ]; then
		mkdir -p "$m/bin" "$m/dev" "$m/proc" "$m/sys"
		cp /bin/busybox "$m/bin/busybox"
		cp "$here/guest-init-multi.sh" "$m/init"
		chmod 755 "$m/init"
		mknod -m 600 "$m/dev/console" c 5 1 2>/dev/null || true
	fi
	head -c $(((4 - $(wc -c <"$mi") % 4) % 4)) /dev/zero >>"$mi"
	(cd "$m" && find . | cpio -o -H newc --quiet) | case $fmt in
	gzip) gzip -9n ;;
	cpio) cat ;;
	bzip2) bzip2 -9 ;;
	xz) xz --check=crc32 -6 ;;
	lzma) xz --format=lzma -6 ;;
	lzo) lzop -c ;;
	lz4) lz4 -l -q -c ;;	# Linux's legacy frame: no end marker
	zstd) zstd -q -c ;;
	esac >>"$mi" || die "cannot make the multi-member initrd ($fmt)"
done

# xbc_cmdline PAGES MODFILE: the checking guest's command line, padded to
# about 900 bytes so a builder that cuts it short is caught.
xbc_cmdline() {
	set -- "$1" "$("$GUEST_DIR/xbc-sum" "$2")"
	pad=$(printf '%0800d' 0 | tr 0 x)
	echo "xbc.pages=$1 xbc.modlen=${2% *} xbc.modsum=${2#* } xbc.pad=$pad xbc.end"
}
# xbc_cfg NAME VARIANT MEMORY [RAMDISK SUMMED-FILE]: a checking guest's config.
xbc_cfg() {
	{
		echo "# checking guest: $2 variant, memory $3 MiB${4:+, module ${4##*/}}"
		echo "name = \"e2e-$1\""
		echo 'type = "pv"'
		echo "memory = $3"
		echo "kernel = \"/guests/xbc-$2.elf\""
		if [ -n "${4:-}" ]; then
			echo "ramdisk = \"$4\""
			echo "cmdline = \"$(xbc_cmdline $(($3 * 256)) "$5")\""
		else
			echo "cmdline = \"xbc.pages=$(($3 * 256)) xbc.end\""
		fi
	} >"$d/etc/e2e/$1.cfg"
}
xbc_cfg xbc-classic classic 64 /guests/xbc-classic.mod "$d/guests/xbc-classic.mod"
xbc_cfg xbc-modern modern 128 /guests/xbc-modern.mod.gz "$cache/modern.mod"
xbc_cfg xbc-classic-nomod classic 32
xbc_cfg xbc-modern-1g modern 1100 /guests/xbc-modern.mod.gz "$cache/modern.mod"
# build: xbc-classic's guest under its own name, built by `xbuild build` for
# minits; xl-tools: a small classic guest for xl console/list/destroy.
xbc_cfg build classic 64 /guests/xbc-classic.mod "$d/guests/xbc-classic.mod"
xbc_cfg xl-tools classic 32
# Grant tables: the guest switches to version 2 (allowed by default, as xl
# does), and must be refused when max_grant_version = 1.
xbc_cfg console classic 32
xbc_cfg xbc-gntv2 classic 32
xbc_cfg gntv1 classic 32
sed -i 's/ xbc.end"$/ xbc.gntv=2 xbc.end"/' "$d/etc/e2e/xbc-gntv2.cfg" "$d/etc/e2e/gntv1.cfg"
echo "max_grant_version = 1" >>"$d/etc/e2e/gntv1.cfg"
# race: two builds of one name at once (xbuild/xbuild, xl/xbuild).
xbc_cfg race classic 32
# Self-test of the guest and the harness: wrong expectations and a fault must
# be reported as such (the case passes when they are).
xbc_cfg xbc-selftest classic 32
sed -i 's/^cmdline = "xbc.pages=8192 xbc.end"/cmdline = "xbc.pages=8193 xbc.modlen=5 xbc.fault=1 xbc.end"/' \
	"$d/etc/e2e/xbc-selftest.cfg"
# GRUB's PV images (no ramdisk): it stops at its prompt, the case destroys it.
grub_cfg() { # name image
	printf 'name = "%s"\ntype = "pv"\nmemory = 64\nkernel = "/guests/%s"\n' "$1" "$2"
}
grub_cfg e2e-grub grub-x86_64-xen.bin >"$d/etc/e2e/grub.cfg"
grub_cfg e2e-grub32 grub-i386-xen.bin >"$d/etc/e2e/grub32.cfg"
linux_cfg() { # name
	cat <<EOF
name = "$1"
type = "pv"
memory = 128
kernel = "/guests/vmlinuz"
ramdisk = "/guests/linux-initrd.gz"
cmdline = "console=hvc0 rdinit=/init loglevel=4"
EOF
}
linux_cfg e2e-linux >"$d/etc/e2e/linux.cfg"
linux_cfg e2e-linux-zstd | sed 's|/guests/vmlinuz|/guests/vmlinuz-zstd|' >"$d/etc/e2e/linux-zstd.cfg"
linux_cfg e2e-linux-vmlinux | sed 's|/guests/vmlinuz|/guests/vmlinux|' >"$d/etc/e2e/linux-vmlinux.cfg"
linux_cfg e2e-linux-multi | sed 's|/guests/linux-initrd.gz|/guests/linux-multi-initrd.img|' \
	>"$d/etc/e2e/linux-multi.cfg"
linux_cfg e2e-cmp-a >"$d/etc/e2e/cmp-a.cfg"
linux_cfg e2e-cmp-b >"$d/etc/e2e/cmp-b.cfg"
linux_cfg e2e-kill >"$d/etc/e2e/kill.cfg"
linux_cfg e2e-popthread | sed 's/^memory = 128/memory = 512/' >"$d/etc/e2e/popthread.cfg"
linux_cfg e2e-popbig | sed 's/^memory = 128/memory = 8192/' >"$d/etc/e2e/popbig.cfg"
# foreground: the ramdisk is a file the case replaces between the boots;
# fg-term: the first initrd as it is.
linux_cfg e2e-fg | sed 's|/guests/linux-initrd.gz|/tmp/fg-initrd.gz|' >"$d/etc/e2e/fg.cfg"
linux_cfg e2e-fgterm | sed 's|/guests/linux-initrd.gz|/guests/fg-initrd-1.gz|' >"$d/etc/e2e/fgterm.cfg"
{ linux_cfg e2e-fgren | sed 's|/guests/linux-initrd.gz|/guests/fg-initrd-1.gz|'
  printf 'on_reboot = "rename-restart"\non_poweroff = "preserve"\n'; } >"$d/etc/e2e/fgren.cfg"
# PVH: the same kernel and initrd through PHYS32_ENTRY; RDTSCP hidden (QEMU's
# SVM gives Xen no next-RIP for its intercept, XEN-IN-QEMU.md).
pvh_cfg() { # name vcpus memory
	cat <<EOF
name = "$1"
type = "pvh"
memory = $3
vcpus = $2
kernel = "/guests/vmlinuz"
ramdisk = "/guests/linux-initrd.gz"
cmdline = "console=hvc0 rdinit=/init loglevel=4 xbuild.case=$1"
cpuid = "host,rdtscp=0"
EOF
}
pvh_cfg e2e-pvh 1 256 >"$d/etc/e2e/pvh.cfg"
pvh_cfg e2e-pvh2 2 256 >"$d/etc/e2e/pvh2.cfg"
pvh_cfg e2e-pvh-cmp-a 1 256 >"$d/etc/e2e/pvh-cmp-a.cfg"
pvh_cfg e2e-pvh-cmp-b 1 256 >"$d/etc/e2e/pvh-cmp-b.cfg"
pvh_cfg e2e-pvh-xl 1 256 >"$d/etc/e2e/pvh-xl.cfg"
for j in 1 2 3; do pvh_cfg "e2e-pvh-s$j" 1 256 >"$d/etc/e2e/pvh-s$j.cfg"; done
pvh_cfg e2e-pvh-nophys32 1 64 | sed 's|/guests/vmlinuz|/guests/xbc-classic.elf|' >"$d/etc/e2e/pvh-nophys32.cfg"
# eight: Debian's kernel at four memory sizes, with the multi-member initrd,
# and three checking guests.
for n in 1 2 3 4; do
	linux_cfg "e2e-eight-$n" | sed "s/^memory = 128/memory = $((120 + n * 8))/" >"$d/etc/e2e/eight-$n.cfg"
done
sed 's/^name = "e2e-linux-multi"/name = "e2e-eight-5"/' "$d/etc/e2e/linux-multi.cfg" >"$d/etc/e2e/eight-5.cfg"
for v in "6 xbc-classic" "7 xbc-modern" "8 xbc-classic-nomod"; do
	sed "s/^name = .*/name = \"e2e-eight-${v%% *}\"/" "$d/etc/e2e/${v#* }.cfg" >"$d/etc/e2e/eight-${v%% *}.cfg"
done
# The demo runs examples/hello.cfg as it is (from / in dom0): Debian's vmlinuz
# and the busybox initrd go to the paths it names.
mkdir -p "$d/examples"
cp "$top/examples/hello.cfg" "$d/examples/hello.cfg"
cfg_path() { sed -n "s/^$1 *= *\"\([^\"]*\)\".*/\1/p" "$top/examples/hello.cfg" | head -n 1; }
hk=$(cfg_path kernel)
hr=$(cfg_path ramdisk)
case $hk$hr in
/*/*)
	mkdir -p "$d${hk%/*}" "$d${hr%/*}"
	ln -f "$d/guests/vmlinuz" "$d$hk"
	ln -f "$d/guests/linux-initrd.gz" "$d$hr"
	;;
*) [ "$mode" = demo ] && die "examples/hello.cfg: kernel and ramdisk must be absolute paths" ;;
esac

launcher_cmd="xbuild run"
[ "$E2E_LAUNCHER" = xl ] && launcher_cmd="xl create"
cat >"$d/etc/e2e/env" <<EOF
E2E_MODE='$mode'
E2E_LAUNCHER='$E2E_LAUNCHER'
E2E_LAUNCHER_CMD='$launcher_cmd'
E2E_CASES='$E2E_CASES'
E2E_COMPARE_B='$E2E_LAUNCHER'
E2E_VERBOSE='${E2E_VERBOSE:-0}'
PVH_UNPAUSE_N='${PVH_UNPAUSE_N:-3}'
PVH_STRESS_ROUNDS='${PVH_STRESS_ROUNDS:-2}'
PVH_STRESS_PAR='${PVH_STRESS_PAR:-3}'
EOF
cp "$here/cases.sh" "$d/etc/e2e/cases.sh"
# shellcheck source=../bench/prep-dom0.sh
[ "$mode" = bench ] && . "$top/tests/bench/prep-dom0.sh"
cp "$here/dom0-init.sh" "$d/init"
chmod +x "$d/init"
mknod -m 600 "$d/dev/console" c 5 1 2>/dev/null || true
mkdir -p "$d/etc/xen"
: >"$d/etc/xen/xl.conf"
(cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/dom0.cpio.gz"
[ "$mode" = bench ] && bench_append_cpio "$cache/dom0.cpio.gz"
say "initramfs $(($(wc -c <"$cache/dom0.cpio.gz") / 1024)) KiB, kernel $kver, launcher: $launcher_cmd, setup $(($(date +%s) - t_start))s"

# ---- boot (XEN-IN-QEMU.md): TCG, smap=0, dom0 powers off at the end
log=$cache/serial.log
xen_args="console=com1 com1=115200,8n1 dom0_mem=$E2E_DOM0_MEM,max:$E2E_DOM0_MEM dom0_max_vcpus=1 loglvl=all guest_loglvl=all smap=0${E2E_XEN_ARGS:+ $E2E_XEN_ARGS}"
say "booting Xen 4.17 + dom0 under QEMU (TCG); this takes a minute or two"
t_boot=$(date +%s)
set +e
# shellcheck disable=SC2086 # E2E_QEMU_ARGS: word splitting wanted
timeout -k 5 "$E2E_TIMEOUT" qemu-system-x86_64 -accel "tcg,thread=$E2E_TCG_THREAD" -cpu "$E2E_CPU" -smp 2 -m "$E2E_QEMU_MEM" $E2E_QEMU_ARGS \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none -vga none \
	-kernel "$xen" -append "$xen_args" \
	-initrd "$vmlinuz console=hvc0 earlyprintk=xen loglevel=4,$cache/dom0.cpio.gz" </dev/null |
	tr -d '\r' | tee "$log" | if [ "$mode" = demo ]; then
		sed -n '/^E2E-BEGIN/,/^E2E-END/p'
	elif [ "$mode" = bench ]; then
		grep -a --line-buffered -E '^(E2E|e2e:|BENCH|  \| )'
	else
		grep -a --line-buffered -E '^(E2E|e2e:|  \| |[0-9]+ passed, )'
	fi
set -e
t_end=$(date +%s)

end=$(grep -a '^E2E-END rc=' "$log" | tail -n 1)
sum=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
say "QEMU ran $((t_end - t_boot))s, whole run $((t_end - t_start))s; serial log: $log"
if [ -z "$end" ]; then
	say "no E2E-END marker: Xen or dom0 did not finish (timeout ${E2E_TIMEOUT}s?); last lines:"
	tail -n 30 "$log" | sed 's/^/  | /'
	exit 3
fi
if [ "$mode" = test ]; then
	say "${sum:-no summary line}"
	case $sum in *" passed, 0 failed") ;; *) exit 1 ;; esac
fi
[ "$end" = "E2E-END rc=0" ] || exit 1
exit 0
