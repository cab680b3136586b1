// SPDX-License-Identifier: MIT
/*
 * test-tamper.c - the tamper check on two instances of ours (the main one
 * and the protected loads buffer's), in a directory of our own made the
 * tracing directory (tracefs_set_tracing_dir): writes seen as they happen
 * (inotify), changes found at the end, each named with its instance.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>

#include <tracefs.h>

#include "tamper.h"
#include "unit.h"

/* put - @text into DIR/instances/@inst/@file */
static int put(const char *inst, const char *file, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "instances/%s/%s", inst, file);
	return unit_put(path, text);
}

/* the main instance's settings and the loads buffer's, then a write to each */
static void test_two_instances(void)
{
	static const struct finit_evsel main_ev = { "raw_syscalls", "sys_enter", "id == 313" };
	static const struct finit_evsel load_ev = { "module", "module_load", "" };
	struct tracefs_instance *m, *l;
	struct finit_tamper *t;
	char what[512];

	CU_ASSERT_FATAL(!put("ff", "tracing_on", "1\n") && !put("ff", "buffer_size_kb", "4096\n") &&
			!put("ff", "events/raw_syscalls/sys_enter/enable", "1\n") &&
			!put("ff", "events/raw_syscalls/sys_enter/filter", "id == 313\n") &&
			!put("ff-loads", "tracing_on", "1\n") &&
			!put("ff-loads", "buffer_size_kb", "64\n") &&
			!put("ff-loads", "events/module/module_load/enable", "1\n") &&
			!put("ff-loads", "events/module/module_load/filter", "none\n"));
	m = tracefs_instance_alloc(NULL, "ff");
	l = tracefs_instance_alloc(NULL, "ff-loads");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	t = finit_tamper_take(m, &main_ev, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(finit_tamper_add(t, l, &load_ev, 1), 0);
	CU_ASSERT(finit_tamper_fd(t) >= 0);
	CU_ASSERT_EQUAL(finit_tamper_writes(t, what, sizeof(what)), 0);
	CU_ASSERT_EQUAL(finit_tamper_check(t, what, sizeof(what)), 0);
	/* the loads buffer's tracing turned off: seen, and named with its instance */
	CU_ASSERT_EQUAL_FATAL(put("ff-loads", "tracing_on", "0\n"), 0);
	CU_ASSERT_EQUAL(finit_tamper_writes(t, what, sizeof(what)), 1);
	CU_ASSERT_STRING_EQUAL(what, "ff-loads/tracing_on (armed with '1', reads '0' now)");
	CU_ASSERT_EQUAL(finit_tamper_check(t, what, sizeof(what)), 1);
	CU_ASSERT_STRING_EQUAL(what, "ff-loads/tracing_on was '1', now '0'");
	/* then our own filter: both counted, ours said first, without a name */
	CU_ASSERT_EQUAL_FATAL(put("ff", "events/raw_syscalls/sys_enter/filter", "id == 1\n"), 0);
	CU_ASSERT_EQUAL(finit_tamper_writes(t, what, sizeof(what)), 1);
	CU_ASSERT_STRING_EQUAL(what, "events/raw_syscalls/sys_enter/filter "
			       "(armed with 'id == 313', reads 'id == 1' now)");
	CU_ASSERT_EQUAL(finit_tamper_check(t, what, sizeof(what)), 2);
	CU_ASSERT_STRING_EQUAL(what, "events/raw_syscalls/sys_enter/filter was 'id == 313', "
			       "now 'id == 1'");
	finit_tamper_free(t);
	tracefs_instance_free(m);
	tracefs_instance_free(l);
}

int unit_add_tamper(void)
{
	CU_pSuite s = unit_tracing_suite("tamper");

	return !s || !CU_add_test(s, "two instances: writes and changes, each named",
				  test_two_instances);
}
