#!/bin/sh
# fetch-kernel.sh - download and unpack one of Debian's stock amd64 kernels (series 5.10, 6.1.0-50, 6.1, 6.12 or 7.2) into a cache directory (never /boot).
#
# Usage: fetch-kernel.sh CACHE_DIR [SERIES]
#   SERIES 5.10      bullseye's newest linux-image-5.10.0-N-amd64-unsigned
#                    (highest N over bullseye, bullseye-updates,
#                    bullseye-security)
#          6.1.0-50  exactly linux-image-6.1.0-50-amd64-unsigned 6.1.176-1
#                    from the bookworm main suite (pinned: a kernel whose
#                    eprobe is broken; never replaced by a newer one)
#          6.1       bookworm's newest linux-image-6.1.0-N-amd64-unsigned, from
#                    the host's own apt lists (the default)
#          6.12      trixie's newest linux-image-6.12.N+debNN-amd64-unsigned
#                    (trixie, trixie-updates, trixie-security; .ko.xz)
#          7.2       sid's newest linux-modules-7.2.*-amd64 with its
#                    linux-binary-unsigned-* (or signed linux-binary-*) and
#                    linux-base-* (modules.order, modules.builtin, config)
# Prints one line on stdout: "KVER ROOT VMLINUZ MODDIR" - the kernel release
# (e.g. 6.1.0-56-amd64), the unpacked tree, its kernel image, and the
# directory holding modules.dep for KVER (ROOT/lib/modules/KVER or
# ROOT/usr/lib/modules/KVER). Modules are .ko (5.10, 6.1) or .ko.xz (6.12,
# 7.2).
#
# All but 6.1 use a private apt state, CACHE_DIR/apt-SUITE/ (apt.conf,
# sources.list.d/, lists/, cache/), built from the mirror URIs and Signed-By
# keyring of the host's own sources (read, never changed); inspect it with
# e.g. `apt-cache -c CACHE_DIR/apt-sid/apt.conf policy PKG`. It does not
# check Release files' Valid-Until (it only fetches test kernels, and a
# mirror's sid can be past that date).
#
# Caching: the private-state series reuse the newest complete tree of the
# series and touch no network; only with no tree are the private lists used,
# updated first when absent, or when the newest package they name cannot be
# downloaded. FETCH_KERNEL_REFRESH=1 updates them and takes a newer kernel if
# there is one (not 6.1.0-50, which is pinned). 6.1 keeps its old rule: the
# newest package the host's lists name, downloaded unless already unpacked.
# Each series keeps one tree (older ones and their initramfs-KVER.cpio.gz
# are removed; the pinned 6.1.0-50 tree is never another series' old one).
# A series that cannot be had fails loudly, naming it.
#
# fetch-kernel.sh CACHE_DIR mirror prints "URI KEYRING" of the host's main
# Debian source instead (tests/vm/systemd/mkroot.sh debootstraps from it).
set -eu

CACHE=${1:?usage: fetch-kernel.sh CACHE_DIR [5.10|6.1.0-50|6.1|6.12|7.2]}
SERIES=${2:-6.1}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

die() { echo "fetch-kernel: FAIL: series $SERIES: $*" >&2; exit 1; }
log() { echo "fetch-kernel: [$SERIES] $*" >&2; }

# Per series: SUITES (empty: the host's apt lists), LIST_RE (the package
# that names a tree, newest by version sort), TREE_GLOB (those trees in
# $CACHE), INITRD_GLOB (their initramfs images, built by run.sh); a pinned
# series has PIN_PKG and PIN_VER instead of LIST_RE (that exact package).
PIN_PKG='' PIN_VER=''
# trees (and initramfs images) of pinned series: no other series prunes them
PINNED_TREES='linux-image-6.1.0-50-amd64-unsigned initramfs-6.1.0-50-amd64.cpio.gz'
case $SERIES in
5.10)
	SUITES="bullseye bullseye-updates bullseye-security"
	LIST_RE='^linux-image-5\.10\.0-[0-9]+-amd64-unsigned$'
	TREE_GLOB='linux-image-5.10.0-*-amd64-unsigned'
	INITRD_GLOB='initramfs-5.10.0-*-amd64.cpio.gz'
	;;
6.1.0-50)
	# the bookworm main suite's 6.1.0-50 (6.1.176-1): its eprobe is broken,
	# which is why the matrix has it; pinned so that it stays this kernel
	SUITES=bookworm
	PIN_PKG=linux-image-6.1.0-50-amd64-unsigned
	PIN_VER=6.1.176-1
	LIST_RE="^$PIN_PKG\$"
	TREE_GLOB=$PIN_PKG
	INITRD_GLOB='initramfs-6.1.0-50-amd64.cpio.gz'
	;;
6.1)
	SUITES=
	LIST_RE='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$'
	TREE_GLOB='linux-image-6.1.0-*-amd64-unsigned'
	INITRD_GLOB='initramfs-6.1.0-*-amd64.cpio.gz'
	;;
6.12)
	SUITES="trixie trixie-updates trixie-security"
	LIST_RE='^linux-image-6\.12\.[0-9]+\+deb[0-9.]+-amd64-unsigned$'
	TREE_GLOB='linux-image-6.12.*-amd64-unsigned'
	INITRD_GLOB='initramfs-6.12.*-amd64.cpio.gz'
	;;
7.2)
	SUITES=sid
	LIST_RE='^linux-modules-7\.2\.[0-9]+[^-]*-amd64$'
	TREE_GLOB='linux-modules-7.2.*-amd64'
	INITRD_GLOB='initramfs-7.2.*-amd64.cpio.gz'
	;;
mirror) ;;
*)
	echo "fetch-kernel: FAIL: unknown series '$SERIES' (known: 5.10 6.1.0-50 6.1 6.12 7.2)" >&2
	exit 2
	;;
esac

command -v apt-get >/dev/null || die "apt-get not found (need a Debian host)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
command -v depmod >/dev/null || die "depmod not found (apt-get install kmod)"

# ---- the apt state: the host's (6.1) or a private one (the others) -------

APTDIR= # private state, or empty for the host's
APTOPT= # options for every apt-get/apt-cache call
UPDATED=0

# host_sources - "URI<TAB>SUITES<TAB>SIGNED-BY" for each enabled deb source
# of the host (deb822 .sources files, then one-line .list files)
host_sources() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && { cat "$f"; echo; }
	done | awk '
		function flush() {
			if (types ~ /(^|[ \t])deb([ \t]|$)/ && uri != "" && !off)
				print uri "\t" suites "\t" key
			types = uri = suites = key = ""; off = 0
		}
		/^#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ { next } # continuation line (e.g. an inline key)
		{
			f = tolower($1); sub(/:$/, "", f)
			v = $0; sub(/^[^:]*:[ \t]*/, "", v)
			if (f == "types") types = v
			else if (f == "uris") { split(v, a, /[ \t]+/); uri = a[1] }
			else if (f == "suites") suites = v
			else if (f == "signed-by") key = v
			else if (f == "enabled" && tolower(v) == "no") off = 1
		}
		END { flush() }'
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '
		$1 != "deb" { next }
		{
			key = ""; i = 2
			if ($2 ~ /^\[/) {
				for (; i <= NF; i++) {
					if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) }
					if ($i ~ /\]$/) { i++; break }
				}
			}
			print $i "\t" $(i + 1) "\t" key
		}'
}

# main_source - "URI<TAB>SUITES<TAB>SIGNED-BY" of the host's main archive:
# the source carrying the host's own release (else the first one that is
# not a -security suite); empty if none
main_source() {
	# shellcheck disable=SC1091
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	srcs=$(host_sources)
	main=$(printf '%s\n' "$srcs" | awk -F '\t' -v c="$codename" '
		c != "" && (" " $2 " ") ~ (" " c " ") { print; exit }')
	[ -n "$main" ] || main=$(printf '%s\n' "$srcs" | awk -F '\t' '
		$1 != "" && $2 !~ /-security/ { print; exit }')
	printf '%s\n' "$main"
}

# security_source - the same for its "<codename>-security" source (else any
# -security one)
security_source() {
	# shellcheck disable=SC1091
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	srcs=$(host_sources)
	sec=$(printf '%s\n' "$srcs" | awk -F '\t' -v c="$codename-security" '
		(" " $2 " ") ~ (" " c " ") { print; exit }')
	[ -n "$sec" ] || sec=$(printf '%s\n' "$srcs" | awk -F '\t' '$2 ~ /-security/ { print; exit }')
	printf '%s\n' "$sec"
}

# setup_private_apt STATE - write STATE's apt.conf and sources (no network)
setup_private_apt() {
	APTDIR=$CACHE/apt-$1
	main=$(main_source)
	sec=$(security_source)
	[ -n "$main" ] || die "no deb source in /etc/apt/sources.list{,.d} to take the mirror from"
	main_uri=$(printf '%s\n' "$main" | cut -f1)
	sec_uri=$(printf '%s\n' "$sec" | cut -f1)
	key=$(printf '%s\n' "$main" | cut -f3)
	sec_key=$(printf '%s\n' "$sec" | cut -f3)
	fallback_key=/usr/share/keyrings/debian-archive-keyring.gpg
	case $key in /*) ;; *) key=$fallback_key ;; esac
	case $sec_key in /*) ;; *) sec_key=$key ;; esac
	[ -r "$key" ] || die "keyring $key not readable (apt-get install debian-archive-keyring)"

	mkdir -p "$APTDIR/sources.list.d" "$APTDIR/preferences.d" \
		"$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	: >"$APTDIR/status"
	rm -f "$APTDIR"/sources.list.d/*
	main_suites='' sec_suites=''
	for s in $SUITES; do
		case $s in
		*-security)
			if [ -n "$sec_uri" ]; then
				sec_suites="$sec_suites $s"
			else
				log "WARNING: the host has no -security source; not looking in $s"
			fi
			;;
		*) main_suites="$main_suites $s" ;;
		esac
	done
	{
		printf 'Types: deb\nURIs: %s\nSuites:%s\nComponents: main\nArchitectures: amd64\nSigned-By: %s\n' \
			"$main_uri" "$main_suites" "$key"
		[ -z "$sec_suites" ] ||
			printf '\nTypes: deb\nURIs: %s\nSuites:%s\nComponents: main\nArchitectures: amd64\nSigned-By: %s\n' \
				"$sec_uri" "$sec_suites" "$sec_key"
	} >"$APTDIR/sources.list.d/kernel.sources.tmp"
	mv "$APTDIR/sources.list.d/kernel.sources.tmp" "$APTDIR/sources.list.d/kernel.sources"
	# Read after the host's apt.conf.d (whose proxy and the like still
	# apply): nothing of the host's sources, pins, lists, package cache or
	# dpkg status is used, and the host's update hooks do not run.
	cat >"$APTDIR/apt.conf.tmp" <<-EOF
		Dir::Etc::SourceList "/dev/null";
		Dir::Etc::SourceParts "$APTDIR/sources.list.d";
		Dir::Etc::Preferences "/dev/null";
		Dir::Etc::PreferencesParts "$APTDIR/preferences.d";
		Dir::State::Lists "$APTDIR/lists";
		Dir::State::status "$APTDIR/status";
		Dir::Cache "$APTDIR/cache";
		Dir::Cache::pkgcache "";
		Dir::Cache::srcpkgcache "";
		APT::Sandbox::User "root";
		Acquire::Languages "none";
		Acquire::Check-Valid-Until "false";
		#clear APT::Update::Pre-Invoke;
		#clear APT::Update::Post-Invoke;
		#clear APT::Update::Post-Invoke-Success;
	EOF
	mv "$APTDIR/apt.conf.tmp" "$APTDIR/apt.conf"
	APTOPT="-c $APTDIR/apt.conf"
}

# apt_update - refresh the lists in use (the host's only as root); 1 on failure
apt_update() {
	if [ -n "$APTDIR" ]; then
		log "apt-get update ($SUITES) into $APTDIR/lists"
		# shellcheck disable=SC2086
		apt-get $APTOPT -q --error-on=any update >&2 || return 1
	else
		[ "$(id -u)" = 0 ] || return 1
		log "running apt-get update"
		apt-get -qq update >&2 || return 1
	fi
	UPDATED=1
}

# lists_present - the private lists hold package indexes
lists_present() {
	for f in "$APTDIR"/lists/*_Packages*; do
		[ -f "$f" ] && return 0
	done
	return 1
}

# newest_listed - the highest package matching LIST_RE that apt knows of
newest_listed() {
	# shellcheck disable=SC2086
	apt-cache $APTOPT search --names-only "$LIST_RE" 2>/dev/null |
		awk '{print $1}' | sort -V | tail -n 1
}

# known PKG - apt has PKG in its lists
known() {
	# shellcheck disable=SC2086
	apt-cache $APTOPT show "$1" >/dev/null 2>&1
}

# packages_for PKG - the .deb packages that make PKG's tree
packages_for() {
	if [ -n "$PIN_PKG" ]; then
		echo "$PIN_PKG=$PIN_VER"
		return 0
	fi
	case $SERIES in
	7.2)
		ver=${1#linux-modules-}
		bin=linux-binary-unsigned-$ver
		known "$bin" || bin=linux-binary-$ver
		known "$bin" || { log "sid has linux-modules-$ver but no linux-binary(-unsigned)-$ver"; return 1; }
		echo "$1 $bin linux-base-$ver"
		;;
	*) echo "$1" ;;
	esac
}

# ---- trees ---------------------------------------------------------------

# pinned PATH - PATH is a pinned series' tree or initramfs image
pinned() {
	for _p in $PINNED_TREES; do
		[ "$(basename "$1")" = "$_p" ] && return 0
	done
	return 1
}

# newest_cached - the highest complete tree of this series in the cache
newest_cached() {
	for d in "$CACHE"/$TREE_GLOB; do
		[ -f "$d/.complete" ] || continue
		if [ -n "$PIN_PKG" ]; then
			# the pinned version, not just the pinned name
			grep -qx "${PIN_PKG}_${PIN_VER}_amd64.deb" "$d/.complete" || continue
		elif pinned "$d"; then
			continue
		fi
		basename "$d"
	done | sort -V | tail -n 1
}

# locate DIR - set KVER, VMLINUZ, MODDIR for the unpacked tree DIR; 1 if
# it has no kernel image or modules
locate() {
	KVER='' VMLINUZ='' MODDIR=''
	for m in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do
		[ -d "$m/kernel" ] || continue
		KVER=$(basename "$m") MODDIR=$m
		break
	done
	[ -n "$KVER" ] || return 1
	for v in "$1/boot/vmlinuz-$KVER" "$MODDIR/vmlinuz" "$MODDIR/vmlinuz.unsigned"; do
		[ -f "$v" ] && { VMLINUZ=$v; return 0; }
	done
	return 1
}

# fetch PKG - download the packages of PKG's tree and unpack them into
# $CACHE/PKG; 1 on failure
fetch() {
	debs=$(packages_for "$1") || return 1
	dir=$CACHE/$1
	tmp=$CACHE/dl.$$
	rm -rf "$tmp" "$dir" "$dir.part"
	mkdir -p "$tmp" "$dir.part"
	log "downloading $debs"
	sandbox=
	# As root, let apt write into our cache itself (no _apt sandbox warning).
	[ -z "$APTDIR" ] && [ "$(id -u)" = 0 ] && sandbox="-o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	if ! (cd "$tmp" && apt-get $APTOPT $sandbox -q download $debs >&2); then
		log "apt-get download $debs failed"
		rm -rf "$tmp" "$dir.part"
		return 1
	fi
	for p in $debs; do
		p=${p%%=*} # a pinned PKG=VERSION
		deb=
		for f in "$tmp/${p}_"*.deb; do [ -f "$f" ] && deb=$f; done
		if [ -z "$deb" ] || ! dpkg-deb -x "$deb" "$dir.part"; then
			log "unpacking $p failed"
			rm -rf "$tmp" "$dir.part"
			return 1
		fi
	done
	for f in "$tmp"/*.deb; do basename "$f"; done >"$dir.part/.debs"
	rm -rf "$tmp"
	if ! locate "$dir.part"; then
		log "$debs: no vmlinuz or modules in them"
		rm -rf "$dir.part"
		return 1
	fi
	base=${MODDIR%/lib/modules/*}
	if ! depmod -b "$base" "$KVER"; then
		log "depmod -b $base $KVER failed"
		rm -rf "$dir.part"
		return 1
	fi
	mv "$dir.part" "$dir"
	mv "$dir/.debs" "$dir/.complete"
	log "unpacked $debs ($KVER)"
}

# prune KEEP - remove this series' other trees and their initramfs images
prune() {
	for old in "$CACHE"/$TREE_GLOB "$CACHE"/$INITRD_GLOB; do
		case $old in "$CACHE/$1" | "$CACHE/initramfs-$2.cpio.gz") continue ;; esac
		pinned "$old" && [ -z "$PIN_PKG" ] && continue
		if [ -e "$old" ]; then
			log "removing old $(basename "$old")"
			rm -rf "$old"
		fi
	done
}

# ---- choose the tree -----------------------------------------------------

if [ "$SERIES" = mirror ]; then
	main=$(main_source)
	[ -n "$main" ] || die "no deb source in /etc/apt/sources.list{,.d} to take the mirror from"
	key=$(printf '%s\n' "$main" | cut -f3)
	case $key in /*) ;; *) key=/usr/share/keyrings/debian-archive-keyring.gpg ;; esac
	echo "$(printf '%s\n' "$main" | cut -f1) $key"
	exit 0
fi

cached=$(newest_cached)
if [ -n "$PIN_PKG" ]; then
	# pinned: that package at that version, or a failure naming it
	pkg=$PIN_PKG
	if [ -z "$cached" ]; then
		setup_private_apt "${SUITES%% *}"
		if [ "${FETCH_KERNEL_REFRESH:-0}" = 1 ] || ! lists_present; then
			apt_update || die "apt-get update for $SUITES failed (see above)"
		fi
		if ! known "$PIN_PKG=$PIN_VER" && [ "$UPDATED" = 0 ]; then
			apt_update || die "apt-get update for $SUITES failed (see above)"
		fi
		known "$PIN_PKG=$PIN_VER" ||
			die "$PIN_PKG version $PIN_VER is not in $SUITES (main) any more; this series is pinned to it"
		if ! fetch "$PIN_PKG"; then
			{ [ "$UPDATED" = 0 ] && apt_update && fetch "$PIN_PKG"; } ||
				die "could not download $PIN_PKG=$PIN_VER from $SUITES (main)"
		fi
	fi
elif [ -n "$SUITES" ] && [ -n "$cached" ] && [ "${FETCH_KERNEL_REFRESH:-0}" != 1 ]; then
	pkg=$cached # warm: no apt at all
else
	if [ -n "$SUITES" ]; then
		setup_private_apt "${SUITES%% *}"
		if [ "${FETCH_KERNEL_REFRESH:-0}" = 1 ] || ! lists_present; then
			apt_update || die "apt-get update for $SUITES failed (see above)"
		fi
	fi
	pkg=$(newest_listed)
	if [ -z "$pkg" ] && [ "$UPDATED" = 0 ] && [ -z "$cached" ]; then
		log "apt lists show no package matching $LIST_RE"
		apt_update || true
		pkg=$(newest_listed)
	fi
	if [ -z "$pkg" ] && [ -n "$cached" ]; then
		log "WARNING: apt lists show no package matching $LIST_RE; using cached $cached"
		pkg=$cached
	fi
	if [ -z "$pkg" ]; then
		if [ "$SERIES" = 7.2 ]; then
			# shellcheck disable=SC2086
			have=$(apt-cache $APTOPT search --names-only '^linux-modules-[0-9.]+[^-]*-amd64$' 2>/dev/null |
				awk '{print $1}' | sort -V | paste -sd ' ')
			die "no package matching $LIST_RE in $SUITES (it has: ${have:-none})"
		fi
		if [ -n "$SUITES" ]; then
			die "no package matching $LIST_RE in $SUITES"
		fi
		die "no package matching $LIST_RE in apt-cache (is bookworm in sources.list? run apt-get update)"
	fi
	if [ ! -f "$CACHE/$pkg/.complete" ]; then
		ok=0
		if fetch "$pkg"; then
			ok=1
		elif [ "$UPDATED" = 0 ] && apt_update; then
			# stale lists name a version the archive no longer has
			new=$(newest_listed)
			if [ -n "$new" ] && [ -f "$CACHE/$new/.complete" ]; then
				pkg=$new ok=1
			elif [ -n "$new" ] && fetch "$new"; then
				pkg=$new ok=1
			fi
		fi
		if [ "$ok" = 0 ]; then
			[ -n "$cached" ] || die "could not download $pkg and nothing is cached"
			log "WARNING: could not download $pkg; using cached $cached instead"
			pkg=$cached
		fi
	fi
fi

dir=$CACHE/$pkg
locate "$dir" || die "$dir has no vmlinuz or no modules"
[ -f "$MODDIR/modules.dep" ] || die "missing $MODDIR/modules.dep"
prune "$pkg" "$KVER"
echo "$KVER $dir $VMLINUZ $MODDIR"
