#!/bin/sh
# guest-init.sh - /init of the VM test: mount, run the finit_module scenario under finit-ftrace and trace-cmd, write /out, power off.
#
# Runs as PID 1 in the busybox initramfs built by mkinitramfs.sh. Results go to
# /out (virtio-9p, host tests/vm/out/); check.py judges them on the host. The
# step names here and SCENARIO/FILTER_SCENARIO in check.py must match: every
# step writes its name to /out/steps.log and check.py compares the lists.
# "VMTEST: ..." lines on the console mark progress; "VMTEST-FAIL" a fatal
# guest-side problem (the host then fails and prints the console log).
# modcall steps run with --hold: the caller stays alive (fds, memory, /proc)
# until the tool has printed its record, so path, the /proc string tier and
# the process context are deterministic; /out/proc/STEP.* is the same /proc
# as the shell saw it then, the reference check.py compares them with.
# Under set -e an unexpected failure runs the EXIT trap: message, power off.
set -eu
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
export HOME=/root TERM=dumb
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
exec </dev/console >/dev/console 2>&1
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing

# shellcheck source=/dev/null
. /etc/vm.env
T=/sys/kernel/tracing
M=/lib/modules/$KVER/kernel
FINIT=/bin/finit-ftrace
MODCALL=/bin/modcall
MODCALL32=/bin/modcall32
# the flood phase's junk calls (run.sh passes VMTEST_FLOOD_N on the kernel
# command line)
FLOOD_N=200000
# the capture path every run of the tool uses (run.sh: vmtest_path=auto or
# kprobe): kprobe through a config file, so that every command takes it
VPATH=auto
for _w in $(cat /proc/cmdline 2>/dev/null); do
	case "$_w" in
	vmtest_flood_n=*) FLOOD_N=${_w#vmtest_flood_n=} ;;
	vmtest_path=*) VPATH=${_w#vmtest_path=} ;;
	esac
done
: > /etc/finit-path.ini
if [ "$VPATH" != auto ]; then
	printf '[capture]\npath = %s\n' "$VPATH" > /etc/finit-path.ini
	FINIT="$FINIT -c /etc/finit-path.ini"
fi
# phase 1's watch also judges every event (check.py: vm_verdict): the same
# config plus a policy that allows loop and brd loads and every unload
{ cat /etc/finit-path.ini
  printf '[policy]\ndefault = deny\n[allow vm-loop]\nevent = finit_module, init_module, module_load\n'
  printf 'module = loop, brd\n[allow vm-unloads]\nevent = delete_module, module_free\n'
} > /etc/finit-policy.ini
FINIT_POLICY="/bin/finit-ftrace -c /etc/finit-policy.ini"
# the cgroup phase 1's callers run in: a docker-style scope, so cgroup and
# container_id have real values to check (phase 2 runs in the root cgroup)
CID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
CG1=/sys/fs/cgroup/system.slice/docker-$CID.scope
PHASE_CG=

say() { read -r _up _ < /proc/uptime; echo "VMTEST: $* [${_up}s]"; }
halt() {
	sync
	umount /out 2>/dev/null || true
	poweroff -f
	sleep 5
	echo o > /proc/sysrq-trigger
}
fatal() {
	trap - EXIT
	echo "VMTEST-FAIL: $*"
	echo "$*" > /out/fatal 2>/dev/null || true
	halt
}
trap 'fatal "guest-init.sh exited early (a command failed under set -e)"' EXIT

# No usermode modprobe: the kernel must not load anything behind our back,
# so that every finit_module call in the trace is one the scenario made.
echo /sbin/vmtest-no-modprobe > /proc/sys/kernel/modprobe

say "kernel $(uname -r), preloading 9p"
while read -r m; do
	insmod "$m" || fatal "insmod $m failed"
done < /etc/vm-preload
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out ||
	fatal "cannot mount 9p tag 'out' on /out"
touch /out/.probe 2>/dev/null || fatal "/out not writable"
rm -f /out/.probe
rm -f /out/status
uname -r > /out/uname
# a global knob the native tier raises: it must be as we found it at the end
cat $T/syscall_user_buf_size > /out/user_buf_size-before 2>/dev/null || true
mkdir -p /out/proc
# cgroup v2: /proc/PID/cgroup is empty until it is mounted
mount -t cgroup2 cgroup2 /sys/fs/cgroup || fatal "cannot mount cgroup2"
mkdir -p "$CG1" || fatal "cannot create $CG1"

# params no single tier gives whole on 7.2 (check.py has the same strings)
LONG_PARAMS="p=$(printf '%0298d' 0 | tr 0 x)"
BINARY_PARAMS="$(printf 'a=\001\002 b=\303\251 c=~')"

# --- helpers ---------------------------------------------------------------

# step NAME - NAME to steps.log; in a watch phase, first the module set
# as it is after the previous step (modsnap)
step() {
	[ -z "${MODSNAP:-}" ] || modsnap "before $1"
	echo "$1" >> /out/steps.log
}

# modsnap LABEL - one line "LABEL mod1 mod2 ..." (the names /proc/modules
# has now) to $MODSNAP; check.py compares the modules that appear during a
# phase with the loads the tool reported (builtins only: no fork)
modsnap() {
	_ms=
	while read -r _m _; do _ms="$_ms $_m"; done < /proc/modules
	echo "$1$_ms" >> "$MODSNAP"
}

# which_modcall [--32|--other] - the binary: modcall, modcall32 (a 32-bit
# caller) or othercall (modcall under another name: another comm); the
# caller shifts the option away when _shift=1
which_modcall() {
	_shift=1
	case "$1" in
	--32) _bin=$MODCALL32 ;;
	--other) _bin=/bin/othercall ;;
	*) _bin=$MODCALL _shift=0 ;;
	esac
}

# mc STEP [--32|--other] ARGS... - modcall ARGS, its JSON line(s) appended
# to calls.jsonl; for calls the tool does not print (the filter drops
# them), so nothing waits for them
mc() {
	step "$1"
	shift
	which_modcall "$1"
	[ $_shift = 0 ] || shift
	$_bin "$@" >> /out/calls.jsonl || fatal "modcall $* exited $?"
}

# la STEP - modcall lookalike: 64-bit syscalls numbered like the 32-bit
# module syscalls; its lines go to lookalike.jsonl (no record may result)
la() {
	step "$1"
	$MODCALL lookalike >> /out/lookalike.jsonl || fatal "modcall lookalike exited $?"
}

# records FILE TID - how many records of TID the tool has printed to FILE
records() { grep -c "\"tid\":$2," "$1" 2>/dev/null || true; }
lines_ge() { [ "$(wc -l < "$1")" -ge "$2" ]; }
records_ge() { [ "$(records "$1" "$2")" -ge "$3" ]; }

# mch STEP [--32|--other] ARGS... - mc with --hold: modcall makes its
# call(s) and stays alive (stdin is a fifo we hold open) until the tool has
# printed a record for each call in $HOLD_OUT; meanwhile its /proc entries
# are copied to /out/proc/STEP.{status,exe,cgroup}. A record that never
# comes is noted in /out/hold-timeouts (check.py fails on it) after 20 s.
mch() {
	_s=$1
	shift
	step "$_s"
	which_modcall "$1"
	[ $_shift = 0 ] || shift
	_n=1 _prev=
	for _a in "$@"; do
		[ "$_prev" = --repeat ] && _n=$_a
		_prev=$_a
	done
	rm -f /tmp/hold
	: > /tmp/mc.out
	mkfifo /tmp/hold
	$_bin "$@" --hold < /tmp/hold > /tmp/mc.out &
	_p=$!
	exec 8> /tmp/hold
	wait_for 20 lines_ge /tmp/mc.out "$_n" || echo "$_s: modcall printed no line" >> /out/hold-timeouts
	cp /proc/$_p/status "/out/proc/$_s.status" || true
	readlink /proc/$_p/exe > "/out/proc/$_s.exe" || true
	cp /proc/$_p/cgroup "/out/proc/$_s.cgroup" || true
	wait_for 20 records_ge "$HOLD_OUT" $_p "$_n" ||
		echo "$_s: no record of tid $_p in $HOLD_OUT within 20 s" >> /out/hold-timeouts
	exec 8>&-
	_rc=0
	wait $_p || _rc=$?
	cat /tmp/mc.out >> /out/calls.jsonl
	[ $_rc = 0 ] || fatal "modcall $* exited $_rc"
}

# bb STEP APPLET ARGS... - a busybox applet run by its path (so comm is the
# applet's name, e.g. "insmod"); its pid and exit status go to busybox.jsonl
bb() {
	_s=$1 _a=$2
	shift 2
	step "$_s"
	"/sbin/$_a" "$@" &
	_p=$!
	_rc=0
	wait $_p || _rc=$?
	# the applet's parent: this shell (a subshell, so not $$); read is a
	# builtin, so /proc/self is the shell itself
	read -r _st < /proc/self/stat
	echo "{\"step\":\"$_s\",\"applet\":\"$_a\",\"pid\":$_p,\"ppid\":${_st%% *},\"rc\":$_rc}" >> /out/busybox.jsonl
}

# wait_for SECONDS CMD... - poll CMD every 0.1 s until it succeeds
wait_for() {
	_left=$(($1 * 10))
	shift
	while ! "$@"; do
		_left=$((_left - 1))
		[ $_left -gt 0 ] || return 1
		sleep 0.1
	done
}

alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }
armed() { grep -q '^finit-ftrace: armed' "$1" 2>/dev/null; }
armed_or_gone() { armed "$1" || gone "$2"; }

# stop_pid PID NAME - SIGINT; after ${STOP_WAIT:-30} s a note in
# /out/NAME.hung and SIGKILL
stop_pid() {
	kill -INT "$1" 2>/dev/null || true
	if ! wait_for "${STOP_WAIT:-30}" gone "$1"; then
		say "$2 did not exit within ${STOP_WAIT:-30} s of SIGINT; killing it"
		echo "no exit within ${STOP_WAIT:-30} s of SIGINT" > "/out/$2.hung"
		kill -KILL "$1" 2>/dev/null || true
	fi
}

# drive NAME STEPS - background half of a watch phase: wait until the tool
# (pid in /tmp/NAME.pid) is armed, run STEPS in cgroup $PHASE_CG (if set),
# stop the tool with SIGINT
drive() {
	trap - EXIT
	HOLD_OUT=${WATCH_DIR:-/out}/$1.jsonl
	# this subshell and the callers it starts go to $PHASE_CG (echo is a builtin)
	[ -z "$PHASE_CG" ] || echo 0 > "$PHASE_CG/cgroup.procs"
	cp /proc/self/cgroup "/out/$1.driver.cgroup" 2>/dev/null || true
	wait_for 10 test -s "/tmp/$1.pid" || { echo "no pid file" > "/out/$1.not-armed"; exit 0; }
	_w=$(cat "/tmp/$1.pid")
	echo "$_w" > "/out/$1.pid"
	if ! wait_for 60 armed_or_gone "/out/$1.stderr" "$_w" || ! armed "/out/$1.stderr"; then
		say "$1: finit-ftrace never printed 'finit-ftrace: armed'; stderr:"
		cat "/out/$1.stderr" || true
		echo "never armed" > "/out/$1.not-armed"
		alive "$_w" && stop_pid "$_w" "$1"
		exit 0
	fi
	ls $T/instances > "/out/$1.instances-armed.txt"
	cat "$T/instances/finit-ftrace-$_w/events/raw_syscalls/sys_enter/enable" \
		> "/out/$1.raw-enable.txt" 2>/dev/null || true
	cat "$T/instances/finit-ftrace-$_w/events/syscalls/enable" \
		> "/out/$1.syscalls-enable.txt" 2>/dev/null || true
	cat $T/dynamic_events > "/out/$1.dynamic_events-armed.txt"
	MODSNAP=/out/$1.modsnap
	: > "$MODSNAP"
	modsnap initial
	$2
	modsnap final
	MODSNAP=
	sleep 1
	stop_pid "$_w" "$1"
}

# watch_phase NAME STEPS [WATCH ARGS...] - finit-ftrace watch -o /out/NAME.jsonl
# (or $WATCH_DIR/NAME.jsonl)
# in the foreground, so that SIGINT has its default disposition as when run
# from a terminal (a background job of a non-interactive shell would inherit
# it ignored), while drive runs STEPS in the background.
watch_phase() {
	_n=$1 _steps=$2
	shift 2
	rm -f "/tmp/$_n.pid"
	: > "/out/$_n.stderr"
	drive "$_n" "$_steps" &
	_d=$!
	_rc=0
	sh -c 'echo $$ > "$0"; exec "$@"' "/tmp/$_n.pid" \
		${PHASE_FINIT:-$FINIT} watch --format json -o "${WATCH_DIR:-/out}/$_n.jsonl" "$@" \
		> "/out/$_n.stdout" 2>> "/out/$_n.stderr" || _rc=$?
	echo $_rc > "/out/$_n.rc"
	wait $_d || true
	# what the tool left behind: nothing, once it has exited
	ls $T/instances > "/out/$_n.instances-after.txt"
	cat $T/dynamic_events > "/out/$_n.dynamic_events-after.txt"
}

# rec_start NAME [RECORD ARGS...] - finit-ftrace record -o /out/NAME.dat in
# the background, until it is armed (SIGINT reaches it although a
# background job of this shell inherits SIGINT ignored: the tool blocks it
# and reads a signalfd)
rec_start() {
	RNAME=$1
	shift
	: > "/out/$RNAME.stderr"
	$FINIT record -o "/out/$RNAME.dat" "$@" > "/out/$RNAME.stdout" 2>> "/out/$RNAME.stderr" &
	RPID=$!
	echo $RPID > "/out/$RNAME.pid"
	if ! wait_for 60 armed_or_gone "/out/$RNAME.stderr" $RPID || ! armed "/out/$RNAME.stderr"; then
		say "$RNAME: finit-ftrace record never printed 'finit-ftrace: armed'"
		echo "never armed" > "/out/$RNAME.not-armed"
	fi
	# its instance and probes as it armed (check.py: still there while the
	# watch beside it is armed)
	ls $T/instances > "/out/$RNAME.instances-armed.txt"
	cat $T/dynamic_events > "/out/$RNAME.dynamic_events-armed.txt"
}

# rec_stop - SIGINT to the record started by rec_start; what it left behind
rec_stop() {
	# it must still run: only SIGINT stops it
	if alive $RPID; then echo yes; else echo no; fi > "/out/$RNAME.alive-at-stop"
	stop_pid $RPID "$RNAME"
	_rc=0
	wait $RPID || _rc=$?
	echo $_rc > "/out/$RNAME.rc"
	ls $T/instances > "/out/$RNAME.instances-after.txt"
	cat $T/dynamic_events > "/out/$RNAME.dynamic_events-after.txt"
}

# --- the scenario ----------------------------------------------------------

# phase 1: every kind of call; finit-ftrace and trace-cmd both watch
phase1_steps() {
	bb insmod-loop insmod "$M"/drivers/block/loop.ko max_loop=4 max_part=2
	mch brd-params-spaces finit "$M"/drivers/block/brd.ko "rd_nr=1 rd_size=1024 max_part=1" 0
	mch tun-empty-params finit "$M"/drivers/net/tun.ko "" 0
	mch tun-again-eexist finit "$M"/drivers/net/tun.ko "" 0 --fd 9
	mch dummy-flags-8-einval finit "$M"/drivers/net/dummy.ko "" 8
	mch nlmon-flags-3 finit "$M"/drivers/net/nlmon.ko "" 3
	mch veth-xz-compressed-flag finit "$M"/drivers/net/veth.ko.xz "" 4
	bb insmod-veth-xz insmod "$M"/drivers/net/veth.ko.xz
	bb rmmod-brd rmmod brd
	mch brd-reload finit "$M"/drivers/block/brd.ko "rd_nr=2" 0
	mch closed-fd-ebadf finit - "" 0 --fd 42
	mch tun-repeat-2 finit "$M"/drivers/net/tun.ko "x=\"a b\" y" 0 --repeat 2
	# longer than 7.2's native field holds (165 at most), and bytes it
	# prints as '.': every kernel must still give the exact string
	mch tun-long-params finit "$M"/drivers/net/tun.ko "$LONG_PARAMS" 0
	mch tun-binary-params finit "$M"/drivers/net/tun.ko "$BINARY_PARAMS" 0
	mch init-dummy init "$M"/drivers/net/dummy.ko "numdummies=0"
	mch delete-absent-enoent delete vmtest_absent 0
	mch compat-mii-p32 --32 finit "$M"/drivers/net/mii.ko "p=32" 0
	mch compat-tun-eexist --32 finit "$M"/drivers/net/tun.ko "" 0 --fd 5
	# 32-bit init_module/delete_module: the compat kprobes see them
	mch compat-init-eql --32 init "$M"/drivers/net/eql.ko "x=1"
	mch compat-delete-enoent --32 delete vmtest_absent32 0
	la lookalike-64bit-128-129
}

# phase 2: a kernel filter keeps only flags == 8 (compat calls: a user-space
# filter); ifb's load is dropped by the filter but still comes out as a
# module_load event
filter_steps() {
	mch f-dummy-flags-8 finit "$M"/drivers/net/dummy.ko "" 8
	mc f-tun-eexist finit "$M"/drivers/net/tun.ko "" 0
	mch f-closed-fd-flags-8 finit - "p=1" 8 --fd 42
	bb f-insmod-ifb insmod "$M"/drivers/net/ifb.ko numifbs=0
	mc f-flags-9 finit - "" 9 --fd 42
	mch f-compat-flags-8 --32 finit "$M"/drivers/net/dummy.ko "" 8
	mc f-compat-tun-eexist --32 finit "$M"/drivers/net/tun.ko "" 0
}

# phase 3: a filter on comm, a kernel-only field (the kernel evaluates it
# on the syscalls events; raw_syscalls has comm too)
commfilter_steps() {
	mch c-modcall-ebadf finit - "" 0 --fd 42
	mc c-othercall-ebadf --other finit - "" 0 --fd 42
	mc c-modcall32-ebadf --32 finit - "" 0 --fd 42
	# the filter drops othercall's finit_module, not its load (eql was
	# unloaded before the phase): a module_load event of othercall
	mch c-othercall-eql --other finit "$M"/drivers/net/eql.ko "" 0
}

# phase 4: watch -e init_module, with record -e init_module beside it: a
# finit_module load (mii, unloaded before the phase) comes out as a
# module_load event only; init_module is reported; delete_module is not
events_steps() {
	mch e-finit-mii finit "$M"/drivers/net/mii.ko "" 0
	mch e-init-dummy-eexist init "$M"/drivers/net/dummy.ko ""
	mc e-delete-enoent delete vmtest_absent 0
}

# flood: "a flood must not hide a load". burst makes $FLOOD_N junk calls
# finit_module(-1, "p=1", 0) back to back (-9 EBADF each); while it runs,
# busybox insmod loads dummy with a parameter and modcall loads loop with
# a parameter string (both unloaded before the phase). Every junk call must
# be reported (and none lost), and both loads with module, params and ret.
# /out/flood.calls.jsonl: modcall's line and one line for insmod;
# flood.burst.out: burst's "issued N pid PID ..."; flood.burst-alive: the
# junk caller still ran when both loads were done (they were in the middle).
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
# flood_settle FILE - wait until FILE (the tool's output) has not grown
# for 4 s (a stat each second, not a read of the file: it is some 100 MB
# and the tool is still decoding); progress on the console every 20 s.
# What is still in the spool then is decoded when the tool stops.
flood_settle() {
	_last=-1 _same=0 _t=0
	while [ $_same -lt 4 ]; do
		sleep 1
		_t=$((_t + 1))
		_sz=$(size_of "$1")
		if [ "$_sz" = "$_last" ]; then _same=$((_same + 1)); else _same=0; fi
		_last=$_sz
		[ $((_t % 20)) != 0 ] || say "flood: output $_sz bytes"
	done
}
flood_steps() {
	: > /out/flood.calls.jsonl
	rm -f /tmp/flood.go
	/bin/burst -w /tmp/flood.go "$FLOOD_N" > /out/flood.burst.out &
	_bp=$!
	echo $_bp > /out/flood.burst.pid
	touch /tmp/flood.go
	# the loads go in while burst is busy
	sleep 1
	modsnap "before flood-insmod-dummy"
	/sbin/insmod "$M"/drivers/net/dummy.ko numdummies=2 &
	_p=$!
	_rc=0
	wait $_p || _rc=$?
	echo "{\"step\":\"flood-insmod-dummy\",\"applet\":\"insmod\",\"pid\":$_p,\"rc\":$_rc}" >> /out/flood.calls.jsonl
	modsnap "before flood-loop-params"
	$MODCALL finit "$M"/drivers/block/loop.ko "max_loop=4 max_part=1" 0 >> /out/flood.calls.jsonl ||
		fatal "flood: modcall finit loop.ko exited $?"
	if alive $_bp; then echo yes; else echo no; fi > /out/flood.burst-alive
	_rc=0
	wait $_bp || _rc=$?
	echo $_rc > /out/flood.burst.rc
	say "flood: $(cat /out/flood.burst.out)"
	flood_settle /tmp/flood.jsonl
	say "flood: output settled at $(size_of /tmp/flood.jsonl) bytes; stopping the tool"
}

# stale: a watch killed with SIGKILL leaves its instance and its eprobes;
# `finit-ftrace cleanup` must remove (and name) all of them
stale_reclaim() {
	: > /out/stale.stderr
	$FINIT watch --format json -o /tmp/stale.jsonl 2>> /out/stale.stderr &
	_p=$!
	echo $_p > /out/stale.pid
	if ! wait_for 60 armed_or_gone /out/stale.stderr $_p || ! armed /out/stale.stderr; then
		echo "never armed" > /out/stale.not-armed
	fi
	kill -KILL $_p 2>/dev/null || true
	wait $_p 2>/dev/null || true
	ls $T/instances > /out/stale.instances-killed.txt
	cat $T/dynamic_events > /out/stale.dynamic_events-killed.txt
	_rc=0
	$FINIT cleanup > /out/cleanup.stdout 2> /out/cleanup.stderr || _rc=$?
	echo $_rc > /out/cleanup.rc
	ls $T/instances > /out/stale.instances-after.txt
	cat $T/dynamic_events > /out/stale.dynamic_events-after.txt
}

# --- trace-cmd fixtures for `finit-ftrace report` ----------------------------
# Small trace.dat files written by trace-cmd itself while real loads happen;
# they go to /out/fixtures/NAME.dat with NAME.calls.jsonl (what each caller
# printed: modcall's own lines, and one line per busybox applet run) and
# NAME.cmd (the trace-cmd command line). check.py compares `finit-ftrace
# report` on them with the calls; `VMTEST_MAKE_FIXTURES=1 make vmtest`
# also stores them as tests/fixtures/tracecmd/ (run.sh). The modules were
# loaded by the phases above: each recording unloads the ones it loads
# first (rmmod is outside the trace).
FX=/out/fixtures

# fx_on INSTANCE_DIR - trace-cmd has enabled its events there and tracing is on
fx_on() { grep -qs 1 "$1/events/syscalls/sys_exit_finit_module/enable" && grep -qs 1 "$1/tracing_on"; }

# fx_start NAME INSTANCE_DIR TRACE-CMD-RECORD-ARGS... - trace-cmd record -o
# /tmp/NAME.dat in the background, until its events are on in INSTANCE_DIR
fx_start() {
	_fx=$1 _dir=$2
	shift 2
	_cmd="trace-cmd record"
	for _x in "$@"; do
		case "$_x" in
		*" "*) _cmd="$_cmd '$_x'" ;;
		*) _cmd="$_cmd $_x" ;;
		esac
	done
	echo "$_cmd -o $_fx.dat" > "$FX/$_fx.cmd"
	: > "$FX/$_fx.calls.jsonl"
	trace-cmd record "$@" -o "/tmp/$_fx.dat" > "$FX/$_fx.tc.log" 2>&1 &
	FXPID=$!
	wait_for 60 fx_on "$_dir" || fatal "fixture $_fx: trace-cmd record did not enable its events within 60 s"
	sleep 1 # margin for its per-cpu recorders
	say "fixture $_fx: trace-cmd armed"
}

# fx_stop - SIGINT to trace-cmd, then copy its file out
fx_stop() {
	sleep 1
	stop_pid $FXPID "fixtures/$_fx.tc"
	_rc=0
	wait $FXPID || _rc=$?
	echo $_rc > "$FX/$_fx.tc.rc"
	cp "/tmp/$_fx.dat" "$FX/$_fx.dat" || fatal "fixture $_fx: trace-cmd left no file"
	rm -f "/tmp/$_fx.dat"
	say "fixture $_fx: done"
}

# fx_mc [--32] ARGS... - a modcall call in the current fixture
fx_mc() {
	which_modcall "$1"
	[ $_shift = 0 ] || shift
	$_bin "$@" >> "$FX/$_fx.calls.jsonl" || fatal "fixture $_fx: modcall $* exited $?"
}

# fx_bb APPLET MODULE-PATH PARAMS... - a busybox applet in the current fixture;
# params are joined as insmod joins them (a space after each)
fx_bb() {
	_a=$1
	shift
	"/sbin/$_a" "$@" &
	_p=$!
	_rc=0
	wait $_p || _rc=$?
	shift
	_pv=
	for _x in "$@"; do _pv="$_pv$_x "; done
	echo "{\"applet\":\"$_a\",\"pid\":$_p,\"tid\":$_p,\"comm\":\"$_a\",\"param_values\":\"$_pv\",\"rc\":$_rc}" >> "$FX/$_fx.calls.jsonl"
}

make_fixtures() {
	mkdir -p $FX
	# trace-cmd saves /proc/kallsyms (4 MB here) in every file; report never
	# needs it: an empty one keeps the fixtures small
	mount -o bind /dev/null /proc/kallsyms || fatal "cannot mask /proc/kallsyms"
	trace-cmd --version 2>&1 | grep -m1 version > $FX/trace-cmd.version || true
	uname -r > $FX/uname

	# v7-zstd: trace-cmd's default file version, compressed with zstd
	rmmod brd nlmon
	fx_start v7-zstd $T -b 64 --file-version 7 --compression zstd \
		-e syscalls:sys_enter_finit_module -e syscalls:sys_exit_finit_module -e module:module_load
	fx_mc finit "$M"/drivers/block/brd.ko "rd_nr=1 rd_size=512" 0
	fx_mc finit "$M"/drivers/net/tun.ko "" 0 --fd 7
	fx_mc finit "$M"/drivers/net/nlmon.ko "" 3
	fx_mc finit "$M"/drivers/net/veth.ko.xz "" 4
	fx_mc finit - "" 0 --fd 42
	fx_stop

	# v6: version 6 (uncompressed), and raw_syscalls id 350 for 32-bit callers
	rmmod loop mii
	fx_start v6 $T -b 64 --file-version 6 \
		-e syscalls:sys_enter_finit_module -e syscalls:sys_exit_finit_module -e module:module_load \
		-e raw_syscalls:sys_enter -f 'id == 350' -e raw_syscalls:sys_exit -f 'id == 350'
	fx_bb insmod "$M"/drivers/block/loop.ko max_loop=2
	fx_mc --32 finit "$M"/drivers/net/mii.ko "p=1" 0
	fx_mc --32 finit "$M"/drivers/net/tun.ko "" 0
	fx_mc finit "$M"/drivers/net/dummy.ko "numdummies=0" 8
	fx_stop

	# buffers: the calls in a -B buffer, sched_process_exec in the top one
	rmmod eql ifb
	fx_start buffers $T/instances/fx -b 64 -e sched:sched_process_exec -B fx -b 64 \
		-e syscalls:sys_enter_finit_module -e syscalls:sys_exit_finit_module -e module:module_load
	fx_mc finit "$M"/drivers/net/eql.ko "" 0
	fx_mc finit "$M"/drivers/net/ifb.ko "numifbs=0" 0
	fx_mc finit "$M"/drivers/net/tun.ko "x=1" 0 --repeat 2
	fx_stop
	ls $T/instances > $FX/instances-after.txt
	umount /proc/kallsyms
}

# what init_module gets when busybox insmod falls back on the .ko.xz
xzcat "$M"/drivers/net/veth.ko.xz | wc -c > /out/veth.ko.len
# and what modcall init passes: the files' sizes
wc -c < "$M"/drivers/net/dummy.ko > /out/dummy.ko.len
wc -c < "$M"/drivers/net/eql.ko > /out/eql.ko.len

say "finit-ftrace check"
rc=0
$FINIT check --format json > /out/check.json 2> /out/check.stderr || rc=$?
echo $rc > /out/check.rc

say "phase 1"
# raw_syscalls id 350: finit_module of 32-bit callers, which the syscalls
# events do not show (350 is no 64-bit syscall on x86_64). trace-cmd keeps
# them in the top-level buffer and extracts them at the end: its record's
# per-CPU recorders once read nothing in a whole phase (their statistics:
# every entry left in the buffer, 0 read), a peer's failure, not ours
trace-cmd start -e syscalls:sys_enter_finit_module -e syscalls:sys_exit_finit_module \
	-e raw_syscalls:sys_enter -f 'id == 350' -e raw_syscalls:sys_exit -f 'id == 350' \
	> /out/tc.stdout 2>&1 || fatal "trace-cmd start failed: $(cat /out/tc.stdout)"
# a second instance of ours beside watch: finit-ftrace record (issue 5);
# the host reads rec.dat with `finit-ftrace report` and `trace-cmd report`
rec_start rec
PHASE_CG=$CG1
PHASE_FINIT=$FINIT_POLICY
watch_phase watch phase1_steps
PHASE_FINIT=
PHASE_CG=
rec_stop
rc=0
{ trace-cmd stop && trace-cmd extract -o /tmp/tc.dat; } >> /out/tc.stdout 2>&1 || rc=$?
echo $rc > /out/tc.rc
# events off, filters cleared: the later phases check that nothing is left on
trace-cmd reset >> /out/tc.stdout 2>&1 || say "trace-cmd reset failed"
cp /tmp/tc.dat /out/tc.dat || say "trace-cmd left no data"

say "phase 2"
echo "--- filter" >> /out/steps.log
watch_phase filter filter_steps -f 'flags == 8'

say "phase 3"
echo "--- commfilter" >> /out/steps.log
rmmod eql # loaded again in the phase
watch_phase commfilter commfilter_steps -f 'comm == "modcall"' --no-compat

say "phase 4"
echo "--- events" >> /out/steps.log
rmmod mii # loaded again in the phase
rec_start erec -e init_module
watch_phase events events_steps -e init_module
rec_stop

# guard: "loads are protected". The tool is stopped (SIGSTOP), so nothing
# drains its main buffer (-b 64: 64 KiB per CPU); on CPU 0, 5,000 junk
# calls (so that the page the reader holds is full of them: the kernel
# never overwrites that one), a load, then 20,000 junk calls that overwrite
# the rest many times over. Only the protected loads buffer still holds the
# load when the tool resumes: it must be reported once, from there, and the
# summary must say so.
guard_steps() {
	kill -STOP "$_w"
	taskset -c 0 /bin/burst -q 5000
	taskset -c 0 insmod "$M"/drivers/net/ifb.ko numifbs=0 &
	_p=$!
	_rc=0
	wait $_p || _rc=$?
	echo "{\"step\":\"guard-insmod-ifb\",\"pid\":$_p,\"rc\":$_rc}" > /out/guard.calls.jsonl
	taskset -c 0 /bin/burst 20000 > /out/guard.burst.out
	kill -CONT "$_w"
}
say "guard"
rmmod ifb # loaded again in the phase
watch_phase guard guard_steps -b 64

# utf8: a parameter string that is not UTF-8 (issue 13), on a closed fd
# (EBADF: the string is still the call's): strict JSON, and the exact bytes
# back from raw_b64, whatever the string tier of this kernel
utf8_steps() {
	$MODCALL finit - "$(printf 'bad=\377\376 end')" 0 --fd 42 > /out/utf8.calls.txt || true
}
say "utf8"
watch_phase utf8 utf8_steps -e finit_module

# tamper: another process turns the protected loads buffer's tracing off
# and on again while the tool runs; the run says so, and exits 1
tamper_steps() {
	echo 0 > "$T/instances/finit-ftrace-$_w-loads/tracing_on"
	echo 1 > "$T/instances/finit-ftrace-$_w-loads/tracing_on"
}
say "tamper"
watch_phase tamper tamper_steps -e finit_module

if [ "$FLOOD_N" -gt 0 ]; then
	say "flood ($FLOOD_N junk calls)"
	rmmod dummy loop # loaded again, with parameters, in the flood
	# the output goes to tmpfs (some 100 MB), then to /out in one copy;
	# the tool may still have much to decode when it is stopped
	STOP_WAIT=400 WATCH_DIR=/tmp
	watch_phase flood flood_steps
	STOP_WAIT= WATCH_DIR=
	cp /tmp/flood.jsonl /out/flood.jsonl || fatal "flood: cannot copy flood.jsonl"
	rm -f /tmp/flood.jsonl
	say "flood done"
fi

say "stale reclaim"
stale_reclaim

# leftovers: nothing of finit-ftrace may remain in tracefs
ls $T/instances > /out/instances.txt
cat $T/dynamic_events > /out/dynamic_events.txt
cat $T/syscall_user_buf_size > /out/user_buf_size-after 2>/dev/null || true
cat /proc/modules > /out/modules.txt
lsmod > /out/lsmod.txt

# trace-cmd's files do not depend on our capture path: once, on auto
if [ "$VPATH" = auto ]; then
	say "trace-cmd fixtures"
	make_fixtures
fi

dmesg > /out/dmesg.txt
echo "done" > /out/status
say "done"
trap - EXIT
halt
