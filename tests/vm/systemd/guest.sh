#!/bin/sh
# guest.sh - inside the booted Debian 12: put finit-ftrace.service through its paces and write what happened to /vmtest/out (check.py judges it on the host).
# Runs as vmtest.service after multi-user.target, then powers off.
set -u
O=/vmtest/out
T=/sys/kernel/tracing
U=finit-ftrace.service
cd "$O" || exit 1
date +%s.%N >t0

# snap NAME - the unit's state, our tracefs instances and dynamic events
snap() {
	systemctl show "$U" -p ActiveState -p SubState -p Result -p MainPID -p NRestarts \
		-p Type -p UnitFileState -p ExecMainStatus -p StatusText >"$1.show"
	ls "$T/instances" >"$1.instances"
	grep finit "$T/dynamic_events" >"$1.dynevents"
	ps -eo pid,comm | awk '$2 == "finit-ftrace"' >"$1.procs"
}

# wait_state STATE SECONDS - until ActiveState is STATE; 1 on timeout
wait_state() {
	i=0
	while [ "$(systemctl show -P ActiveState "$U")" != "$1" ]; do
		i=$((i + 1))
		[ $i -le $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}

# modload HOW MOD [PARAMS] - load MOD (modprobe or insmod), note it, its
# result, and in params.MOD the exact parameter string the kernel gets
# (modprobe adds the options of /lib/modprobe.d: its dry run says which)
modload() {
	how=$1 mod=$2
	shift 2
	if [ "$how" = insmod ]; then
		printf '%s' "$*" >"params.$mod"
		insmod "$(modinfo -n "$mod")" "$@"
	else
		modprobe -n -v "$mod" "$@" | awk '$1 == "insmod"' | tail -n 1 |
			sed 's/^insmod [^ ]* //' | tr -d '\n' >"params.$mod"
		modprobe "$mod" "$@"
	fi
	echo "$how $mod $? $*" >>loads
}

# the boot: enabled by the package, started before sysinit, armed
systemctl is-enabled "$U" >enabled 2>&1
wait_state active 60 || echo "not active 60 s after boot" >>notes
snap boot
systemd-analyze verify --man=no "$U" >verify.out 2>&1
echo $? >verify.rc
systemd-analyze security --no-pager "$U" >security.out 2>&1

# 1. loads while it runs, then a clean stop
date +%s.%N >t1
modload modprobe dummy numdummies=2
modload insmod eql
modload modprobe nlmon
# dummy again: finit_module fails (EEXIST), a warning in the journal
insmod "$(modinfo -n dummy)" 2>failload.err
echo $? >failload.rc
sleep 2
systemctl stop "$U"
echo $? >stop.rc
snap stop

# 2. SIGKILL, then start: the dead run's instance is reclaimed
systemctl start "$U"
echo $? >start2.rc
snap run1
systemctl kill -s KILL "$U"
sleep 0.5
systemctl start "$U"
echo $? >start3.rc
wait_state active 30 || echo "not active again after kill + start" >>notes
snap run2
modload modprobe ifb
sleep 2

# 3. logrotate: the file renamed, systemctl reload (SIGHUP: the outputs
# reopened, the config not re-read), the same pid goes on
F=/var/log/finit-ftrace/finit-ftrace.log
stat -c '%U %a' /var/log/finit-ftrace >logsdir.stat
mv "$F" "$F.1"
systemctl reload "$U" >reload.out 2>&1
echo $? >reload.rc
wait_state active 20 || echo "not active 20 s after reload" >>notes
snap reload
modload modprobe veth
sleep 2
snap after-reload
cp "$F.1" file.old
cp "$F" file.new

# 4. without -c the installed config is read
printf '[output]\nformat = xml\n' >/tmp/bad.ini
mount --bind /tmp/bad.ini /etc/finit-ftrace/finit-ftrace.ini
finit-ftrace check >defcfg.out 2>defcfg.err
echo $? >defcfg.rc
umount /etc/finit-ftrace/finit-ftrace.ini

journalctl -u "$U" -o json --no-pager >journal.json
journalctl -b -o short-monotonic --no-pager >journal-all.txt
uname -r >"uname"
echo "done" >status
sync
systemctl poweroff --no-block
