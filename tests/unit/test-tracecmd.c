// SPDX-License-Identifier: MIT
/*
 * test-tracecmd.c - report's reading of a trace.dat: a fixture through
 * libtracecmd, and the child process that contains crashes and loops.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracecmd.h"
#include "unit.h"

#define V6 "tests/fixtures/tracecmd/v6.dat"

/* count - one more record */
static int count(struct tep_record *rec, void *arg)
{
	(void)rec;
	(*(int *)arg)++;
	return 0;
}

/* a trace-cmd v6 file: every record; a text file: an error naming it */
static void test_open_iterate(void)
{
	struct finit_tracecmd t;
	int n = 0;
	struct finit_tracecmd_ops ops = { .record = count, .arg = &n };
	char err[512];

	CU_ASSERT_EQUAL_FATAL(finit_tracecmd_open(&t, V6, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(t.own);
	CU_ASSERT_EQUAL(finit_tracecmd_iterate(&t, &ops, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_EQUAL((unsigned long long)n, t.records);
	finit_tracecmd_close(&t);
	finit_tracecmd_close(&t);
	CU_ASSERT_EQUAL(finit_tracecmd_open(&t, "tests/unit/unit.h", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tests/unit/unit.h"));
}

static int ret_seven(void *arg)
{
	(void)arg;
	return 7;
}

static int crash(void *arg)
{
	(void)arg;
	abort();
}

static int spin(void *arg)
{
	for (volatile unsigned long *i = arg;; (*i)++)
		;
	return 0;
}

static int die_quietly(void *arg)
{
	(void)arg;
	_exit(1);
}

/* the child's exit code comes back; a crash, a loop, a death are errors */
static void test_guarded(void)
{
	unsigned long n = 0;
	char err[512];

	CU_ASSERT_EQUAL(finit_tracecmd_guarded(ret_seven, NULL, "f.dat", 5, err, sizeof(err)), 7);
	CU_ASSERT_EQUAL(finit_tracecmd_guarded(crash, NULL, "f.dat", 5, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "f.dat: reading it crashed the trace.dat parser"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "signal 6"));
	CU_ASSERT_EQUAL(finit_tracecmd_guarded(spin, &n, "f.dat", 1, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "f.dat: reading it took more than 1 s of CPU"));
	CU_ASSERT_EQUAL(finit_tracecmd_guarded(die_quietly, NULL, "f.dat", 5, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "f.dat: the trace.dat parser died"));
}

int unit_add_tracecmd(void)
{
	CU_pSuite s = CU_add_suite("tracecmd", NULL, NULL);

	return !s || !CU_add_test(s, "a fixture through libtracecmd", test_open_iterate) ||
	       !CU_add_test(s, "the guarded child", test_guarded);
}
