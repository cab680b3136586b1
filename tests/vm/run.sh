#!/bin/sh
# run.sh - stock-kernel VM test: boot Debian's 5.10, 6.1.0-50, 6.1, 6.12 and 7.2 kernels under qemu TCG, run the finit_module scenario on each, check the results.
#
# Run from the project root (make vmtest does):
#   FINIT=./finit-ftrace MODCALL=build/modcall MODCALL32=build/modcall32 \
#   BURST=build/bench/burst tests/vm/run.sh
# Environment:
#   FINIT, MODCALL, MODCALL32   binaries under test (required; MODCALL32 is
#                    modcall built -m32 -static, the 32-bit caller)
#   BURST            bench/burst (make build/bench/burst): the flood phase's
#                    junk caller
#   VMTEST_FLOOD_N   junk calls in the flood phase (default 200000)
#   VMTEST_FLOOD_KERNELS  the series that run the flood phase (default: all
#                    of KERNELS; "" skips it; about 25-60 s of guest time
#                    each; on the auto path's boot only)
#   VMTEST_FLOOD_TIMEOUT  seconds added to VMTEST_TIMEOUT on those (default 120)
#   VMTEST_PATHS     the capture paths to run each kernel with, one boot
#                    each (default "auto kprobe"; results of kprobe in
#                    OUT/SERIES-kprobe)
#   KERNELS          the Debian kernel series to run, in order (default
#                    "5.10 6.1.0-50 6.1 6.12 7.2"; e.g. KERNELS=5.10 for one)
#   VMTEST_TIMEOUT   seconds each guest may run (default 240)
#   VMTEST_ACCEL     qemu's -accel (default "tcg,thread=single": one host
#                    thread runs both vCPUs; with multi-threaded TCG, sid's
#                    7.2.13 oopsed now and then ("int3" in
#                    trace_syscall_exit while a tracepoint was enabled) when
#                    the host was busy; single-threaded costs no time here)
#   VMTEST_CACHE     download/build cache (default tests/vm/cache)
#   VMTEST_OUT       results (default tests/vm/out; one folder per series)
#   VMTEST_MAKE_FIXTURES=1  also store the guest's trace-cmd files as
#                    tests/fixtures/tracecmd/*.dat and rewrite their expected
#                    outputs (opt-in, from the 6.1 run; review them first)
# Never skips: a missing qemu, kernel package or tool is a failure.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
FINIT=${FINIT:?set FINIT to the finit-ftrace binary}
MODCALL=${MODCALL:?set MODCALL to the modcall helper}
MODCALL32=${MODCALL32:?set MODCALL32 to the 32-bit modcall helper (make build/modcall32)}
BURST=${BURST:?set BURST to the junk caller (make build/bench/burst)}
FLOOD_N=${VMTEST_FLOOD_N:-200000}
FLOOD_TIMEOUT=${VMTEST_FLOOD_TIMEOUT:-120}
TIMEOUT=${VMTEST_TIMEOUT:-240}
ACCEL=${VMTEST_ACCEL:-tcg,thread=single}
CACHE=${VMTEST_CACHE:-$HERE/cache}
OUTBASE=${VMTEST_OUT:-$HERE/out}
KERNELS=${KERNELS:-5.10 6.1.0-50 6.1 6.12 7.2}
FLOOD_KERNELS=${VMTEST_FLOOD_KERNELS-$KERNELS}
PATHS=${VMTEST_PATHS:-auto kprobe}

START=$(date +%s)
fail() { echo "vmtest: ${SERIES:+$SERIES: }FAIL: $*" >&2; exit 1; }
log() { echo "vmtest: ${SERIES:+$SERIES: }$* [$(($(date +%s) - START))s]"; }

# show_console - the guest's serial log, for any failure after boot
show_console() {
	echo "----- guest console ($OUT/console.log) -----" >&2
	cat "$OUT/console.log" >&2 2>/dev/null || echo "(no console log)" >&2
	echo "----- end of guest console -----" >&2
}

for tool in qemu-system-x86_64 timeout cpio gzip xz python3 trace-cmd busybox ldd dpkg-deb apt-get depmod; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "'$tool' not found; run 'make deps' (tests/install-deps.sh) as root"
done
[ -x "$FINIT" ] || fail "FINIT=$FINIT is not an executable (run make)"
[ -x "$MODCALL" ] || fail "MODCALL=$MODCALL is not an executable (make build/modcall)"
[ -x "$MODCALL32" ] || fail "MODCALL32=$MODCALL32 is not an executable (make build/modcall32)"
[ -x "$BURST" ] || fail "BURST=$BURST is not an executable (make build/bench/burst)"

# read_back DAT JSONL BASE TXT TCBASE - `finit-ftrace report -F json` and
# `trace-cmd report` on DAT: outputs in JSONL and TXT, stderr and exit code
# in BASE.stderr/.rc and TCBASE.stderr/.rc (check.py judges them)
read_back() {
	rc=0
	"$FINIT" report -F json "$1" >"$2" 2>"$3.stderr" || rc=$?
	echo $rc >"$3.rc"
	rc=0
	trace-cmd report -i "$1" >"$4" 2>"$5.stderr" || rc=$?
	echo $rc >"$5.rc"
}

# run_kernel - the whole test on Debian's $SERIES kernel, results in $OUT
run_kernel() {
	mkdir -p "$CACHE"
	kinfo=$("$HERE/fetch-kernel.sh" "$CACHE" "$SERIES") || fail "could not get Debian's $SERIES kernel (see above)"
	# "KVER ROOT VMLINUZ MODDIR" (MODDIR holds modules.dep)
	read -r KVER _ VMLINUZ MODDIR <<-EOF
	$kinfo
	EOF
	[ -n "$MODDIR" ] || fail "fetch-kernel.sh printed '$kinfo', not 'KVER ROOT VMLINUZ MODDIR'"
	log "kernel $KVER"

	INITRD=$CACHE/initramfs-$KVER.cpio.gz
	EXTRA_BINS=$BURST "$HERE/mkinitramfs.sh" "$KVER" "$MODDIR" "$FINIT" "$MODCALL" "$MODCALL32" "$HERE/guest-init.sh" "$INITRD" ||
		fail "building the initramfs failed"
	log "initramfs $(du -k "$INITRD" | cut -f1) KiB"

	for VPATH in $PATHS; do
		OUT=$OUTBASE/$SERIES
		[ "$VPATH" = auto ] || OUT=$OUTBASE/$SERIES-$VPATH
		run_path
	done
}

# run_path - one boot of $SERIES with the capture path $VPATH, results in $OUT
run_path() {
	# the flood phase on $FLOOD_KERNELS only (0: the guest skips it), on auto
	flood_n=0 timeout=$TIMEOUT
	for k in $FLOOD_KERNELS; do
		[ "$k" != "$SERIES" ] || [ "$VPATH" != auto ] ||
			flood_n=$FLOOD_N timeout=$((TIMEOUT + FLOOD_TIMEOUT))
	done

	rm -rf "$OUT"
	mkdir -p "$OUT"
	log "booting (qemu -accel $ACCEL, timeout ${timeout}s, path $VPATH, flood $flood_n)"
	rc=0
	"$HERE/boot.sh" "$timeout" "$ACCEL" "$VMLINUZ" "$INITRD" \
		"console=ttyS0 quiet panic=-1 vmtest_flood_n=$flood_n vmtest_path=$VPATH" \
		"local,path=$OUT,mount_tag=out,security_model=none,id=out" \
		"$OUT/console.log" "$OUT/qemu.log" || rc=$?
	log "guest stopped (qemu exit $rc)"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		show_console
		cat "$OUT/qemu.log" >&2
		fail "guest did not power off within ${timeout}s"
	fi
	if [ "$rc" != 0 ]; then
		show_console
		cat "$OUT/qemu.log" >&2
		fail "qemu exited with status $rc"
	fi
	if [ -f "$OUT/fatal" ] || [ "$(cat "$OUT/status" 2>/dev/null)" != "done" ]; then
		show_console
		fail "guest did not finish the scenario: $(cat "$OUT/fatal" 2>/dev/null || echo 'no status file')"
	fi

	# The reference: trace-cmd's own reading of what it recorded in the guest.
	if [ -s "$OUT/tc.dat" ]; then
		trace-cmd report -R -i "$OUT/tc.dat" >"$OUT/tc.txt" 2>"$OUT/tc-report.stderr" ||
			{ cat "$OUT/tc-report.stderr" >&2; fail "trace-cmd report failed on $OUT/tc.dat"; }
		# what trace-cmd left unread when stopped (check.py: its capture is whole?)
		trace-cmd report --stat -i "$OUT/tc.dat" >"$OUT/tc-stat.txt" 2>/dev/null || true
	fi

	# finit-ftrace record's files from phases 1 (rec) and 4 (erec), read back
	# offline by both readers (check.py compares them with watch.jsonl and
	# events.jsonl); exit codes are checked there.
	for r in rec erec; do
		if [ -f "$OUT/$r.dat" ]; then
			read_back "$OUT/$r.dat" "$OUT/$r.jsonl" "$OUT/$r-report" "$OUT/$r-tc.txt" "$OUT/$r-tc"
		fi
	done

	# trace-cmd's own files from the guest: report on each (check.py compares
	# them with what the callers printed), and trace-cmd must open them too
	for dat in "$OUT"/fixtures/*.dat; do
		[ -f "$dat" ] || continue
		n=${dat%.dat}
		read_back "$dat" "$n.report.jsonl" "$n.report" "$n.tc-report.txt" "$n.tc-report"
	done

	if ! FLOOD_N=$flood_n VMTEST_PATH=$VPATH python3 "$HERE/check.py" "$OUT" "$SERIES"; then
		show_console
		fail "assertions failed (results in $OUT)"
	fi

	# Opt-in only: store the guest's trace-cmd files as the committed fixtures
	# of tests/fixtures/tracecmd/ and regenerate their expected outputs (review
	# them before committing; see that directory's README.md).
	if [ "${VMTEST_MAKE_FIXTURES:-0}" = 1 ] && [ "$SERIES" = 6.1 ] && [ "$VPATH" = auto ]; then
		FXDIR=$(cd "$HERE/../fixtures" && pwd)/tracecmd
		mkdir -p "$FXDIR"
		for dat in "$OUT"/fixtures/*.dat; do
			n=$(basename "$dat" .dat)
			cp "$dat" "$FXDIR/$n.dat"
			cp "$OUT/fixtures/$n.calls.jsonl" "$FXDIR/$n.calls.jsonl"
			cp "$OUT/fixtures/$n.cmd" "$FXDIR/$n.cmd"
		done
		FINIT="$FINIT" "$FXDIR/check.sh" --write || fail "writing the fixtures' expected outputs failed"
		log "fixtures written to $FXDIR (kernel $(cat "$OUT/fixtures/uname"), $(cat "$OUT/fixtures/trace-cmd.version")); review them and update its README.md"
	fi
	log "PASS ($VPATH)"
}

failed=
for SERIES in $KERNELS; do
	( run_kernel ) || failed="$failed $SERIES"
done
SERIES=
[ -z "$failed" ] || fail "failed on:$failed (of: $KERNELS)"
log "PASS on all of: $KERNELS"

