#!/bin/sh
# Fetch Debian's kernel packages for the tests into .cache/kernel (never
# committed, never installed): the pinned linux-image-6.1.0-56-amd64 of the
# DESIGN.md reference layout (vmlinuz-ref), whatever linux-image-amd64 is
# now (vmlinuz-current), and grub-xen-host (GRUB's PV images,
# .cache/kernel/grub-xen-host/usr/lib/grub-xen/grub-x86_64-xen.bin and
# grub-i386-xen.bin).
# Prints nothing when everything is there.  Exit 1, naming what is missing,
# when a package cannot be downloaded: `make check` stops on that under
# CI=true; elsewhere the tests that need it report a skip.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/.cache/kernel"
mkdir -p "$cache"
cd "$cache" || exit 1
failed=""
fetch() { # package -> unpacked into $cache/$package
	pkg=$1
	[ -d "$pkg" ] && return 0
	case " $failed " in *" $pkg "*) return 1 ;; esac
	ls "$pkg"_*.deb >/dev/null 2>&1 || apt-get download "$pkg" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1; apt-get download "$pkg" >/dev/null 2>&1; } ||
		{ echo "fetch-kernel: cannot download $pkg" >&2; failed="$failed $pkg"; return 1; }
	dpkg -x "$pkg"_*.deb "$pkg.tmp" && mv "$pkg.tmp" "$pkg" ||
		{ echo "fetch-kernel: cannot unpack $pkg" >&2; failed="$failed $pkg"; return 1; }
}
if fetch linux-image-6.1.0-56-amd64; then
	ln -sf linux-image-6.1.0-56-amd64/boot/vmlinuz-6.1.0-56-amd64 vmlinuz-ref
fi
cur=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
if [ -z "$cur" ]; then
	apt-get update -qq >/dev/null 2>&1
	cur=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
fi
if [ -z "$cur" ]; then
	echo "fetch-kernel: cannot resolve linux-image-amd64 (apt-cache depends)" >&2
	failed="$failed linux-image-amd64"
elif fetch "$cur"; then
	ln -sf "$cur"/boot/vmlinuz-* vmlinuz-current 2>/dev/null
fi
fetch grub-xen-host
[ -z "$failed" ] && exit 0
echo "fetch-kernel: missing:$failed" >&2
exit 1
