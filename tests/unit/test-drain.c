// SPDX-License-Identifier: MIT
/*
 * test-drain.c - the drain thread and its consumer, on a tracing directory
 * of our own (tracefs_set_tracing_dir): its failure reaches the consumer at
 * once (trace_pipe_raw is a directory: every read fails, EISDIR); a lone
 * record after a quiet spell is read by the consumer itself (trace_pipe_raw
 * is a named pipe the test writes sub-buffers into).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

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

#define LONE_PAGES	20

static const char *const host[] = {
	"host-6.18-no-modules/raw_syscalls.sys_enter.format",
	"host-6.18-no-modules/raw_syscalls.sys_exit.format",
	NULL,
};

struct lone {
	struct tep_handle	*tep;
	int			fd[2];		/* the pipes' write ends: cpu0, cpu1 */
	unsigned long long	ts[2 * LONE_PAGES];
	int			cpu[2 * LONE_PAGES];
	int			n;		/* records delivered */
	bool			written;	/* the writer is done */
	int			late;		/* rounds since */
};

/* writer - a page of an enter and its exit every 2 ms, CPUs in turn, time rising */
static void *writer(void *arg)
{
	struct lone *l = arg;
	struct unit_page pg;
	unsigned char d[64];

	for (int i = 0; i < LONE_PAGES; i++) {
		usleep(2000);
		unit_page_init(&pg, 1000ULL * (i + 1));
		unit_page_add(&pg, 0, d, unit_raw_rec(l->tep, d, 1, 100 + i, i));
		unit_page_add(&pg, 10, d, unit_raw_rec(l->tep, d, 0, 100 + i, -38));
		if (write(l->fd[i % 2], pg.buf, UNIT_SUBBUF) != UNIT_SUBBUF)
			break;
	}
	__atomic_store_n(&l->written, true, __ATOMIC_RELEASE);
	return NULL;
}

/* got - record callback: its time stamp and CPU */
static int got(struct tep_record *rec, void *arg)
{
	struct lone *l = arg;

	if (l->n < 2 * LONE_PAGES) {
		l->ts[l->n] = rec->ts;
		l->cpu[l->n] = rec->cpu;
	}
	l->n++;
	return 0;
}

/* all_in - round callback: every record came, or 50 rounds passed after the writer ended */
static int all_in(void *arg)
{
	struct lone *l = arg;

	return l->n >= 2 * LONE_PAGES ||
	       (__atomic_load_n(&l->written, __ATOMIC_ACQUIRE) && ++l->late > 50);
}

/*
 * one_cpu - this thread, and the threads it starts from now on, on the CPU
 * it runs on (@old: the mask before); true if so
 */
static bool one_cpu(cpu_set_t *old)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	return !sched_getaffinity(0, sizeof(*old), old) && !sched_setaffinity(0, sizeof(one), &one);
}

/* lone_run - the writer and the drain thread started, the run until all_in */
static int lone_run(struct lone *l, struct finit_drain *d, bool *rt)
{
	struct sched_param above = { .sched_priority = 2 }, none = { 0 };
	pthread_t w;
	int ret;

	if (pthread_create(&w, NULL, writer, l))
		return -1;
	/* above the drain thread (SCHED_FIFO 1): the wake-up reaches this thread first */
	*rt = !pthread_setschedparam(pthread_self(), SCHED_FIFO, &above);
	ret = finit_drain_run(d, -1, -1, 10, all_in, got, l);
	pthread_setschedparam(pthread_self(), SCHED_OTHER, &none);
	pthread_join(w, NULL);
	return ret;
}

/*
 * every lone page is read by the consumer, once, in time order: on one CPU
 * with the consumer above the drain thread, it is woken first and reads
 */
static void test_consumer_reads(void)
{
	struct lone l = { .tep = unit_tep("host-6.18-no-modules/header_page", host) };
	struct tracefs_instance *inst;
	struct finit_stream *st;
	struct finit_drain *d;
	cpu_set_t old;
	char err[256];
	bool pinned, rt = false;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l.tep);
	l.fd[0] = unit_fifo("instances/lone/per_cpu/cpu0/trace_pipe_raw");
	l.fd[1] = unit_fifo("instances/lone/per_cpu/cpu1/trace_pipe_raw");
	CU_ASSERT_FATAL(l.fd[0] >= 0 && l.fd[1] >= 0);
	inst = tracefs_instance_alloc(NULL, "lone");
	CU_ASSERT_PTR_NOT_NULL_FATAL(inst);
	st = finit_stream_open(inst, l.tep, 2, UNIT_SUBBUF, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	pinned = one_cpu(&old);
	d = finit_drain_start(st, 1 << 20, 0, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(lone_run(&l, d, &rt), 0);
	CU_ASSERT_EQUAL(finit_drain_finish(d, got, &l), 0);
	CU_ASSERT_EQUAL_FATAL(l.n, 2 * LONE_PAGES);
	for (int i = 0; i < 2 * LONE_PAGES; i++) {
		CU_ASSERT_EQUAL(l.ts[i], 1000ULL * (i / 2 + 1) + 10 * (i % 2));
		CU_ASSERT_EQUAL(l.cpu[i], (i / 2) % 2);
	}
	if (pinned && rt)	/* not root: the race is the scheduler's, not asserted */
		CU_ASSERT_EQUAL(finit_drain_helped(d), LONE_PAGES);
	if (pinned)
		sched_setaffinity(0, sizeof(old), &old);
	finit_drain_free(d);
	finit_stream_close(st);
	close(l.fd[0]);
	close(l.fd[1]);
	tracefs_instance_free(inst);
	tep_free(l.tep);
}

int unit_add_drain(void)
{
	CU_pSuite s = unit_tracing_suite("drain");

	return !s || !CU_add_test(s, "a failed read ends the run at once, said once",
				  test_read_fails) ||
	       !CU_add_test(s, "a lone record after a quiet spell: the consumer reads it",
			    test_consumer_reads);
}
