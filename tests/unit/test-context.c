// SPDX-License-Identifier: MIT
/*
 * test-context.c - pid and comm of a caller from the kernel's tables, for a
 * task gone before its record is decoded: whether the values are its own
 * or a predecessor's. The tables are files in a directory of ours
 * (tracefs_set_tracing_dir); the callers are children made and reaped
 * here, so /proc no longer has them, and the kernel's pid clock is real.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tracefs.h>

#include "context.h"
#include "event.h"
#include "unit.h"

#define RANGE	200	/* pids that may be handed out next, named in the tables */

static char dir[] = "/tmp/finit-unit-context.XXXXXX";

/* put - @text as @name in our directory */
static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* gone_child - the pid of a child that has exited and been reaped */
static int gone_child(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* last_pid - the kernel's last pid handed out */
static int last_pid(void)
{
	long long forks;
	int last = -1;

	CU_ASSERT_EQUAL_FATAL(finit_procfs_pid_clock(&forks, &last), 0);
	return last;
}

/* fill - a fresh event of @tid through finit_context_fill */
static void fill(struct finit_context *ctx, struct finit_event *ev, int tid)
{
	memset(ev, 0, sizeof(*ev));
	ev->tid = tid;
	finit_context_fill(ctx, ev, true);
}

/*
 * A caller gone before its record is decoded. F's values appeared in the
 * tables after F was made: F's own. The pids after F were named (tgid 4000,
 * "worker") before C was handed one of them: C's exit never reached the
 * tables, so they are its predecessor's; unknown, not 4000.
 */
static void test_gone(void)
{
	struct finit_context *ctx = finit_context_alloc(true);
	char cmdlines[RANGE * 24 + 64], tgids[RANGE * 24 + 64];
	struct finit_event ev;
	size_t c = 0, t = 0;
	int f, first, child;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	put("saved_cmdlines", "1 init\n");
	put("saved_tgids", "1 1\n");
	finit_context_preload(ctx);

	f = gone_child();
	first = last_pid() + 1;
	c += snprintf(cmdlines, sizeof(cmdlines), "%d modprobe\n", f);
	t += snprintf(tgids, sizeof(tgids), "%d %d\n", f, f);
	for (int p = first; p < first + RANGE; p++) {
		c += snprintf(cmdlines + c, sizeof(cmdlines) - c, "%d worker\n", p);
		t += snprintf(tgids + t, sizeof(tgids) - t, "%d 4000\n", p);
	}
	put("saved_cmdlines", cmdlines);
	put("saved_tgids", tgids);

	fill(ctx, &ev, f);
	CU_ASSERT_EQUAL(ev.pid, f);
	CU_ASSERT_EQUAL(ev.origin_pid, FINIT_ORIGIN_KERNEL);
	CU_ASSERT_STRING_EQUAL(ev.comm, "modprobe");
	CU_ASSERT_EQUAL(ev.origin_comm, FINIT_ORIGIN_KERNEL);

	child = gone_child();
	CU_ASSERT_FATAL(child >= first && child < first + RANGE);
	for (int i = 0; i < 2; i++) {	/* a second record: the same answer */
		fill(ctx, &ev, child);
		CU_ASSERT_EQUAL(ev.pid, -1);
		CU_ASSERT_EQUAL(ev.origin_pid, FINIT_ORIGIN_NONE);
		CU_ASSERT_STRING_EQUAL(ev.comm, "");
		CU_ASSERT_EQUAL(ev.origin_comm, FINIT_ORIGIN_NONE);
	}
	finit_context_free(ctx);
}

/*
 * Two callers gone in a backlog: the read made for the first began after
 * both were handed their pids, so it serves the second too (no read of
 * ~6 ms per caller): what the tables say after it is not seen.
 */
static void test_one_read(void)
{
	struct finit_context *ctx = finit_context_alloc(true);
	struct finit_event ev;
	char line[96];
	int a, b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	put("saved_cmdlines", "1 init\n");
	put("saved_tgids", "1 1\n");
	finit_context_preload(ctx);
	a = gone_child();
	b = gone_child();
	snprintf(line, sizeof(line), "%d insmod\n%d modprobe\n", a, b);
	put("saved_cmdlines", line);
	snprintf(line, sizeof(line), "%d %d\n%d %d\n", a, a, b, b);
	put("saved_tgids", line);
	fill(ctx, &ev, a);
	CU_ASSERT_STRING_EQUAL(ev.comm, "insmod");
	snprintf(line, sizeof(line), "%d insmod\n%d later\n", a, b);
	put("saved_cmdlines", line);
	fill(ctx, &ev, b);
	CU_ASSERT_EQUAL(ev.pid, b);
	CU_ASSERT_STRING_EQUAL(ev.comm, "modprobe");
	finit_context_free(ctx);
}

/* what the first read of the tables had: no read before it to tell when */
static void test_first_read(void)
{
	struct finit_context *ctx = finit_context_alloc(true);
	struct finit_event ev;
	char line[64];
	int f = gone_child();

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	snprintf(line, sizeof(line), "%d insmod\n", f);
	put("saved_cmdlines", line);
	snprintf(line, sizeof(line), "%d %d\n", f, f);
	put("saved_tgids", line);
	fill(ctx, &ev, f);
	CU_ASSERT_EQUAL(ev.pid, -1);
	CU_ASSERT_STRING_EQUAL(ev.comm, "");
	finit_context_free(ctx);
}

/* a live caller (us): /proc's tgid and comm win over a stale entry; the
 * status read is the one finit_context_procfs made */
static void test_live(void)
{
	struct finit_context *ctx = finit_context_alloc(true);
	struct finit_event ev = { .tid = getpid() };
	char line[64], comm[FINIT_COMM_LEN];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	snprintf(line, sizeof(line), "%d worker\n", ev.tid);
	put("saved_cmdlines", line);
	snprintf(line, sizeof(line), "%d 4000\n", ev.tid);
	put("saved_tgids", line);
	CU_ASSERT_EQUAL_FATAL(finit_procfs_comm(ev.tid, comm, sizeof(comm)), 0);
	finit_context_procfs(&ev, false, false);
	CU_ASSERT_EQUAL(ev.proc.tgid, getpid());
	finit_context_fill(ctx, &ev, true);
	CU_ASSERT_EQUAL(ev.pid, getpid());
	CU_ASSERT_EQUAL(ev.origin_pid, FINIT_ORIGIN_PROCFS);
	CU_ASSERT_STRING_EQUAL(ev.comm, comm);
	CU_ASSERT_EQUAL(ev.origin_comm, FINIT_ORIGIN_PROCFS);
	finit_event_release(&ev);
	finit_context_free(ctx);
}

/* our own status, as finit_procfs_proc reads it for a caller */
static void test_status(void)
{
	struct finit_proc p;

	finit_procfs_proc(getpid(), &p, true);
	CU_ASSERT_TRUE_FATAL(p.valid);
	CU_ASSERT_EQUAL(p.tgid, getpid());
	CU_ASSERT_EQUAL(p.ppid, getppid());
	CU_ASSERT_EQUAL(p.uid, (int)getuid());
	CU_ASSERT_EQUAL(p.euid, (int)geteuid());
	CU_ASSERT_EQUAL(p.gid, (int)getgid());
	CU_ASSERT_EQUAL(p.ns_tgid, getpid());	/* (no pid namespace of its own) */
	CU_ASSERT_EQUAL(p.ns_tid, gettid());
	/* root holds CAP_SYS_ADMIN (bit 21), anyone else here none */
	CU_ASSERT_EQUAL((p.cap_eff >> 21) & 1, geteuid() == 0);
	CU_ASSERT_PTR_NOT_NULL(p.exe);
	free(p.exe);
	free(p.cgroup);
	free(p.container_id);
}

/* a status read while the task is being released says PPid 0: not a value */
static void test_status_dying(void)
{
	static const char fmt[] = "Name:\tmodcall\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
				  "Uid:\t0\t1\t0\t0\nGid:\t2\t2\t2\t2\n";
	struct finit_proc p = { 0 };
	char text[256];
	int tgid;

	snprintf(text, sizeof(text), fmt, 7384, 7384, 6715);
	CU_ASSERT_EQUAL(finit_procfs_status_parse(text, &p, &tgid), 3);
	CU_ASSERT(tgid == 7384 && p.ppid == 6715 && p.uid == 0 && p.euid == 1 && p.gid == 2);
	snprintf(text, sizeof(text), fmt, 7384, 7384, 0);
	CU_ASSERT_EQUAL(finit_procfs_status_parse(text, &p, &tgid), 0);
	snprintf(text, sizeof(text), fmt, 1, 1, 0);	/* init has no parent */
	CU_ASSERT_EQUAL(finit_procfs_status_parse(text, &p, &tgid), 3);
	CU_ASSERT_EQUAL(tgid, 1);
}

/* setup - our directory as the tracing directory; teardown - back to tracefs */
static int setup(void)
{
	return !mkdtemp(dir) || tracefs_set_tracing_dir(dir);
}

static int teardown(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/saved_cmdlines", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/saved_tgids", dir);
	unlink(path);
	rmdir(dir);
	return tracefs_set_tracing_dir(NULL);
}

int unit_add_context(void)
{
	CU_pSuite s = CU_add_suite("context", setup, teardown);

	return !s ||
	       !CU_add_test(s, "a gone caller: its own values, not a predecessor's", test_gone) ||
	       !CU_add_test(s, "a gone caller named by the first read", test_first_read) ||
	       !CU_add_test(s, "one read for a backlog of gone callers", test_one_read) ||
	       !CU_add_test(s, "a live caller: /proc over a stale entry", test_live) ||
	       !CU_add_test(s, "a caller's status fields", test_status) ||
	       !CU_add_test(s, "a status of a task being released", test_status_dying);
}
