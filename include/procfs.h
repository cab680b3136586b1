/* SPDX-License-Identifier: MIT */
/*
 * procfs.h - readers of /proc/PID: everything here is racy (TOCTOU) and
 * NULL or -1 once the task is gone.
 */
#ifndef FINIT_PROCFS_H
#define FINIT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

#include "finit.h"

/* finit_procfs_comm - /proc/TID/comm into @buf; 0 or -1 */
int finit_procfs_comm(int tid, char *buf, size_t len);

/*
 * finit_procfs_pid_clock - the kernel's count of tasks ever made (/proc/stat
 * "processes") and the last pid it handed out (ns_last_pid): together they
 * tell whether a pid was handed out after a moment. 0 or -1.
 */
int finit_procfs_pid_clock(long long *forks, int *last_pid);

/* finit_procfs_pid_max - /proc/sys/kernel/pid_max, -1 if unreadable */
int finit_procfs_pid_max(void);

/* Longest user string read from /proc/PID/mem. */
#define FINIT_PROCFS_STR_MAX	16384

/*
 * finit_procfs_string - the NUL-terminated string at @addr in @tid's memory,
 * at most FINIT_PROCFS_STR_MAX bytes (*truncated then). NULL if unreadable.
 */
char *finit_procfs_string(int tid, unsigned long long addr, bool *truncated);

/* finit_procfs_fd_path - the target of /proc/TID/fd/FD, NULL if gone */
char *finit_procfs_fd_path(int tid, long long fd);

/* finit_procfs_sha256 - hash of the file open as FD in TID (through /proc) */
char *finit_procfs_sha256(int tid, long long fd);

/*
 * finit_procfs_proc - tgid, ppid, uid, euid, gid, CapEff (status), auid
 * (loginuid), sessionid, exe, cgroup and container id of TID; @with_ids:
 * also the namespaces, cgroup id and start times (the Tracee format's)
 */
void finit_procfs_proc(int tid, struct finit_proc *p, bool with_ids);

/*
 * finit_procfs_status_parse - /proc/TID/status's text (cut into lines in
 * place) into @p and *@tgid: how many of PPid, Uid and Gid it had, 0 for a
 * task the kernel no longer shows alive (PPid 0, not init). Exposed for the
 * unit tests.
 */
int finit_procfs_status_parse(char *text, struct finit_proc *p, int *tgid);

/*
 * finit_procfs_container_id - the container id in a cgroup path (docker,
 * containerd/CRI, cri-o and podman forms: 64 hex digits), NULL if none.
 */
char *finit_procfs_container_id(const char *cgroup);

#endif
