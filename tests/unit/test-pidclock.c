// SPDX-License-Identifier: MIT
/*
 * test-pidclock.c - whether a pid may have been handed out between two
 * moments of the pid allocator; and what a recovery keeps of the kernel's
 * comm and tgid tables (a tracing directory of our own holds them): only
 * the pids no new task was given since the recording began.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidclock.h"
#include "recovery.h"
#include "unit.h"

/* the cycle, the wrap from pid_max to 300, and clocks that cannot tell */
static void test_handed_out(void)
{
	const struct finit_pidspace sp = { .pid_max = 32768, .cycle = 31444 }, none = { 4096, 0 };
	struct finit_pidclock a = { 1000, 1000, true }, b = { 1100, 1100, true };
	struct finit_pidclock late = { 32700, 32700, true }, wrapped = { 32800, 350, true };

	CU_ASSERT(finit_pidclock_handed_out(&sp, 1050, &a, &b));
	CU_ASSERT(finit_pidclock_handed_out(&sp, 1100, &a, &b));
	CU_ASSERT_FALSE(finit_pidclock_handed_out(&sp, 1000, &a, &b));
	CU_ASSERT_FALSE(finit_pidclock_handed_out(&sp, 900, &a, &b));
	CU_ASSERT_FALSE(finit_pidclock_handed_out(&sp, 1101, &a, &b));
	/* past pid_max the allocator starts again at 300 */
	CU_ASSERT(finit_pidclock_handed_out(&sp, 32750, &late, &wrapped));
	CU_ASSERT(finit_pidclock_handed_out(&sp, 310, &late, &wrapped));
	CU_ASSERT_FALSE(finit_pidclock_handed_out(&sp, 400, &late, &wrapped));
	CU_ASSERT_FALSE(finit_pidclock_handed_out(&sp, 32000, &late, &wrapped));
	/* a cycle of new tasks between: any pid may have been */
	b.forks = a.forks + sp.cycle;
	CU_ASSERT(finit_pidclock_handed_out(&sp, 900, &a, &b));
	b.forks = a.forks + 100;
	b.ok = false;
	CU_ASSERT(finit_pidclock_handed_out(&sp, 900, &a, &b));
	b.ok = true;
	CU_ASSERT(finit_pidclock_handed_out(&none, 900, &a, &b));
}

/* tables - cmdlines and tgids written by a recovery into @dir, as "C|T" */
static char *tables(const char *dir)
{
	char path[256], *c, *t, *both = NULL;

	snprintf(path, sizeof(path), "%s/cmdlines", dir);
	c = unit_read(path, NULL);
	snprintf(path, sizeof(path), "%s/tgids", dir);
	t = unit_read(path, NULL);
	if (c && t && asprintf(&both, "%s|%s", c, t) < 0)
		both = NULL;
	free(c);
	free(t);
	return both;
}

/* since - finit_recovery_tables_since into @dir; the tables, *dropped set */
static char *since(const char *dir, const struct finit_pidclock *then, size_t *dropped)
{
	char err[256];

	if (finit_recovery_tables_since(dir, then, dropped, err, sizeof(err)) < 0)
		return NULL;
	return tables(dir);
}

/*
 * the kernel's tables name pid 1 (handed out at boot) and a child forked
 * after the recording's clock: the child's lines go, unless the clock is
 * unknown: then all do
 */
static void test_recovery_tables(void)
{
	char dir[] = "/tmp/finit-unit-recovery.XXXXXX", text[128], want[128], *got;
	struct finit_pidclock then;
	struct finit_pidspace sp;
	size_t dropped = 0;
	pid_t child;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	finit_pidclock_read(&then);
	finit_pidclock_space(&sp);
	CU_ASSERT_FATAL(then.ok && sp.cycle > 0);
	child = fork();
	if (!child)
		_exit(0);
	CU_ASSERT_FATAL(child > 0 && waitpid(child, NULL, 0) == child);
	snprintf(text, sizeof(text), "1 systemd\n%d child\n", child);
	CU_ASSERT_FATAL(!unit_put("saved_cmdlines", text));
	snprintf(text, sizeof(text), "1 1\n%d %d\n", child, child);
	CU_ASSERT_FATAL(!unit_put("saved_tgids", text));
	got = since(dir, &then, &dropped);
	snprintf(want, sizeof(want), "1 systemd\n|1 1\n");
	CU_ASSERT_STRING_EQUAL(got ? got : "", want);
	CU_ASSERT_EQUAL(dropped, 2);
	free(got);
	then.ok = false;	/* a recording that did not say */
	got = since(dir, &then, &dropped);
	CU_ASSERT_STRING_EQUAL(got ? got : "?", "|");
	CU_ASSERT_EQUAL(dropped, 4);
	free(got);
	snprintf(text, sizeof(text), "%s/cmdlines", dir);
	unlink(text);
	snprintf(text, sizeof(text), "%s/tgids", dir);
	unlink(text);
	rmdir(dir);
}

int unit_add_pidclock(void)
{
	CU_pSuite s = CU_add_suite("pidclock", NULL, NULL);
	CU_pSuite t = unit_tracing_suite("recovery-tables");

	return !s || !t ||
	       !CU_add_test(s, "handed out: between the clocks, the wrap, a cycle, unknown",
			    test_handed_out) ||
	       !CU_add_test(t, "a recovery keeps the table lines of pids not handed out since",
			    test_recovery_tables);
}
