// SPDX-License-Identifier: MIT
/*
 * reclaim.c - what dead runs left behind: instances <prefix>-<pid> (a dead
 * recorder's unread data saved into its recovery directory first, else
 * said to be discarded), dynamic event groups <prefix>_<pid>, a raised
 * syscall_user_buf_size, and dead recorders' recovery directories (listed).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "context.h"
#include "dat.h"
#include "finit.h"
#include "log.h"
#include "reclaim.h"
#include "recovery.h"
#include "salvage.h"
#include "tiers.h"

/* finit_reclaim_owner_alive - @pid still runs finit-ftrace (not a recycled pid) */
bool finit_reclaim_owner_alive(int pid)
{
	char comm[FINIT_COMM_LEN], mine[FINIT_COMM_LEN];

	if (pid == getpid())
		return false;	/* we have not created ours yet: a dead namesake's */
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	/* A recycled pid running something else is not the owner. */
	if (finit_procfs_comm(pid, comm, sizeof(comm)) ||
	    finit_procfs_comm(getpid(), mine, sizeof(mine)))
		return false;
	return !strcmp(comm, mine);
}

/*
 * instance_pid - the pid in "<prefix>-<pid>" (or "<prefix>-<pid>-loads",
 * the protected loads buffer), or -1 if @name is not ours
 */
static int instance_pid(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) || name[n] != '-' || !name[n + 1])
		return -1;
	pid = strtol(name + n + 1, &end, 10);
	if (*end && strcmp(end, "-loads"))
		return -1;
	return pid <= 0 || pid > 0x7fffffff ? -1 : (int)pid;
}

/* live_sessions - instances named @prefix-PID whose PID runs us, but @self */
static int live_sessions(const char *prefix, int self)
{
	char **names = tracefs_instances(NULL);
	int n = 0;

	for (int i = 0; names && names[i]; i++) {
		int pid = instance_pid(names[i], prefix);

		n += pid > 0 && pid != self && finit_reclaim_owner_alive(pid);
	}
	tracefs_list_free(names);
	return n;
}

/*
 * save_user_buf - remember syscall_user_buf_size as the first of our
 * sessions found it (a later one finds it raised): in a file, so that
 * `cleanup` can put it back after a session killed with SIGKILL
 */
void finit_reclaim_save_user_buf(long long v)
{
	int fd = open(FINIT_USER_BUF_STATE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return;		/* there already: an earlier value */
	dprintf(fd, "%lld\n", v);
	close(fd);
}

/* restore_user_buf - that value back, once no session of ours runs */
void finit_reclaim_restore_user_buf(const char *prefix, int self, bool report)
{
	FILE *f = fopen(FINIT_USER_BUF_STATE, "r");
	char buf[32];
	long long v;

	if (!f)
		return;
	if (live_sessions(prefix, self)) {
		fclose(f);
		return;
	}
	if (fscanf(f, "%lld", &v) == 1) {
		snprintf(buf, sizeof(buf), "%lld", v);
		if (tracefs_instance_file_write(NULL, "syscall_user_buf_size", buf) > 0 && report)
			finit_log(FINIT_LOG_INFO, "restored syscall_user_buf_size to %lld", v);
	}
	fclose(f);
	unlink(FINIT_USER_BUF_STATE);
}

/* reclaim_dynevents - stale groups <prefix>_<pid> of dead runs; count or -1 */
static int reclaim_dynevents(const char *prefix, bool report)
{
	struct tracefs_dynevent **all;
	char want[96];
	int removed = 0, failed = 0;
	size_t n;

	finit_tiers_group_name(prefix, 0, want, sizeof(want));
	n = strlen(want) - 1;	/* "<prefix>_" */
	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_EPROBE | TRACEFS_DYNEVENT_KPROBE |
				       TRACEFS_DYNEVENT_KRETPROBE, NULL);
	for (int i = 0; all && all[i]; i++) {
		char *sys = NULL, *ev = NULL, *end;
		long pid;

		tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
		if (sys && !strncmp(sys, want, n)) {
			pid = strtol(sys + n, &end, 10);
			if (!*end && pid > 0 && !finit_reclaim_owner_alive((int)pid)) {
				if (tracefs_dynevent_destroy(all[i], true) < 0) {
					failed++;
				} else {
					removed++;
					if (report)
						finit_log(FINIT_LOG_INFO, "removed stale dynamic "
							  "event %s/%s (pid %ld is gone)", sys, ev, pid);
				}
			}
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
	return failed ? -1 : removed;
}

/*
 * save_unread - before a dead run's instance goes: a recorder's unread data
 * into its recovery directory, else what is discarded per CPU is said
 */
static void save_unread(struct tracefs_instance *inst, int pid, bool guard, bool report)
{
	char dir[PATH_MAX];

	/* the protected loads buffer's loads are the main buffer's twins */
	if (!guard && !finit_recovery_registered(pid, dir, sizeof(dir)) &&
	    finit_salvage_is_dir(dir)) {
		finit_recovery_save_instance(dir, inst);
		return;
	}
	for (int cpu = 0; report && cpu < FINIT_DAT_MAX_CPUS; cpu++) {
		long long n = finit_recovery_unread(inst, cpu);

		if (n < 0)
			break;
		if (n)
			finit_log(FINIT_LOG_WARNING, "instance %s: discarding %lld unread entries "
				  "of cpu%d (%s)", tracefs_instance_get_name(inst), n, cpu,
				  guard ? "the protected loads buffer: module_load records" :
				  "no recovery directory: not a record run");
	}
}

/*
 * list_recordings - dead recorders' recovery directories, each with the
 * command that makes its trace.dat; a registration whose directory is gone
 * goes too
 */
static void list_recordings(bool report)
{
	DIR *d = opendir(FINIT_RECOVERY_RUN_DIR);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char dir[PATH_MAX], *end;
		long pid;

		if (strncmp(e->d_name, "record-", 7))
			continue;
		pid = strtol(e->d_name + 7, &end, 10);
		if (*end || pid <= 0 || pid > 0x7fffffff || finit_reclaim_owner_alive((int)pid) ||
		    finit_recovery_registered((int)pid, dir, sizeof(dir)) < 0)
			continue;
		if (!finit_salvage_is_dir(dir))
			finit_recovery_forget((int)pid);
		else if (report)
			finit_log(FINIT_LOG_INFO, "%s holds what record (pid %ld, gone) captured: "
				  "make its trace.dat with 'finit-ftrace record --recover %s'",
				  dir, pid, dir);
	}
	if (d)
		closedir(d);
}

/* reclaim_one - a dead run's instance (@guard: its protected loads buffer) */
static int reclaim_one(const char *prefix, int pid, bool guard, bool report)
{
	struct tracefs_instance *inst;
	char name[128];
	int ret = 0;

	snprintf(name, sizeof(name), "%s-%d%s", prefix, pid, guard ? "-loads" : "");
	if (!tracefs_instance_exists(name))
		return 0;
	inst = tracefs_instance_alloc(NULL, name);
	if (inst)
		save_unread(inst, pid, guard, report);
	if (inst && !tracefs_instance_destroy(inst)) {
		ret = 1;
		if (report)
			finit_log(FINIT_LOG_INFO, "removed stale instance %s (pid %d is gone)", name,
				  pid);
	} else {
		ret = -1;
		if (report)
			finit_log(FINIT_LOG_ERROR, "cannot remove stale instance %s: %s (is a reader "
				  "still holding its trace_pipe_raw?)", name, strerror(errno));
	}
	tracefs_instance_free(inst);
	return ret;
}

/* finit_reclaim_instance - @pid's instance and its -loads one, if the run is gone */
int finit_reclaim_instance(const char *prefix, int pid, bool report)
{
	int a, b;

	if (finit_reclaim_owner_alive(pid))
		return 0;
	a = reclaim_one(prefix, pid, false, report);
	b = reclaim_one(prefix, pid, true, report);
	return a < 0 || b < 0 ? -1 : a + b;
}

/* finit_reclaim_stale - dead runs' instances, dynamic events and user_buf */
int finit_reclaim_stale(const char *prefix, bool report)
{
	char **names = tracefs_instances(NULL);
	int removed = 0, failed = 0, n;

	for (int i = 0; names && names[i]; i++) {
		int pid = instance_pid(names[i], prefix);

		n = pid < 0 ? 0 : finit_reclaim_instance(prefix, pid, report);
		failed += n < 0;
		removed += n > 0 ? n : 0;
	}
	tracefs_list_free(names);
	/* after the instances: a stale instance may still have them enabled */
	n = reclaim_dynevents(prefix, report);
	if (n < 0)
		failed++;
	else
		removed += n;
	finit_reclaim_restore_user_buf(prefix, -1, report);
	list_recordings(report);
	return failed ? -1 : removed;
}
