// SPDX-License-Identifier: MIT
/*
 * test-spool.c - the spool between the drain thread and the decoder: FIFO
 * order across memory and the spill file, the bounds, the eventfd, and a
 * producer thread racing the consumer.
 */
#define _GNU_SOURCE
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

/* memory for 4 pages, the file for 6 more: order kept, the 11th refused */
static void test_order_and_bounds(void)
{
	struct finit_spool *sp = finit_spool_alloc(PAGE, 4 * PAGE, 6 * PAGE, NULL);
	struct finit_spool_stats st;
	unsigned char page[PAGE], got[PAGE];
	struct pollfd pfd;
	int cpu, n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	pfd = (struct pollfd){ .fd = finit_spool_fd(sp), .events = POLLIN };
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);		/* nothing waits */
	for (int i = 0; i < 10; i++) {
		page_of(page, i);
		CU_ASSERT_EQUAL(finit_spool_push(sp, i % 3, page, PAGE), 0);
	}
	page_of(page, 10);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 0, page, PAGE), -1);
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 1);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.pages, 10);
	CU_ASSERT_EQUAL(st.spilled, 6);
	CU_ASSERT_EQUAL(st.refused, 1);
	CU_ASSERT_EQUAL(st.peak_bytes, 10 * PAGE);
	/* two out: memory has room again, but a new page queues behind the file */
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(finit_spool_pop(sp, &cpu, got), PAGE);
		memcpy(&n, got, sizeof(n));
		CU_ASSERT_EQUAL(n, i);
		CU_ASSERT_EQUAL(cpu, i % 3);
	}
	page_of(page, 10);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 1, page, PAGE), -1);	/* file full */
	for (int i = 2; i < 10; i++) {
		page_of(page, i);
		CU_ASSERT_EQUAL_FATAL(finit_spool_pop(sp, &cpu, got), PAGE);
		CU_ASSERT_EQUAL(memcmp(got, page, PAGE), 0);
	}
	CU_ASSERT_EQUAL(finit_spool_pop(sp, &cpu, got), 0);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.bytes, 0);
	/* emptied, the file starts over: memory first again */
	CU_ASSERT_EQUAL(finit_spool_push(sp, 2, page, PAGE), 0);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.spilled, 6);
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
	struct finit_spool *sp = finit_spool_alloc(PAGE, 16 * PAGE, 64 * PAGE, NULL);
	unsigned char got[PAGE];
	pthread_t t;
	int cpu, n, want = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, producer, sp), 0);
	while (want < RACE_PAGES) {
		long len = finit_spool_pop(sp, &cpu, got);

		if (!len) {
			usleep(50);
			continue;
		}
		memcpy(&n, got, sizeof(n));
		if (n != want || cpu != (want & 1))
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
	struct finit_spool *sp = finit_spool_alloc(BIG, 4096 * BIG, 0, NULL);
	struct finit_spool_stats st;
	static unsigned char page[BIG], got[BIG];
	struct pollfd pfd;
	uint64_t v;
	int cpu;

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
	CU_ASSERT_EQUAL(read(pfd.fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	for (int i = 0; i < 999; i++) {
		CU_ASSERT_EQUAL_FATAL(finit_spool_pop(sp, &cpu, got), BIG);
		CU_ASSERT_EQUAL(got[BIG - 1], i & 0xff);
	}
	finit_spool_stats(sp, &st);
	CU_ASSERT(st.pool_bytes >= 1000 * BIG);		/* one page still waits */
	CU_ASSERT_EQUAL(finit_spool_pop(sp, &cpu, got), BIG);
	CU_ASSERT_EQUAL(got[0], 999 & 0xff);
	finit_spool_stats(sp, &st);
	CU_ASSERT_EQUAL(st.pool_bytes, 3u << 20);	/* read empty: the 2 MiB reserve kept */
	CU_ASSERT_EQUAL(finit_spool_pop(sp, &cpu, got), 0);
	/* read empty, the next page wakes the consumer again */
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 0);
	CU_ASSERT_EQUAL(finit_spool_push(sp, 1, page, BIG), 0);
	CU_ASSERT_EQUAL(poll(&pfd, 1, 0), 1);
	CU_ASSERT_EQUAL(finit_spool_pop(sp, &cpu, got), BIG);
	CU_ASSERT_EQUAL(cpu, 1);
	finit_spool_free(sp);
}

int unit_add_spool(void)
{
	CU_pSuite s = CU_add_suite("spool", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "FIFO across memory and file, bounds", test_order_and_bounds) ||
	       !CU_add_test(s, "a producer thread against the consumer", test_threads) ||
	       !CU_add_test(s, "the page pool grows by chunks and shrinks", test_pool);
}
