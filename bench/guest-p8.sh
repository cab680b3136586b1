#!/bin/sh
# guest-p8.sh - /init of the P8 benchmark guest (bench/vm-p8.sh): a getpid()
# loop alone, with `finit-ftrace watch` (syscalls events, and raw_syscalls
# for 32-bit callers), alone, with `watch --no-compat` (syscalls events
# only), alone, the two syscalls events in a bare instance, alone, with
# `watch --path kprobe` (kprobes on the module syscalls only), in turn,
# P8_RUNS times; results in /out/p8.txt, then power off.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing
echo /sbin/vmtest-no-modprobe > /proc/sys/kernel/modprobe
while read -r m; do insmod "$m"; done < /etc/vm-preload
mount -t 9p -o trans=virtio,version=9p2000.L out /out || { echo "P8-FAIL: no /out"; poweroff -f; }
# vm-p8.sh puts P8_N and P8_RUNS on top of this script
P8_N=${P8_N:-200000}
P8_RUNS=${P8_RUNS:-5}
: > /out/p8.txt
uname -r > /out/uname
loop() { echo "P8 run=$1 who=$2 $(/bin/getpid-loop "$P8_N")" >> /out/p8.txt; }
# traced WHO ARGS... - the loop while `finit-ftrace watch ARGS` runs
traced() {
	_who=$1
	shift
	: > /tmp/w.err
	finit-ftrace watch --format json -o /tmp/w.json "$@" 2> /tmp/w.err &
	_w=$!
	_n=0
	until grep -q armed /tmp/w.err || [ $_n -ge 300 ]; do sleep 0.1; _n=$((_n + 1)); done
	grep armed /tmp/w.err >> /out/p8.armed
	loop "$r" "$_who"
	kill -INT $_w
	wait $_w
}
# event_only - the peer: the same two syscalls events enabled in a bare
# instance, no reader (what the kernel's syscall slow path costs by itself)
event_only() {
	_i=/sys/kernel/tracing/instances/p8peer
	mkdir $_i
	echo 1 > $_i/events/syscalls/sys_enter_finit_module/enable
	echo 1 > $_i/events/syscalls/sys_exit_finit_module/enable
	loop "$r" event_only
	echo 0 > $_i/events/syscalls/sys_enter_finit_module/enable
	echo 0 > $_i/events/syscalls/sys_exit_finit_module/enable
	rmdir $_i
}
for r in $(seq "$P8_RUNS"); do
	loop "$r" alone
	traced watch
	loop "$r" alone
	traced watch_no_compat --no-compat
	loop "$r" alone
	event_only
	loop "$r" alone
	traced watch_kprobe --path kprobe
done
loop 0 alone
ls /sys/kernel/tracing/instances > /out/instances-after.txt
echo "done" > /out/status
sync
poweroff -f
