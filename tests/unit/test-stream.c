// SPDX-License-Identifier: MIT
/*
 * test-stream.c - hand-built ring-buffer sub-buffers (laid out per the
 * host's header_page and header_event) through the per-CPU stream: kbuffer
 * splitting, the timestamp merge across CPUs, and lost-event accounting.
 */
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "decode.h"
#include "stream.h"
#include "unit.h"

#define SUBBUF		4096
#define DATA_OFF	16	/* header_page: timestamp 8, commit 8 */
#define MISSED_EVENTS	(1ULL << 31)
#define MISSED_STORED	(1ULL << 30)

static const char *const host[] = {
	"host-6.18-no-modules/raw_syscalls.sys_enter.format",
	"host-6.18-no-modules/raw_syscalls.sys_exit.format",
	NULL,
};

struct page {
	unsigned char	buf[SUBBUF];
	size_t		len;	/* bytes of data */
};

static void put(unsigned char *p, unsigned long long v, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void page_init(struct page *pg, unsigned long long ts)
{
	memset(pg, 0, sizeof(*pg));
	put(pg->buf, ts, 8);
}

/* page_add - one event: a 32-bit header (type_len = words, time_delta) + data */
static void page_add(struct page *pg, unsigned int delta, const unsigned char *data,
		     size_t size)
{
	unsigned char *p = pg->buf + DATA_OFF + pg->len;

	put(p, (size / 4) | (delta << 5), 4);
	memcpy(p + 4, data, size);
	pg->len += 4 + size;
	put(pg->buf + 8, pg->len, 8);
}

/* raw_rec - a raw_syscalls record of @tep's enter or exit event */
static size_t raw_rec(struct tep_handle *tep, unsigned char *d, int enter, int tid,
		      long long val)
{
	struct tep_event *ev = tep_find_event_by_name(tep, "raw_syscalls",
						      enter ? "sys_enter" : "sys_exit");
	size_t size = enter ? 64 : 24;

	memset(d, 0, size);
	put(d, ev->id, 2);
	put(d + 4, tid, 4);
	put(d + 8, 313, 8);
	put(d + 16, (unsigned long long)val, 8);
	return size;
}

struct seen {
	struct tep_handle	*tep;
	struct finit_decoder	*dec;
	struct finit_record	r[8];
	long long		missed[8];
	int			n;
	int			stop_after;
};

static int collect(struct tep_record *rec, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8 && finit_decoder_decode(s->dec, rec, &s->r[s->n]) == 1) {
		s->missed[s->n] = rec->missed_events;
		s->n++;
	}
	return s->stop_after && s->n >= s->stop_after ? -1 : 0;
}

static void test_merge_by_timestamp(void)
{
	struct tep_handle *tep = unit_tep("host-6.18-no-modules/header_page", host);
	struct finit_stream *st;
	struct seen s = { 0 };
	struct page p0, p1;
	unsigned char d[64];
	int unknown;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	s.dec = finit_decoder_alloc(tep, finit_sysnr_lookup("x86_64"), NULL);
	st = finit_stream_alloc(tep, 2, SUBBUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* cpu0: enter tid 1 at 1000, exit at 1050; cpu1: enter tid 2 at 1020, exit 1120 */
	page_init(&p0, 1000);
	page_add(&p0, 0, d, raw_rec(tep, d, 1, 1, 11));
	page_add(&p0, 50, d, raw_rec(tep, d, 0, 1, -38));
	page_init(&p1, 1020);
	page_add(&p1, 0, d, raw_rec(tep, d, 1, 2, 22));
	page_add(&p1, 100, d, raw_rec(tep, d, 0, 2, -2));
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, p0.buf, SUBBUF), 0);
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 1, p1.buf, SUBBUF), 0);
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 4);
	CU_ASSERT(s.r[0].ts == 1000 && s.r[0].cpu == 0 && s.r[0].tid == 1 &&
		  s.r[0].kind == FINIT_REC_ENTER && s.r[0].args[0] == 11);
	CU_ASSERT(s.r[1].ts == 1020 && s.r[1].cpu == 1 && s.r[1].tid == 2 &&
		  s.r[1].args[0] == 22);
	CU_ASSERT(s.r[2].ts == 1050 && s.r[2].kind == FINIT_REC_EXIT && s.r[2].ret == -38);
	CU_ASSERT(s.r[3].ts == 1120 && s.r[3].cpu == 1 && s.r[3].ret == -2);
	CU_ASSERT_EQUAL(finit_stream_records(st), 4);
	CU_ASSERT_EQUAL(finit_stream_missed(st, 0, &unknown), 0);
	CU_ASSERT_EQUAL(unknown, 0);
	/* a delivered round leaves nothing behind */
	s.n = 0;
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 0);
	CU_ASSERT_EQUAL(s.n, 0);
	finit_stream_close(st);
	finit_decoder_free(s.dec);
	tep_free(tep);
}

static void test_missed_events(void)
{
	struct tep_handle *tep = unit_tep("host-6.18-no-modules/header_page", host);
	struct finit_stream *st;
	struct seen s = { 0 };
	struct page pg;
	unsigned char d[64];
	int unknown;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	s.dec = finit_decoder_alloc(tep, finit_sysnr_lookup("x86_64"), NULL);
	st = finit_stream_alloc(tep, 1, SUBBUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* lost events with the count stored after the data */
	page_init(&pg, 500);
	page_add(&pg, 0, d, raw_rec(tep, d, 1, 3, 1));
	page_add(&pg, 1, d, raw_rec(tep, d, 1, 3, 2));
	put(pg.buf + DATA_OFF + pg.len, 5, 8);
	put(pg.buf + 8, pg.len | MISSED_EVENTS | MISSED_STORED, 8);
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, pg.buf, SUBBUF), 0);
	/* lost events without a count */
	page_init(&pg, 900);
	page_add(&pg, 0, d, raw_rec(tep, d, 1, 3, 3));
	put(pg.buf + 8, pg.len | MISSED_EVENTS, 8);
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, pg.buf, SUBBUF), 0);
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 3);
	CU_ASSERT_EQUAL(s.missed[0], 5);	/* first record of the page */
	CU_ASSERT_EQUAL(s.missed[1], 0);
	CU_ASSERT_EQUAL(s.missed[2], -1);
	CU_ASSERT_EQUAL(finit_stream_missed(st, 0, &unknown), 5);
	CU_ASSERT_EQUAL(unknown, 1);
	finit_stream_close(st);
	finit_decoder_free(s.dec);
	tep_free(tep);
}

static void test_callback_stops(void)
{
	struct tep_handle *tep = unit_tep("host-6.18-no-modules/header_page", host);
	struct finit_stream *st;
	struct seen s = { .stop_after = 1 };
	struct page pg;
	unsigned char d[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	s.dec = finit_decoder_alloc(tep, finit_sysnr_lookup("x86_64"), NULL);
	st = finit_stream_alloc(tep, 1, SUBBUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	page_init(&pg, 1);
	page_add(&pg, 0, d, raw_rec(tep, d, 1, 3, 1));
	page_add(&pg, 1, d, raw_rec(tep, d, 1, 3, 2));
	finit_stream_load_page(st, 0, pg.buf, SUBBUF);
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 1);
	CU_ASSERT_EQUAL(s.n, 1);
	/* a page larger than a sub-buffer is refused */
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, pg.buf, SUBBUF + 1), -1);
	finit_stream_close(st);
	finit_decoder_free(s.dec);
	tep_free(tep);
}

int unit_add_stream(void)
{
	CU_pSuite s = CU_add_suite("stream", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "sub-buffers merged across CPUs by timestamp",
			    test_merge_by_timestamp) ||
	       !CU_add_test(s, "lost events from sub-buffer headers", test_missed_events) ||
	       !CU_add_test(s, "callback stops delivery", test_callback_stops);
}
