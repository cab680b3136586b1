#!/bin/sh
# fetch-kernel.sh - download and unpack Debian's newest stock 6.1 amd64 kernel into tests/vm/cache (never /boot).
#
# Usage: fetch-kernel.sh CACHE_DIR
# Prints "KVER ROOT" on stdout: the kernel release (e.g. 6.1.0-56-amd64) and
# the unpacked tree (ROOT/boot/vmlinuz-KVER, ROOT/lib/modules/KVER).
# A warm cache downloads nothing. Fails loudly when no kernel can be had.
set -eu

CACHE=${1:?usage: fetch-kernel.sh CACHE_DIR}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
PATTERN='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$'

die() { echo "fetch-kernel: FAIL: $*" >&2; exit 1; }
log() { echo "fetch-kernel: $*" >&2; }

# newest_listed - the highest linux-image-6.1.0-N-amd64-unsigned apt knows of
newest_listed() {
	apt-cache search --names-only "$PATTERN" 2>/dev/null |
		awk '{print $1}' | sort -V | tail -n 1
}

# newest_cached - the highest complete tree already unpacked in the cache
newest_cached() {
	for d in "$CACHE"/linux-image-6.1.0-*-amd64-unsigned; do
		[ -f "$d/.complete" ] && basename "$d"
	done | sort -V | tail -n 1
}

command -v apt-cache >/dev/null || die "apt-cache not found (need a Debian host)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
command -v depmod >/dev/null || die "depmod not found (apt-get install kmod)"

pkg=$(newest_listed)
if [ -z "$pkg" ]; then
	cached=$(newest_cached)
	if [ -n "$cached" ]; then
		log "apt lists show no 6.1 kernel; using cached $cached"
		pkg=$cached
	elif [ "$(id -u)" = 0 ]; then
		log "apt lists show no 6.1 kernel; running apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed"
		pkg=$(newest_listed)
	fi
fi
[ -n "$pkg" ] || die "no package matching $PATTERN in apt-cache (is bookworm in sources.list? run apt-get update)"

# fetch PKG - download and unpack PKG into $CACHE/PKG; 1 on failure
fetch() {
	dir=$CACHE/$1
	tmp=$CACHE/dl.$$
	rm -rf "$tmp" "$dir" "$dir.part"
	mkdir -p "$tmp" "$dir.part"
	# As root, let apt write into our cache itself (no _apt sandbox warning).
	sandbox=
	[ "$(id -u)" = 0 ] && sandbox="-o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	if ! (cd "$tmp" && apt-get download -q $sandbox "$1" >&2); then
		log "apt-get download $1 failed"
		rm -rf "$tmp" "$dir.part"
		return 1
	fi
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ] || ! dpkg-deb -x "$deb" "$dir.part"; then
		log "unpacking $1 failed"
		rm -rf "$tmp" "$dir.part"
		return 1
	fi
	rm -rf "$tmp"
	kver=$(ls "$dir.part/lib/modules" 2>/dev/null | head -n 1)
	if [ -z "$kver" ] || [ ! -f "$dir.part/boot/vmlinuz-$kver" ]; then
		log "$1 has no vmlinuz or modules"
		rm -rf "$dir.part"
		return 1
	fi
	depmod -b "$dir.part" "$kver" || { log "depmod -b $dir.part $kver failed"; rm -rf "$dir.part"; return 1; }
	mv "$dir.part" "$dir"
	touch "$dir/.complete"
	log "unpacked $1 ($kver)"
}

dir=$CACHE/$pkg
if [ ! -f "$dir/.complete" ]; then
	log "downloading $pkg"
	ok=0
	if fetch "$pkg"; then
		ok=1
	elif [ "$(id -u)" = 0 ]; then
		# stale lists name a version the archive no longer has: refresh, retry
		log "refreshing apt lists (apt-get update) and retrying"
		if apt-get update -qq >&2; then
			new=$(newest_listed)
			if [ -n "$new" ] && [ -f "$CACHE/$new/.complete" ]; then
				pkg=$new dir=$CACHE/$new ok=1
			elif [ -n "$new" ]; then
				pkg=$new dir=$CACHE/$new
				log "downloading $pkg"
				fetch "$pkg" && ok=1
			fi
		fi
	fi
	if [ "$ok" = 1 ]; then
		# keep one kernel: drop older trees and their initramfs images
		rel=${pkg#linux-image-}
		rel=${rel%-unsigned}
		for old in "$CACHE"/linux-image-6.1.0-*-amd64-unsigned "$CACHE"/initramfs-*.cpio.gz; do
			case "$old" in "$dir" | *"/initramfs-$rel.cpio.gz") continue ;; esac
			if [ -e "$old" ]; then
				log "removing old $(basename "$old")"
				rm -rf "$old"
			fi
		done
	else
		cached=$(newest_cached)
		[ -n "$cached" ] || die "could not download $pkg and nothing is cached"
		log "WARNING: could not download $pkg; using cached $cached instead"
		pkg=$cached
		dir=$CACHE/$pkg
	fi
fi
kver=$(ls "$dir/lib/modules" | head -n 1)
[ -f "$dir/boot/vmlinuz-$kver" ] || die "missing $dir/boot/vmlinuz-$kver"
[ -f "$dir/lib/modules/$kver/modules.dep" ] || die "missing modules.dep for $kver"
echo "$kver $dir"
