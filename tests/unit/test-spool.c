// SPDX-License-Identifier: MIT
/*
 * test-spool.c - the spool between the drain thread and the decoder: each
 * CPU's order across memory and the spill file, the bounds, the eventfd,
 * the gate that keeps records of all CPUs in time order, and a producer
 * thread racing the consumer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"
#include "unit.h"

#define PAGE	64

/* page_of - a page whose bytes say its number */
static void page_of(unsigned char *p, int n)
{
	memset(p, n & 0xff, PAGE);
	memcpy(p, &n, sizeof(n));
}

/* pop_number - @cpu's next page: its number, -1 if none (*seq set) */
static int pop_number(struct finit_spool *sp, int cpu, unsigned long long *seq)
{
	unsigned char got[PAGE];
	int n;

	if (finit_spool_pop(sp, cpu, got, seq) != PAGE)
		return -1;
	memcpy(&n, got, sizeof(n));
	return n;
}

/* memory for 4 pages, the file for 6 more: each CPU's order kept, the 11th refused */
static void test_order_and_bounds(void)
{
	struct finit_spool *sp = finit_spool_alloc(PAGE, 3, 4 * PAGE, 6 * PAGE, NULL);
	struct finit_spool_stats st;
	unsigned char page[PAGE];
	unsigned long long seq;
	struct pollfd pfd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	pfd = (struct pollfd){ .fd = finit_spool_fd(sp), .events = POLLIN };
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);		/* nothing waits */
	for (int i = 0; i < 10; i++) {
		page_of(page, i);
		CU_ASSERT_EQUAL(finit_spool_push(sp, i % 3, page, PAGE), 0);
	}
	page_of(page, 10);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), -1);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 3, page, PAGE), -1);	/* no such CPU */
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);		/* woken once per pass, not per page */
	finit_spool_publish(sp);
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 1);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.pages, 10);
	CU_ASSERT_EQUAL(st.spilled, 6);
	CU_ASSERT_EQUAL(st.refused, 1);
	CU_ASSERT_EQUAL(st.peak_bytes, 10 * PAGE);
	/* two out: memory has room again, but a new page queues behind the file */
	CU_ASSERT_EQUAL(pop_number(sp, 0, &seq), 0);
	CU_ASSERT_EQUAL(seq, 0);
	CU_ASSERT_EQUAL(pop_number(sp, 0, &seq), 3);
	CU_ASSERT_EQUAL(seq, 3);
	page_of(page, 10);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 1, page, PAGE), -1);	/* file full */
	for (int cpu = 0; cpu < 3; cpu++) {
		for (int i = cpu == 0 ? 6 : cpu; i < 10; i += 3) {
			CU_ASSERT_EQUAL_FATAL(pop_number(sp, cpu, &seq), i);
			CU_ASSERT_EQUAL(seq, (unsigned long long)i);
		}
		CU_ASSERT_EQUAL(pop_number(sp, cpu, &seq), -1);
	}
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.bytes, 0);
	/* emptied, the file starts over: memory first again */
	CU_ASSERT_EQUAL(finit_spool_push(sp, 2, page, PAGE), 0);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.spilled, 6);
	finit_spool_free(sp);
}

/*
 * The gate: cpu0's page 0 may go before cpu1's records only once cpu1 was
 * seen empty after page 0 was pushed, or cpu1's own pages are there to
 * compare, or the spool is full.
 */
static void test_gate(void)
{
	struct finit_spool *sp = finit_spool_alloc(PAGE, 3, 3 * PAGE, 0, NULL);
	unsigned char page[PAGE];
	unsigned long long seq, mark;
	struct pollfd pfd;
	uint64_t v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	pfd = (struct pollfd){ .fd = finit_spool_fd(sp), .events = POLLIN };
	finit_spool_mark_empty(sp, 1);		/* before page 0: says nothing of it */
	page_of(page, 0);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), 0);
	CU_ASSERT_EQUAL(finit_spool_gate(sp, 1, 0, &mark), FINIT_SPOOL_WAIT);
	CU_ASSERT_EQUAL(mark, 0);
	finit_spool_publish(sp);
	CU_ASSERT_EQUAL(read(pfd.fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	finit_spool_mark_empty(sp, 1);
	CU_ASSERT_EQUAL(finit_spool_gate(sp, 1, 0, &mark), FINIT_SPOOL_GO);
	CU_ASSERT_EQUAL(mark, 1);
	finit_spool_publish(sp);		/* the mark moved: the consumer is told */
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 1);
	CU_ASSERT_EQUAL(read(pfd.fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	finit_spool_mark_empty(sp, 1);		/* nothing new: no wake-up */
	finit_spool_publish(sp);
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);
	/* a page of cpu1 pushed after page 0: compare, not guess */
	page_of(page, 1);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 1, page, PAGE), 0);
	CU_ASSERT_EQUAL(finit_spool_gate(sp, 1, 1, &mark), FINIT_SPOOL_PAGES);
	CU_ASSERT_EQUAL(pop_number(sp, 1, &seq), 1);
	CU_ASSERT_EQUAL(finit_spool_gate(sp, 1, 1, &mark), FINIT_SPOOL_WAIT);
	CU_ASSERT_EQUAL(finit_spool_gate(sp, 2, 1, &mark), FINIT_SPOOL_WAIT);
	/* full: order is given up rather than the drain stopped */
	CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), 0);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), 0);
	CU_ASSERT_EQUAL(finit_spool_gate(sp, 2, 1, &mark), FINIT_SPOOL_GO);
	finit_spool_free(sp);
}

#define RACE_PAGES	20000

/* producer - pushes RACE_PAGES numbered pages, retrying while full */
static void *producer(void *arg)
{
	struct finit_spool *sp = arg;
	unsigned char page[PAGE];

	for (int i = 0; i < RACE_PAGES; i++) {
		page_of(page, i);
		while (finit_spool_push(sp, i & 1, page, PAGE) < 0)
			usleep(100);
	}
	return NULL;
}

/* a producer thread against this consumer: every page once, in order */
static void test_threads(void)
{
	struct finit_spool *sp = finit_spool_alloc(PAGE, 2, 16 * PAGE, 64 * PAGE, NULL);
	unsigned long long seq;
	pthread_t t;
	int n, want = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, producer, sp), 0);
	while (want < RACE_PAGES) {
		n = pop_number(sp, want & 1, &seq);
		if (n < 0) {
			usleep(50);
			continue;
		}
		if (n != want || seq != (unsigned long long)want)
			break;
		want++;
	}
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(want, RACE_PAGES);
	finit_spool_free(sp);
}

#define BIG	4096

/* pages in memory: the pool grows by chunks, and shrinks to its reserve once read empty */
static void test_pool(void)
{
	struct finit_spool *sp = finit_spool_alloc(BIG, 2, 4096 * BIG, 0, NULL);
	struct finit_spool_stats st;
	static unsigned char page[BIG], got[BIG];
	unsigned long long seq;
	struct pollfd pfd;
	uint64_t v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	pfd = (struct pollfd){ .fd = finit_spool_fd(sp), .events = POLLIN };
	/* mapped ahead: chunks until 2 MiB are free, then no more */
	CU_ASSERT_EQUAL(finit_spool_prepare(sp), 1);
	CU_ASSERT_EQUAL(finit_spool_prepare(sp), 1);
	CU_ASSERT_EQUAL(finit_spool_prepare(sp), 1);
	CU_ASSERT_EQUAL(finit_spool_prepare(sp), 0);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.pool_bytes, 3u << 20);	/* slots' headers: 2 chunks < 2 MiB */
	for (int i = 0; i < 1000; i++) {
		memset(page, i & 0xff, BIG);
		CU_ASSERT_EQUAL_FATAL(finit_spool_push(sp, 0, page, BIG), 0);
	}
	finit_spool_stats(sp, &st);
	/* 1000 pages need 4 MB or more: several 1 MiB chunks, not one per page */
	CU_ASSERT(st.pool_bytes >= 1000 * BIG);
	CU_ASSERT(st.pool_bytes <= 1000 * BIG + 2 * (1u << 20));
	finit_spool_publish(sp);
	CU_ASSERT_EQUAL(read(pfd.fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	for (int i = 0; i < 999; i++) {
		CU_ASSERT_EQUAL_FATAL(finit_spool_pop(sp, 0, got, &seq), BIG);
		CU_ASSERT_EQUAL(got[BIG - 1], i & 0xff);
	}
	finit_spool_stats(sp, &st);
	CU_ASSERT(st.pool_bytes >= 1000 * BIG);		/* one page still waits */
	CU_ASSERT_EQUAL(finit_spool_pop(sp, 0, got, &seq), BIG);
	CU_ASSERT_EQUAL(got[0], 999 & 0xff);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.pool_bytes, 3u << 20);	/* read empty: the 2 MiB reserve kept */
	CU_ASSERT_EQUAL(finit_spool_pop(sp, 0, got, &seq), 0);
	/* read empty, the next page wakes the consumer again */
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 1, page, BIG), 0);
	finit_spool_publish(sp);
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 1);
	CU_ASSERT_EQUAL(finit_spool_pop(sp, 0, got, &seq), 0);
	CU_ASSERT_EQUAL(finit_spool_pop(sp, 1, got, &seq), BIG);
	CU_ASSERT_EQUAL(seq, 1000);
	finit_spool_free(sp);
}

/* a file that cannot be written: one page dropped and said, then no room until memory has */
static void test_file_fails(void)
{
	struct finit_spool *sp = finit_spool_alloc(PAGE, 1, 2 * PAGE, 8 * PAGE,
						   "/nonexistent-finit-unit-dir");
	struct finit_spool_stats st;
	unsigned char page[PAGE];
	unsigned long long seq;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	for (int i = 0; i < 2; i++) {
		page_of(page, i);
		CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), 0);
	}
	CU_ASSERT(finit_spool_has_room(sp, PAGE));	/* the file's room, before it fails */
	page_of(page, 2);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), -1);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.refused, 1);
	CU_ASSERT_EQUAL(st.file_err, ENOENT);
	CU_ASSERT_STRING_EQUAL(st.dir, "/nonexistent-finit-unit-dir");
	/* the drain leaves pages in the kernel's buffer now, rather than drop them */
	CU_ASSERT_FALSE(finit_spool_has_room(sp, PAGE));
	CU_ASSERT_EQUAL(pop_number(sp, 0, &seq), 0);
	CU_ASSERT(finit_spool_has_room(sp, PAGE));
	page_of(page, 3);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), 0);
	CU_ASSERT_EQUAL(pop_number(sp, 0, &seq), 1);
	CU_ASSERT_EQUAL(pop_number(sp, 0, &seq), 3);
	finit_spool_free(sp);
}

int unit_add_spool(void)
{
	CU_pSuite s = CU_add_suite("spool", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "each CPU's order across memory and file, bounds",
			    test_order_and_bounds) ||
	       !CU_add_test(s, "the gate: seen empty, pages to compare, full", test_gate) ||
	       !CU_add_test(s, "a producer thread against the consumer", test_threads) ||
	       !CU_add_test(s, "the page pool grows by chunks and shrinks", test_pool) ||
	       !CU_add_test(s, "a file that cannot be written: said, then no room", test_file_fails);
}
