// SPDX-License-Identifier: MIT
/*
 * test-subbuf.c - our sub-buffer walker against libtraceevent's kbuffer on
 * the same pages: every record kind (short, long with a length word, time
 * extends, absolute stamps, padding), missed-event headers, both header
 * sizes, random pages, and damaged ones.
 */
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "subbuf.h"
#include "unit.h"

#define PAGE	4096

struct builder {
	unsigned char	page[PAGE];
	int		start;		/* header bytes */
	unsigned int	len;		/* record bytes */
};

/* put - @n little-endian bytes of @v at @p */
static void put(unsigned char *p, unsigned long long v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void begin(struct builder *b, int start, unsigned long long ts)
{
	memset(b, 0, sizeof(*b));
	b->start = start;
	put(b->page, ts, 8);
}

/* word - one 32-bit word of records */
static void word(struct builder *b, unsigned int w)
{
	put(b->page + b->start + b->len, w, 4);
	b->len += 4;
}

/* rec - a record of @size payload bytes (a length word when over 112 or odd) */
static void rec(struct builder *b, unsigned int delta, unsigned int size)
{
	if (size && size <= 112 && !(size % 4)) {
		word(b, size / 4 | delta << 5);
	} else {
		word(b, delta << 5);
		word(b, size + 4);
	}
	for (unsigned int i = 0; i < size; i++)
		b->page[b->start + b->len + i] = (unsigned char)(b->len + i);
	b->len += (size + 3) & ~3u;
}

/* stamp - a time extend (30) or absolute stamp (31) of @t */
static void stamp(struct builder *b, int type, unsigned long long t)
{
	word(b, type | (unsigned int)(t & ((1u << 27) - 1)) << 5);
	word(b, (unsigned int)(t >> 27));
}

/* pad - padding of @size bytes after its two words */
static void pad(struct builder *b, unsigned int size)
{
	word(b, 29);
	word(b, size);
	b->len += size - 4;
}

/* end - the commit word: @len bytes (bits 31, 30 from @flags), a stored count */
static void end(struct builder *b, unsigned long long flags, unsigned long long lost)
{
	put(b->page + 8, b->len | flags, b->start - 8);
	if (flags & (1ULL << 30))
		put(b->page + b->start + b->len, lost, b->start - 8);
}

/* same - both walkers give the same records of @b */
static void same(struct tep_handle *tep, struct builder *b, const char *what)
{
	struct finit_subbuf own, kb;
	unsigned long long t1 = 0, t2 = 0;
	void *p1, *p2;
	int n = 0;

	CU_ASSERT_EQUAL_FATAL(finit_subbuf_init(&own, tep, true), 0);
	CU_ASSERT_EQUAL_FATAL(finit_subbuf_init(&kb, tep, false), 0);
	CU_ASSERT_PTR_NULL(own.kbuf);
	CU_ASSERT_PTR_NOT_NULL(kb.kbuf);
	CU_ASSERT_EQUAL(finit_subbuf_load(&own, b->page, PAGE), 0);
	CU_ASSERT_EQUAL(finit_subbuf_load(&kb, b->page, PAGE), 0);
	CU_ASSERT_EQUAL(finit_subbuf_missed(&own), finit_subbuf_missed(&kb));
	p1 = finit_subbuf_read(&own, &t1);
	p2 = finit_subbuf_read(&kb, &t2);
	while (p1 && p2 && n < 2000) {
		if (p1 != p2 || t1 != t2 || finit_subbuf_size(&own) != finit_subbuf_size(&kb))
			fprintf(stderr, "\n%s: record %d differs\n", what, n);
		CU_ASSERT_PTR_EQUAL(p1, p2);
		CU_ASSERT_EQUAL(t1, t2);
		CU_ASSERT_EQUAL(finit_subbuf_size(&own), finit_subbuf_size(&kb));
		if (p1 != p2)
			break;
		p1 = finit_subbuf_next(&own, &t1);
		p2 = finit_subbuf_next(&kb, &t2);
		n++;
	}
	CU_ASSERT(!p1 && !p2);
	finit_subbuf_free(&own);
	finit_subbuf_free(&kb);
}

/* tep_of - a handle for little-endian files with longs of @lsize bytes */
static struct tep_handle *tep_of(int lsize)
{
	struct tep_handle *tep = tep_alloc();

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	tep_set_long_size(tep, lsize);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	return tep;
}

/* every record kind, both header sizes, each missed-events header */
static void test_kinds(void)
{
	static const unsigned long long flags[] = { 0, 1ULL << 31, 3ULL << 30 };

	for (int lsize = 4; lsize <= 8; lsize += 4) {
		struct tep_handle *tep = tep_of(lsize);

		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			struct builder b;

			begin(&b, lsize + 8, 0xf800001234567890ULL);
			stamp(&b, 30, 5ULL << 27 | 17);	/* a leading extend */
			rec(&b, 3, 8);
			rec(&b, 1000, 112);
			rec(&b, 0, 116);		/* a length word */
			rec(&b, 7, 13);			/* odd: rounded up */
			pad(&b, 24);
			stamp(&b, 31, 0x0123456789ULL);	/* absolute */
			rec(&b, 2, 4);
			stamp(&b, 30, 1ULL << 40);
			rec(&b, (1u << 27) - 1, 40);
			pad(&b, 8);
			end(&b, flags[f], 4242);
			same(tep, &b, "kinds");
		}
		tep_free(tep);
	}
}

/* pages of random records, deltas and stamps */
static void test_random(void)
{
	struct tep_handle *tep = tep_of(8);
	unsigned int seed = 14;

	for (int i = 0; i < 300; i++) {
		struct builder b;

		begin(&b, 16, (unsigned long long)rand_r(&seed) << 20);
		while (b.len < PAGE - 16 - 400) {
			int k = rand_r(&seed) % 10;

			if (k == 0)
				stamp(&b, 30 + rand_r(&seed) % 2, (unsigned long long)rand_r(&seed) << 9);
			else if (k == 1)
				pad(&b, 8 + 4 * (rand_r(&seed) % 8));
			else
				rec(&b, rand_r(&seed) % (1u << 27), 1 + rand_r(&seed) % 300);
		}
		end(&b, i % 3 ? 0 : 3ULL << 30, (unsigned long long)i);
		same(tep, &b, "random");
	}
	tep_free(tep);
}

/* damaged pages: both walkers agree, and neither reads past the page */
static void test_damaged(void)
{
	struct tep_handle *tep = tep_of(8);
	struct finit_subbuf own;
	unsigned long long ts;
	struct builder b;
	int n = 0;

	/* a length word smaller than itself, an empty commit, a short commit */
	begin(&b, 16, 1);
	rec(&b, 1, 8);
	word(&b, 0);
	word(&b, 2);
	rec(&b, 1, 8);
	end(&b, 0, 0);
	same(tep, &b, "tiny length");
	begin(&b, 16, 1);
	end(&b, 0, 0);
	same(tep, &b, "empty");
	begin(&b, 16, 1);
	rec(&b, 1, 200);
	end(&b, 0, 0);
	put(b.page + 8, 6, 8);	/* the commit ends inside the record */
	same(tep, &b, "cut");
	/* ours only (kbuffer would read past the page, or spin): a commit
	 * past the page, and padding that goes back */
	begin(&b, 16, 1);
	rec(&b, 1, 8);
	word(&b, 29);
	word(&b, (unsigned int)-4);
	end(&b, 0, 0);
	put(b.page + 8, PAGE * 2, 8);
	CU_ASSERT_EQUAL_FATAL(finit_subbuf_init(&own, tep, true), 0);
	CU_ASSERT_EQUAL(finit_subbuf_load(&own, b.page, PAGE), 0);
	for (void *p = finit_subbuf_read(&own, &ts); p && n < 10; p = finit_subbuf_next(&own, &ts))
		n++;
	CU_ASSERT_EQUAL(n, 1);
	finit_subbuf_free(&own);
	tep_free(tep);
}

int unit_add_subbuf(void)
{
	CU_pSuite s = CU_add_suite("subbuf", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "every record kind, as kbuffer", test_kinds) ||
	       !CU_add_test(s, "random pages, as kbuffer", test_random) ||
	       !CU_add_test(s, "damaged pages", test_damaged);
}
