#!/bin/sh
# Install what xbuild needs from Debian packages; idempotent and quiet when
# everything is there already.  Usage: scripts/deps.sh [build|test|e2e|fuzz]...
set -eu
BUILD="build-essential pkg-config libxen-dev zlib1g-dev liblzma-dev libxml2-dev \
libbz2-dev libzstd-dev liblz4-dev liblzo2-dev libdeflate-dev nettle-dev"
TEST="$BUILD clang libclang-rt-14-dev clang-format time python3 python3-jsonschema groff-base bash xz-utils gzip bzip2 zstd lz4 lzop cpio busybox-static acpica-tools"
E2E="$TEST qemu-system-x86 kmod"
FUZZ="$TEST"
want=""
[ $# -eq 0 ] && set -- build
for k in "$@"; do
	case $k in
	build) want="$want $BUILD" ;;
	test) want="$want $TEST" ;;
	e2e) want="$want $E2E" ;;
	fuzz) want="$want $FUZZ" ;;
	*) echo "deps.sh: unknown set '$k' (build, test, e2e, fuzz)" >&2; exit 1 ;;
	esac
done
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
