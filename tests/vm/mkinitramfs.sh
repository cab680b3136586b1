#!/bin/sh
# mkinitramfs.sh - build the VM test's busybox initramfs (cpio newc + gzip) from a stock kernel tree and the binaries under test.
#
# Usage: mkinitramfs.sh KVER MODDIR FINIT MODCALL MODCALL32 GUEST_INIT OUT.cpio.gz
#   MODDIR     the unpacked kernel's module directory, holding modules.dep
#              (fetch-kernel.sh's fourth field)
#   FINIT      the finit-ftrace binary (dynamic: its libs and loader are copied)
#   MODCALL    the static modcall helper
#   MODCALL32  the same helper built -m32 (static): a 32-bit (compat) caller
#   GUEST_INIT script that becomes /init
# Environment: EXTRA_BINS, more programs for /bin (with their libraries;
# bench/vm-p8.sh adds its getpid loop)
set -eu

[ $# -eq 7 ] || { echo "usage: mkinitramfs.sh KVER MODDIR FINIT MODCALL MODCALL32 GUEST_INIT OUT" >&2; exit 2; }
KVER=$1 MODDIR=$2 FINIT=$3 MODCALL=$4 MODCALL32=$5 GUEST_INIT=$6 OUT=$7

die() { echo "mkinitramfs: FAIL: $*" >&2; exit 1; }
# abspath P - P made absolute (its directory must exist)
abspath() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
MODDIR=$(abspath "$MODDIR") FINIT=$(abspath "$FINIT") MODCALL=$(abspath "$MODCALL")
MODCALL32=$(abspath "$MODCALL32")
GUEST_INIT=$(abspath "$GUEST_INIT")
extra=
for b in ${EXTRA_BINS:-}; do
	extra="$extra $(abspath "$b")"
done
EXTRA_BINS=$extra
mkdir -p "$(dirname "$OUT")"
OUT=$(abspath "$OUT")

DEP=$MODDIR/modules.dep
[ -f "$DEP" ] || die "no $DEP (run depmod -b)"

# Modules the scenario loads; each must have no dependencies.
SCENARIO_MODS="kernel/drivers/block/loop.ko kernel/drivers/block/brd.ko
kernel/drivers/net/tun.ko kernel/drivers/net/dummy.ko kernel/drivers/net/nlmon.ko
kernel/drivers/net/ifb.ko kernel/drivers/net/veth.ko kernel/drivers/net/mii.ko
kernel/drivers/net/eql.ko"
# Shipped only as .ko.xz (xz -k --check=crc32), to exercise compressed loads.
XZ_MODS="kernel/drivers/net/veth.ko"
# What /out needs (9p over virtio-pci); load order is derived from modules.dep.
PRELOAD_TARGETS="kernel/drivers/virtio/virtio_pci.ko kernel/net/9p/9pnet_virtio.ko kernel/fs/9p/9p.ko"

BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || die "busybox not found (apt-get install busybox-static)"
TRACECMD=$(command -v trace-cmd || true)
[ -n "$TRACECMD" ] || die "trace-cmd not found (apt-get install trace-cmd)"
command -v cpio >/dev/null || die "cpio not found"
command -v xz >/dev/null || die "xz not found (apt-get install xz-utils)"
[ -x "$FINIT" ] || die "FINIT=$FINIT is not an executable"
[ -x "$MODCALL" ] || die "MODCALL=$MODCALL is not an executable (make build/modcall)"
[ -x "$MODCALL32" ] || die "MODCALL32=$MODCALL32 is not an executable (make build/modcall32)"
# ldd says "not a dynamic executable" for both static and foreign binaries
file_class() { od -An -tx1 -j4 -N1 "$1" | tr -d ' '; }
[ "$(file_class "$MODCALL32")" = 01 ] || die "MODCALL32=$MODCALL32 is not a 32-bit ELF"
if ldd "$MODCALL32" 2>&1 | grep -q '=>'; then
	die "$MODCALL32 is dynamically linked; the initramfs has no 32-bit libraries"
fi
[ -f "$GUEST_INIT" ] || die "no $GUEST_INIT"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked; install busybox-static"
fi

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/vmtest-initramfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT INT TERM
cd "$ROOT"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp out run root \
	"lib/modules/$KVER" lib64 lib/x86_64-linux-gnu

# busybox; /init makes the applet links with `busybox --install -s` first
# thing (one fork per link here would cost seconds)
cp "$BUSYBOX" bin/busybox
ln -s busybox bin/sh

# copy_with_libs BIN DEST - install BIN at DEST plus every library ldd names
copy_with_libs() {
	cp -L "$1" "$ROOT/$2"
	chmod 755 "$ROOT/$2"
	if ! ldd "$1" >/dev/null 2>&1; then
		return 0 # static
	fi
	ldd "$1" | awk '/=> \//{print $3} /^[ \t]*\//{print $1}' | while read -r lib; do
		[ -f "$ROOT$lib" ] && continue
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
	if ldd "$1" | grep -q 'not found'; then
		ldd "$1" >&2
		die "$1: missing shared libraries"
	fi
}
copy_with_libs "$FINIT" bin/finit-ftrace
copy_with_libs "$MODCALL" bin/modcall
ln -s modcall bin/othercall # the same helper with another comm
cp "$MODCALL32" bin/modcall32
chmod 755 bin/modcall32
copy_with_libs "$TRACECMD" usr/bin/trace-cmd
for b in ${EXTRA_BINS:-}; do
	copy_with_libs "$b" "bin/$(basename "$b")"
done

# dep_name MOD - MOD (kernel/.../x.ko) as modules.dep names it: plain, or
# compressed (.ko.xz, .ko.zst: Debian 7.2 ships .ko.xz); empty if absent
dep_name() {
	awk -v m="$1" '{ n = $1; sub(/:$/, "", n) }
		n == m || n == m ".xz" || n == m ".zst" || n == m ".gz" { print n; exit }' "$DEP"
}

# builtin MOD - MOD is built into the kernel (modules.builtin)
builtin() { grep -qx "$1" "$MODDIR/modules.builtin" 2>/dev/null; }

# deps_of MOD - dependencies of MOD (as modules.dep names it), plain names
deps_of() {
	awk -v m="$1:" '$1 == m { for (i = 2; i <= NF; i++) print $i; found = 1 }
		END { exit !found }' "$DEP" || die "$1 not in modules.dep"
}

# install_mod NAME - the module modules.dep calls NAME, installed in the
# image under its plain .ko name (decompressed if the tree ships it packed)
install_mod() {
	_plain=${1%.xz}
	_plain=${_plain%.zst}
	_plain=${_plain%.gz}
	mkdir -p "lib/modules/$KVER/$(dirname "$_plain")"
	case "$1" in
	*.xz) xz -dc "$MODDIR/$1" > "lib/modules/$KVER/$_plain" ;;
	*.zst) zstd -qdc "$MODDIR/$1" > "lib/modules/$KVER/$_plain" ;;
	*.gz) gzip -dc "$MODDIR/$1" > "lib/modules/$KVER/$_plain" ;;
	*) cp "$MODDIR/$1" "lib/modules/$KVER/$_plain" ;;
	esac || die "cannot install $1"
	echo "$_plain"
}

for m in $SCENARIO_MODS; do
	n=$(dep_name "$m")
	[ -n "$n" ] || die "$m not in modules.dep"
	d=$(deps_of "$n")
	[ -z "$d" ] || die "$m has dependencies ($d); pick a module without any"
	install_mod "$n" > /dev/null
done
for m in $XZ_MODS; do
	xz -k --check=crc32 -f "lib/modules/$KVER/$m"
	rm -f "lib/modules/$KVER/$m"
done

# Preload order: modules.dep lists a module's deps so that loading them
# right to left, then the module, works (this is what modprobe does).
# Built-in targets (7.2 builds virtio_pci in) need nothing.
: > etc/vm-preload
for t in $PRELOAD_TARGETS; do
	builtin "$t" && continue
	n=$(dep_name "$t")
	[ -n "$n" ] || die "$t is neither in modules.dep nor in modules.builtin"
	d=$(deps_of "$n")
	for m in $(echo "$d" | awk 'NF { a[++n] = $0 } END { for (i = n; i > 0; i--) print a[i] }') "$n"; do
		builtin "$m" && continue
		plain=$(install_mod "$m")
		grep -qx "/lib/modules/$KVER/$plain" etc/vm-preload ||
			echo "/lib/modules/$KVER/$plain" >> etc/vm-preload
	done
done

cat > etc/vm.env <<ENV
KVER=$KVER
ENV
cp "$GUEST_INIT" init
chmod 755 init
# /dev/console lets the kernel hand /init its stdio; /init also mounts devtmpfs.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 dev/console c 5 1
	mknod -m 666 dev/null c 1 3
fi

cd "$ROOT"
find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
