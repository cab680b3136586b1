#!/bin/sh
# mkroot.sh - a Debian 12 (bookworm) root with systemd, made once by debootstrap and kept as a tarball in the VM cache.
#
# Usage: mkroot.sh CACHE_DIR
# Prints the tarball's path. The mirror and keyring are the host's own
# (fetch-kernel.sh CACHE_DIR mirror). The root holds what the .deb depends
# on, so that `dpkg -i` needs no network; ROOT_PACKAGES adds more.
# MKROOT_REFRESH=1 makes it again.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:?usage: mkroot.sh CACHE_DIR}
TARBALL=$CACHE/debian12-systemd-root.tar
# systemd and what the test's guest script uses; the .deb's libraries
PACKAGES="systemd systemd-sysv udev kmod dbus procps
libtracefs1 libtraceevent1 libtracecmd1 libinih1 libssl3 libsystemd0 libzstd1 ${ROOT_PACKAGES:-}"

die() { echo "mkroot: FAIL: $*" >&2; exit 1; }

if [ -s "$TARBALL" ] && [ "${MKROOT_REFRESH:-0}" != 1 ]; then
	echo "$TARBALL"
	exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap not found; run 'make deps' (tests/install-deps.sh) as root"
[ "$(id -u)" = 0 ] || die "debootstrap needs root"
mkdir -p "$CACHE"
mirror=$("$HERE/../fetch-kernel.sh" "$CACHE" mirror) || die "no Debian mirror in the host's apt sources"
set -- $mirror
ROOT=$CACHE/debian12-root.part
rm -rf "$ROOT"
echo "mkroot: debootstrap bookworm from the host's mirror into $ROOT" >&2
debootstrap --variant=minbase --keyring="$2" \
	--include="$(echo $PACKAGES | tr ' ' ',')" bookworm "$ROOT" "$1" >&2 ||
	{ tail -20 "$ROOT/debootstrap/debootstrap.log" >&2 2>/dev/null; die "debootstrap failed"; }
# what every boot needs: no password for the console, a hostname, no
# network wait; the package cache is of no use
echo vmtest-systemd > "$ROOT/etc/hostname"
rm -f "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*_Packages
tar -C "$ROOT" -cf "$TARBALL.tmp" . || die "cannot write $TARBALL"
mv "$TARBALL.tmp" "$TARBALL"
rm -rf "$ROOT"
echo "mkroot: $(du -m "$TARBALL" | cut -f1) MiB in $TARBALL" >&2
echo "$TARBALL"
