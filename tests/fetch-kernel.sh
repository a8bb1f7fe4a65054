#!/bin/sh
# Fetch Debian's kernel packages for the tests into .cache/kernel (never
# committed, never installed): the pinned linux-image-6.1.0-56-amd64 of the
# DESIGN.md reference layout, whatever linux-image-amd64 is now, and
# grub-xen-host (GRUB's PV images, .cache/kernel/grub-xen-host/usr/lib/grub-xen/
# grub-x86_64-xen.bin and grub-i386-xen.bin; skipped quietly if unavailable).
# Prints nothing on success; a package that cannot be downloaded any more
# leaves its file absent, and the tests that need it report a skip.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/.cache/kernel"
mkdir -p "$cache"
cd "$cache" || exit 1
fetch() { # package [quiet] -> unpacked into $cache/$package
	pkg=$1
	[ -d "$pkg" ] && return 0
	ls "$pkg"_*.deb >/dev/null 2>&1 || apt-get download "$pkg" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1; apt-get download "$pkg" >/dev/null 2>&1; } ||
		{ [ -n "${2:-}" ] || echo "fetch-kernel: cannot download $pkg (skipping tests that need it)" >&2; return 1; }
	dpkg -x "$pkg"_*.deb "$pkg.tmp" && mv "$pkg.tmp" "$pkg"
}
if fetch linux-image-6.1.0-56-amd64; then
	ln -sf linux-image-6.1.0-56-amd64/boot/vmlinuz-6.1.0-56-amd64 vmlinuz-ref
fi
cur=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
if [ -n "$cur" ] && fetch "$cur"; then
	ln -sf "$cur"/boot/vmlinuz-* vmlinuz-current 2>/dev/null
fi
fetch grub-xen-host quiet
exit 0
