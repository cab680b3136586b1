#!/bin/sh
# run.sh - the systemd VM test: Debian 12's kernel boots a real Debian 12 userland (debootstrap, systemd) over a 9p root with finit-ftrace's .deb installed, and finit-ftrace.service is put through start, stop, SIGKILL and reload (logrotate).
#
# Run from the project root (make vmtest-systemd does). It builds the .deb
# (dpkg-buildpackage, nocheck) from a copy of the tree, unpacks the cached
# root (mkroot.sh: debootstrap once), installs the .deb with dpkg -i in a
# chroot, adds a oneshot unit that runs guest.sh after boot, boots, and
# judges the guest's results with check.py. lintian must report no error
# on the .deb (its output: OUT/lintian.txt).
# Environment:
#   VMTEST_CACHE    kernel and root cache (default tests/vm/cache)
#   VMTEST_OUT      results (default tests/vm/out/systemd)
#   VMTEST_TIMEOUT  seconds the guest may run (default 600)
#   VMTEST_ACCEL    qemu's -accel (default tcg,thread=single)
#   SYSTEMD_DEB     a .deb to test instead of building one
# Never skips: a missing tool, kernel or package is a failure.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
CACHE=${VMTEST_CACHE:-$TOP/tests/vm/cache}
OUT=${VMTEST_OUT:-$TOP/tests/vm/out/systemd}
TIMEOUT=${VMTEST_TIMEOUT:-600}
ACCEL=${VMTEST_ACCEL:-tcg,thread=single}
START=$(date +%s)
ROOT=$OUT/root
# the 9p root's kernel modules, in load order (from modules.dep)
ROOT_MODS="kernel/drivers/virtio/virtio_pci.ko kernel/net/9p/9pnet_virtio.ko kernel/fs/9p/9p.ko"

fail() { echo "vmtest-systemd: FAIL: $*" >&2; exit 1; }
log() { echo "vmtest-systemd: $* [$(($(date +%s) - START))s]"; }

for tool in qemu-system-x86_64 timeout busybox cpio gzip chroot dpkg-buildpackage debootstrap lintian python3 tar; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "'$tool' not found; run 'make deps' (tests/install-deps.sh) as root"
done
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, a 9p root with the files' owners)"
busybox_bin=$(command -v busybox)
ldd "$busybox_bin" >/dev/null 2>&1 && fail "$busybox_bin is dynamically linked; install busybox-static"

# ---- the parts: kernel, root tarball, .deb ---------------------------------

mkdir -p "$CACHE"
kinfo=$("$TOP/tests/vm/fetch-kernel.sh" "$CACHE" 6.1) || fail "could not get Debian 12's kernel (see above)"
read -r KVER _ VMLINUZ MODDIR <<EOF2
$kinfo
EOF2
log "kernel $KVER"
TARBALL=$("$HERE/mkroot.sh" "$CACHE") || fail "could not make the Debian 12 root (see above)"

rm -rf "$OUT"
mkdir -p "$OUT"
if [ -n "${SYSTEMD_DEB:-}" ]; then
	DEB=$SYSTEMD_DEB
else
	# a copy of the tree, so that dpkg-buildpackage's clean leaves ours alone
	SRC=$OUT/src/finit-ftrace
	mkdir -p "$SRC"
	(cd "$TOP" && tar --exclude=./.git --exclude='./build*' --exclude=./finit-ftrace \
		--exclude=./tests/vm/cache --exclude=./tests/vm/out -cf - .) | tar -C "$SRC" -xf -
	log "dpkg-buildpackage -us -uc -b (nocheck: make check runs the tests)"
	(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=2" DEB_BUILD_PROFILES=nocheck dpkg-buildpackage -us -uc -b) \
		>"$OUT/dpkg-buildpackage.log" 2>&1 ||
		{ tail -30 "$OUT/dpkg-buildpackage.log" >&2; fail "dpkg-buildpackage failed (log: $OUT/dpkg-buildpackage.log)"; }
	DEB=
	for f in "$OUT"/src/finit-ftrace_*_amd64.deb; do [ -f "$f" ] && DEB=$f; done
	[ -n "$DEB" ] || fail "dpkg-buildpackage made no finit-ftrace_*_amd64.deb"
fi
# lintian: no error; the warnings and infos are listed in lintian.txt
lintian -I "$DEB" >"$OUT/lintian.txt" 2>&1 || true
grep -q '^E: ' "$OUT/lintian.txt" && { cat "$OUT/lintian.txt" >&2; fail "lintian reports errors on $(basename "$DEB")"; }
log "package $(basename "$DEB"); lintian: $(grep -c '^W: ' "$OUT/lintian.txt") warning(s), $(grep -c '^I: ' "$OUT/lintian.txt") info(s), no error"

# ---- the root: unpacked fresh, the kernel's modules, the .deb ---------------

mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$TARBALL" || fail "cannot unpack $TARBALL"
mkdir -p "$ROOT/lib/modules"
cp -al "$MODDIR" "$ROOT/lib/modules/$KVER" 2>/dev/null || cp -a "$MODDIR" "$ROOT/lib/modules/$KVER"
systemd-machine-id-setup --root="$ROOT" >/dev/null 2>&1 ||
	fail "systemd-machine-id-setup --root failed (no machine-id: systemd would take it for a first boot)"
mkdir -p "$ROOT/vmtest/out"
cp "$DEB" "$ROOT/vmtest/"
chroot "$ROOT" dpkg -i "/vmtest/$(basename "$DEB")" >"$OUT/dpkg-i.log" 2>&1 ||
	{ cat "$OUT/dpkg-i.log" >&2; fail "dpkg -i $(basename "$DEB") in the Debian 12 root failed"; }
log "installed in a fresh Debian 12 root"
# an admin's edit: events to the journal sink (one entry per event, its
# FINIT_* fields) and to the file sink, as JSON Lines, in the unit's
# LogsDirectory (what configs/finit-ftrace.logrotate rotates)
INI=$ROOT/etc/finit-ftrace/finit-ftrace.ini
sed -i -e 's/^format = text$/format = json/' -e 's/^sink =$/sink = journal,file/' \
	-e 's|^file =$|file = /var/log/finit-ftrace/finit-ftrace.log|' "$INI"
for want in 'format = json' 'sink = journal,file' 'file = /var/log/finit-ftrace/finit-ftrace.log'; do
	grep -qx "$want" "$INI" || fail "cannot set '$want' in the installed config"
done
cp "$HERE/guest.sh" "$ROOT/vmtest/guest.sh"
chmod 755 "$ROOT/vmtest/guest.sh"
cat >"$ROOT/etc/systemd/system/vmtest.service" <<EOF2
[Unit]
Description=finit-ftrace systemd VM test
After=multi-user.target finit-ftrace.service
[Service]
Type=oneshot
ExecStart=/vmtest/guest.sh
StandardOutput=journal+console
StandardError=journal+console
[Install]
WantedBy=multi-user.target
EOF2
ln -sf /etc/systemd/system/vmtest.service "$ROOT/etc/systemd/system/multi-user.target.wants/vmtest.service"
# no login prompts
for u in serial-getty@ttyS0.service getty@tty1.service; do
	ln -sf /dev/null "$ROOT/etc/systemd/system/$u"
done

# ---- the initramfs: load 9p, mount the root, hand over to systemd -----------

INITRD=$OUT/initrd.cpio.gz
I=$OUT/initrd
mkdir -p "$I/bin" "$I/mods" "$I/dev"
# /dev/console: the kernel hands /init its stdio (the console log shows it)
mknod -m 600 "$I/dev/console" c 5 1
cp "$busybox_bin" "$I/bin/busybox"
order=$(for t in $ROOT_MODS; do
	awk -v t="$t" '{ m = $1; sub(/:$/, "", m) }
		m == t { for (i = NF; i > 1; i--) print $i; print m; found = 1 }
		END { if (!found) exit 1 }' "$MODDIR/modules.dep" || echo "MISSING:$t"
done | awk '!seen[$0]++')
case $order in *MISSING:*) fail "not in $MODDIR/modules.dep: $order" ;; esac
n=0
for m in $order; do
	n=$((n + 1))
	cp "$MODDIR/$m" "$I/mods/$n.ko"
done
cat >"$I/init" <<EOF2
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /dev /newroot
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
i=1
while [ \$i -le $n ]; do
	/bin/busybox insmod /mods/\$i.ko || echo "initrd: insmod of module \$i failed"
	i=\$((i + 1))
done
/bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=mmap root /newroot ||
	{ echo "initrd: cannot mount the 9p root"; /bin/busybox poweroff -f; }
/bin/busybox umount /proc /dev
exec /bin/busybox switch_root /newroot /lib/systemd/systemd
EOF2
chmod 755 "$I/init"
(cd "$I" && find . | cpio -o -H newc --quiet | gzip -1) >"$INITRD"
rm -rf "$I"

# ---- boot ------------------------------------------------------------------

log "booting (qemu -accel $ACCEL, timeout ${TIMEOUT}s)"
rc=0
"$HERE/../boot.sh" "$TIMEOUT" "$ACCEL" "$VMLINUZ" "$INITRD" \
	"console=ttyS0 panic=-1 loglevel=4 systemd.show_status=auto" \
	"local,path=$ROOT,mount_tag=root,security_model=passthrough,multidevs=remap,id=root" \
	"$OUT/console.log" "$OUT/qemu.log" || rc=$?
log "guest stopped (qemu exit $rc)"
R=$ROOT/vmtest/out
if [ "$rc" != 0 ] || [ "$(cat "$R/status" 2>/dev/null)" != "done" ]; then
	echo "----- guest console ($OUT/console.log) -----" >&2
	tail -80 "$OUT/console.log" >&2 2>/dev/null
	cat "$OUT/qemu.log" >&2
	[ "$rc" = 124 ] || [ "$rc" = 137 ] && fail "guest did not power off within ${TIMEOUT}s"
	fail "guest did not finish (qemu exit $rc, status '$(cat "$R/status" 2>/dev/null)')"
fi
cp -a "$R" "$OUT/results"
python3 "$HERE/check.py" "$OUT/results" || fail "assertions failed (results in $OUT/results)"
# the root (hundreds of MiB) and the build tree go; the results and the .deb stay
rm -rf "$ROOT" "$OUT/src/finit-ftrace"
log "PASS"
