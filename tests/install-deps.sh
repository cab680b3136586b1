#!/bin/sh
# install-deps.sh - install the Debian packages finit-ftrace needs to build and test.
# Installs only what is missing; needs root when something is missing.
set -eu

PKGS="gcc make pkg-config libc6-dev gcc-multilib
libtracefs-dev libtraceevent-dev libinih-dev libtracecmd-dev libcunit1-dev libssl-dev
libzstd-dev libkshark-dev libjson-c-dev libsystemd-dev python3-jsonschema
trace-cmd python3 kmod cpio xz-utils busybox-static qemu-system-x86 qemu-utils
debian-archive-keyring clang libclang-rt-14-dev prometheus
libsystemd-dev systemd mandoc groff-base build-essential debhelper dpkg-dev lintian debootstrap
logrotate"
# logrotate: make test-install checks the snippet with logrotate -d
# prometheus: only its promtool is used (the live test checks the metrics
# file with `promtool check metrics`); Debian 12 ships promtool in no
# smaller package

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run 'make check' as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
