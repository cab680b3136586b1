// SPDX-License-Identifier: MIT
/*
 * test-drain.c - the drain thread's failure reaches the consumer at once:
 * a tracing directory of our own (tracefs_set_tracing_dir) whose
 * trace_pipe_raw is a directory, so every read fails (EISDIR).
 */
#define _GNU_SOURCE
#include <errno.h>

#include <tracefs.h>

#include "drain.h"
#include "unit.h"

/* timeouts - round callback: end the run after the third timeout */
static int timeouts(void *arg)
{
	int *n = arg;

	return ++*n >= 3;
}

/* no_record - record callback: there is none to deliver */
static int no_record(struct tep_record *rec, void *arg)
{
	(void)rec;
	(void)arg;
	return 0;
}

/* a read that fails: the run returns -1 with the thread's errno, not the timeouts' 0 */
static void test_read_fails(void)
{
	struct tracefs_instance *inst;
	struct finit_stream *st;
	struct finit_drain *d;
	struct tep_handle *tep = tep_alloc();
	char err[256];
	int rounds = 0, ret;

	/* a file in it makes trace_pipe_raw a directory */
	CU_ASSERT_FATAL(tep && !unit_put("instances/ff/per_cpu/cpu0/trace_pipe_raw/x", ""));
	inst = tracefs_instance_alloc(NULL, "ff");
	CU_ASSERT_PTR_NOT_NULL_FATAL(inst);
	st = finit_stream_open(inst, tep, 1, 4096, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT(finit_stream_fd(st, 0) >= 0);
	d = finit_drain_start(st, 1 << 20, 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	ret = finit_drain_run(d, -1, -1, 100, timeouts, no_record, &rounds);
	CU_ASSERT_EQUAL(ret, -1);
	CU_ASSERT_EQUAL(errno, EISDIR);
	CU_ASSERT(finit_drain_failed(d));
	CU_ASSERT(rounds < 3);
	/* said once: the finish delivers the rest and does not say it again */
	CU_ASSERT_EQUAL(finit_drain_finish(d, no_record, NULL), 0);
	finit_drain_free(d);
	finit_stream_close(st);
	tracefs_instance_free(inst);
	tep_free(tep);
}

int unit_add_drain(void)
{
	CU_pSuite s = unit_tracing_suite("drain");

	return !s || !CU_add_test(s, "a failed read ends the run at once, said once",
				  test_read_fails);
}
