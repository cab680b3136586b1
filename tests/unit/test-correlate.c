// SPDX-License-Identifier: MIT
/*
 * test-correlate.c - joining enters and exits by tid, enter order, the
 * pending-table cap and shutdown.
 */
#include <string.h>

#include "correlate.h"
#include "unit.h"

struct out {
	struct finit_event	ev[16];
	int			n;
	int			fail_at;	/* 1-based; 0 never */
};

static int collect(const struct finit_event *ev, void *arg)
{
	struct out *o = arg;

	if (o->n < 16)
		o->ev[o->n] = *ev;
	o->n++;
	return o->fail_at && o->n >= o->fail_at ? -1 : 0;
}

static struct finit_event enter(int tid, unsigned long long ts)
{
	struct finit_event ev = { .sys = FINIT_SYS_FINIT_MODULE, .tid = tid, .ts = ts,
				  .args = { tid }, .pid = tid };
	return ev;
}

static struct finit_record exit_rec(int tid, long long ret)
{
	struct finit_record r = { .kind = FINIT_REC_EXIT, .sys = FINIT_SYS_FINIT_MODULE,
				  .tid = tid, .ret = ret };
	return r;
}

static void test_join_in_enter_order(void)
{
	struct out o = { 0 };
	struct finit_correlator *c = finit_correlate_alloc(8, collect, &o);
	struct finit_event e1 = enter(1, 10), e2 = enter(2, 20);
	struct finit_record x1 = exit_rec(1, -17), x2 = exit_rec(2, 0), x9 = exit_rec(9, 0);
	struct finit_corr_stats st;

	CU_ASSERT_EQUAL(finit_correlate_enter(c, &e1), 0);
	CU_ASSERT_EQUAL(finit_correlate_enter(c, &e2), 0);
	/* tid 2 finishes first, but tid 1 entered first: nothing yet */
	CU_ASSERT_EQUAL(finit_correlate_exit(c, &x2), 0);
	CU_ASSERT_EQUAL(o.n, 0);
	CU_ASSERT_EQUAL(finit_correlate_exit(c, &x9), 0);	/* unknown tid: ignored */
	CU_ASSERT_EQUAL(finit_correlate_exit(c, &x1), 0);
	CU_ASSERT_EQUAL_FATAL(o.n, 2);
	CU_ASSERT(o.ev[0].tid == 1 && o.ev[0].ret == -17 &&
		  o.ev[0].origin_ret == FINIT_ORIGIN_KERNEL);
	CU_ASSERT(o.ev[1].tid == 2 && o.ev[1].ret == 0 &&
		  o.ev[1].origin_ret == FINIT_ORIGIN_KERNEL);
	finit_correlate_stats(c, &st);
	CU_ASSERT_EQUAL(st.emitted, 2);
	CU_ASSERT_EQUAL(st.evicted, 0);
	finit_correlate_free(c);
}

static void test_overflow_and_flush(void)
{
	struct out o = { 0 };
	struct finit_correlator *c = finit_correlate_alloc(2, collect, &o);
	struct finit_event e[3] = { enter(1, 1), enter(2, 2), enter(3, 3) };
	struct finit_record x3 = exit_rec(3, -38);
	struct finit_corr_stats st;

	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(finit_correlate_enter(c, &e[i]), 0);
	/* the third enter pushed out tid 1, marked as evicted */
	CU_ASSERT_EQUAL_FATAL(o.n, 1);
	CU_ASSERT(o.ev[0].tid == 1 && o.ev[0].origin_ret == FINIT_ORIGIN_DROPPED);
	CU_ASSERT_EQUAL(finit_correlate_exit(c, &x3), 0);
	CU_ASSERT_EQUAL(o.n, 1);	/* tid 2 still open ahead of it */
	CU_ASSERT_EQUAL(finit_correlate_flush(c), 0);
	CU_ASSERT_EQUAL_FATAL(o.n, 3);
	CU_ASSERT(o.ev[1].tid == 2 && o.ev[1].origin_ret == FINIT_ORIGIN_PENDING);
	CU_ASSERT(o.ev[2].tid == 3 && o.ev[2].ret == -38 &&
		  o.ev[2].origin_ret == FINIT_ORIGIN_KERNEL);
	finit_correlate_stats(c, &st);
	CU_ASSERT_EQUAL(st.emitted, 3);
	CU_ASSERT_EQUAL(st.evicted, 1);
	CU_ASSERT_EQUAL(st.unfinished, 1);
	finit_correlate_free(c);
}

/* a full table whose head is open (a slow load under a flood): the complete
 * calls behind it go out, the open one stays and gets its exit */
static void test_full_open_head(void)
{
	struct out o = { 0 };
	struct finit_correlator *c = finit_correlate_alloc(3, collect, &o);
	struct finit_event load = enter(1, 1), j[4] = { enter(2, 2), enter(2, 3),
							enter(2, 4), enter(2, 5) };
	struct finit_record xj = exit_rec(2, -9), xl = exit_rec(1, 0);
	struct finit_corr_stats st;

	finit_correlate_enter(c, &load);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(finit_correlate_enter(c, &j[i]), 0);
		CU_ASSERT_EQUAL(finit_correlate_exit(c, &xj), 0);
	}
	/* junk 2 and 3 filled the table; junk 4's enter emitted them */
	CU_ASSERT_EQUAL_FATAL(o.n, 2);
	CU_ASSERT(o.ev[0].ts == 2 && o.ev[0].ret == -9 && o.ev[1].ts == 3);
	CU_ASSERT_EQUAL(finit_correlate_exit(c, &xl), 0);
	CU_ASSERT_EQUAL_FATAL(o.n, 5);
	CU_ASSERT(o.ev[2].tid == 1 && o.ev[2].ret == 0 &&
		  o.ev[2].origin_ret == FINIT_ORIGIN_KERNEL);
	CU_ASSERT(o.ev[3].ts == 4 && o.ev[4].ts == 5 && o.ev[4].ret == -9);
	finit_correlate_stats(c, &st);
	CU_ASSERT_EQUAL(st.emitted, 5);
	CU_ASSERT_EQUAL(st.evicted, 0);
	finit_correlate_free(c);
}

static void test_same_tid_twice(void)
{
	struct out o = { 0 };
	struct finit_correlator *c = finit_correlate_alloc(4, collect, &o);
	struct finit_event a = enter(5, 1), b = enter(5, 2), other = enter(6, 3);
	struct finit_record x = exit_rec(5, -17), y = exit_rec(6, 0);
	struct finit_corr_stats st;

	/* the first call's exit was lost: the second enter closes it at once,
	 * so it holds nothing back */
	finit_correlate_enter(c, &a);
	CU_ASSERT_EQUAL(o.n, 0);
	finit_correlate_enter(c, &b);
	CU_ASSERT_EQUAL_FATAL(o.n, 1);
	CU_ASSERT(o.ev[0].ts == 1 && o.ev[0].origin_ret == FINIT_ORIGIN_LOST);
	finit_correlate_enter(c, &other);
	finit_correlate_exit(c, &x);
	CU_ASSERT_EQUAL_FATAL(o.n, 2);
	CU_ASSERT(o.ev[1].ts == 2 && o.ev[1].ret == -17 &&
		  o.ev[1].origin_ret == FINIT_ORIGIN_KERNEL);
	finit_correlate_exit(c, &y);
	CU_ASSERT_EQUAL_FATAL(o.n, 3);
	CU_ASSERT(o.ev[2].tid == 6 && o.ev[2].ret == 0);
	finit_correlate_stats(c, &st);
	CU_ASSERT_EQUAL(st.exit_lost, 1);
	finit_correlate_free(c);
}

static void test_callback_error(void)
{
	struct out o = { .fail_at = 1 };
	struct finit_correlator *c = finit_correlate_alloc(4, collect, &o);
	struct finit_event a = enter(1, 1);
	struct finit_record x = exit_rec(1, 0);

	finit_correlate_enter(c, &a);
	CU_ASSERT_EQUAL(finit_correlate_exit(c, &x), -1);
	CU_ASSERT_PTR_NULL(finit_correlate_alloc(0, collect, &o));
	finit_correlate_free(c);
}

int unit_add_correlate(void)
{
	CU_pSuite s = CU_add_suite("correlate", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "join by tid, emit in enter order", test_join_in_enter_order) ||
	       !CU_add_test(s, "full table, open head: complete calls go out",
			    test_full_open_head) ||
	       !CU_add_test(s, "pending table cap and flush", test_overflow_and_flush) ||
	       !CU_add_test(s, "same tid twice", test_same_tid_twice) ||
	       !CU_add_test(s, "callback error stops", test_callback_error);
}
