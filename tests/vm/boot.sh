#!/bin/sh
# boot.sh - boot one VM test guest under qemu (2 vCPUs, 1 GiB, no reboot, serial console to a file) with one host folder shared over 9p; qemu's exit status, or timeout's (124, 137).
#
# Usage: boot.sh TIMEOUT ACCEL VMLINUZ INITRD APPEND VIRTFS CONSOLE_LOG QEMU_LOG
#   VIRTFS   qemu's -virtfs argument (local,path=...,mount_tag=...,...)
set -eu
[ $# -eq 8 ] || { echo "usage: boot.sh TIMEOUT ACCEL VMLINUZ INITRD APPEND VIRTFS CONSOLE_LOG QEMU_LOG" >&2; exit 2; }
exec timeout -k 10 "$1" qemu-system-x86_64 \
	-accel "$2" -m 1024 -smp 2 \
	-nodefaults -no-user-config -display none -monitor none \
	-serial "file:$7" -kernel "$3" -initrd "$4" -append "$5" -no-reboot \
	-virtfs "$6" </dev/null >"$8" 2>&1
