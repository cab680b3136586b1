// SPDX-License-Identifier: MIT
/*
 * test-stream.c - hand-built ring-buffer sub-buffers (laid out per the
 * host's header_page and header_event) through the per-CPU stream: kbuffer
 * splitting, the timestamp merge across CPUs, and lost-event accounting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "decoder.h"
#include "stream.h"
#include "dat.h"
#include "dat7.h"
#include "unit.h"

#define MISSED_EVENTS	(1ULL << 31)
#define MISSED_STORED	(1ULL << 30)

static const char *const host[] = {
	"host-6.18-no-modules/raw_syscalls.sys_enter.format",
	"host-6.18-no-modules/raw_syscalls.sys_exit.format",
	NULL,
};

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
	struct unit_page p0, p1;
	unsigned char d[64];
	int unknown;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	s.dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	st = finit_stream_alloc(tep, 2, UNIT_SUBBUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* cpu0: enter tid 1 at 1000, exit at 1050; cpu1: enter tid 2 at 1020, exit 1120 */
	unit_page_init(&p0, 1000);
	unit_page_add(&p0, 0, d, unit_raw_rec(tep, d, 1, 1, 11));
	unit_page_add(&p0, 50, d, unit_raw_rec(tep, d, 0, 1, -38));
	unit_page_init(&p1, 1020);
	unit_page_add(&p1, 0, d, unit_raw_rec(tep, d, 1, 2, 22));
	unit_page_add(&p1, 100, d, unit_raw_rec(tep, d, 0, 2, -2));
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, p0.buf, UNIT_SUBBUF), 0);
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 1, p1.buf, UNIT_SUBBUF), 0);
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
	struct unit_page pg;
	unsigned char d[64];
	int unknown;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	s.dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	st = finit_stream_alloc(tep, 1, UNIT_SUBBUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	/* lost events with the count stored after the data */
	unit_page_init(&pg, 500);
	unit_page_add(&pg, 0, d, unit_raw_rec(tep, d, 1, 3, 1));
	unit_page_add(&pg, 1, d, unit_raw_rec(tep, d, 1, 3, 2));
	unit_put_le(pg.buf + UNIT_DATA_OFF + pg.len, 5, 8);
	unit_put_le(pg.buf + 8, pg.len | MISSED_EVENTS | MISSED_STORED, 8);
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, pg.buf, UNIT_SUBBUF), 0);
	/* lost events without a count */
	unit_page_init(&pg, 900);
	unit_page_add(&pg, 0, d, unit_raw_rec(tep, d, 1, 3, 3));
	unit_put_le(pg.buf + 8, pg.len | MISSED_EVENTS, 8);
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, pg.buf, UNIT_SUBBUF), 0);
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
	struct unit_page pg;
	unsigned char d[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	s.dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	st = finit_stream_alloc(tep, 1, UNIT_SUBBUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	unit_page_init(&pg, 1);
	unit_page_add(&pg, 0, d, unit_raw_rec(tep, d, 1, 3, 1));
	unit_page_add(&pg, 1, d, unit_raw_rec(tep, d, 1, 3, 2));
	finit_stream_load_page(st, 0, pg.buf, UNIT_SUBBUF);
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 1);
	CU_ASSERT_EQUAL(s.n, 1);
	/* a page larger than a sub-buffer is refused */
	CU_ASSERT_EQUAL(finit_stream_load_page(st, 0, pg.buf, UNIT_SUBBUF + 1), -1);
	finit_stream_close(st);
	finit_decoder_free(s.dec);
	tep_free(tep);
}

/* pages that come in pieces: each CPU's list, and how far the "drain" got */
struct pieces {
	struct unit_page	*pages[2][2];
	int		have[2];	/* pages there so far per CPU */
	int		next[2];	/* the next one to load */
	int		cpu1_seen_empty;
	int		gate_calls;
};

static int pieces_refill(struct finit_stream *st, int cpu, void *arg)
{
	struct pieces *pc = arg;

	if (pc->next[cpu] == pc->have[cpu])
		return 0;
	return finit_stream_load_page(st, cpu, pc->pages[cpu][pc->next[cpu]++]->buf,
				      UNIT_SUBBUF) < 0 ? -1 : 1;
}

static int pieces_gate(struct finit_stream *st, int cpu, int before, void *arg)
{
	struct pieces *pc = arg;

	(void)st;
	(void)before;
	pc->gate_calls++;
	if (pc->next[cpu] < pc->have[cpu])
		return FINIT_GATE_REFILL;
	return cpu == 0 || pc->cpu1_seen_empty ? FINIT_GATE_GO : FINIT_GATE_WAIT;
}

/*
 * A call entered on cpu1 at 1500 and left on cpu0 at 2000, but cpu1's page
 * came after cpu0's: with a gate the exit waits for it, and delivery goes on
 * from where it stopped, in time order.
 */
static void test_gate_keeps_order(void)
{
	struct tep_handle *tep = unit_tep("host-6.18-no-modules/header_page", host);
	struct unit_page a, b, c;
	struct pieces pc = { .pages = { { &a, &b }, { &c, NULL } }, .have = { 1, 0 } };
	struct finit_stream *st;
	struct seen s = { 0 };
	unsigned char d[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	s.dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	st = finit_stream_alloc(tep, 2, UNIT_SUBBUF);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	finit_stream_set_refill(st, pieces_refill, &pc);
	finit_stream_set_gate(st, pieces_gate, &pc);
	unit_page_init(&a, 1000);
	unit_page_add(&a, 0, d, unit_raw_rec(tep, d, 1, 1, 11));
	unit_page_init(&b, 2000);
	unit_page_add(&b, 0, d, unit_raw_rec(tep, d, 0, 2, -38));
	unit_page_init(&c, 1500);
	unit_page_add(&c, 0, d, unit_raw_rec(tep, d, 1, 2, 22));
	/* cpu1 not known empty: even cpu0's oldest waits */
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 0);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT(pc.gate_calls > 0);
	/* cpu1's page and cpu0's next arrive; cpu1 is still busy */
	pc.have[0] = 2;
	pc.have[1] = 1;
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 2);
	CU_ASSERT(s.r[0].ts == 1000 && s.r[1].ts == 1500 && s.r[1].cpu == 1);
	/* then seen empty: the exit goes out, last */
	pc.cpu1_seen_empty = 1;
	CU_ASSERT_EQUAL(finit_stream_deliver(st, collect, &s), 0);
	CU_ASSERT_EQUAL_FATAL(s.n, 3);
	CU_ASSERT(s.r[2].ts == 2000 && s.r[2].kind == FINIT_REC_EXIT && s.r[2].ret == -38);
	finit_stream_close(st);
	finit_decoder_free(s.dec);
	tep_free(tep);
}

/*
 * dat_file - a file of ours: @n0 one-record pages on cpu0, @n1 on cpu1;
 * version 6 (@ver 6), or 7 with zstd (@ver 7) or without (@ver 70)
 */
static char *dat_file(struct tep_handle *tep, int n0, int n1, int ver)
{
	static char path[32];
	const char *hp = FIXTURES "/host-6.18-no-modules/header_page";
	const char *he = FIXTURES "/host-6.18-no-modules/header_event";
	struct finit_dat_format fmts[2] = {
		{ "raw_syscalls", "sys_enter", NULL, 0 },
		{ "raw_syscalls", "sys_exit", NULL, 0 },
	};
	struct finit_dat_header h = { .page_size = UNIT_SUBBUF, .formats = fmts, .nformats = 2,
				      .cmdlines = "7 seven\n", .ncpus = 2, .tgids = "7 70\n",
				      .trace_clock = "local [boot] mono\n",
				      .clock_offset_ns = -1234567890123LL };
	FILE *cpu[2] = { tmpfile(), tmpfile() }, *out;
	unsigned char d[64];
	char err[256];
	struct unit_page pg;
	int fd;

	h.header_page = unit_read(hp, &h.header_page_len);
	h.header_event = unit_read(he, &h.header_event_len);
	fmts[0].text = unit_read(FIXTURES "/host-6.18-no-modules/raw_syscalls.sys_enter.format",
				 &fmts[0].len);
	fmts[1].text = unit_read(FIXTURES "/host-6.18-no-modules/raw_syscalls.sys_exit.format",
				 &fmts[1].len);
	/* cpu0 at even times 0, 20, 40, ...; cpu1 at odd ones 10, 30, ... */
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < (c ? n1 : n0); i++) {
			unit_page_init(&pg, 20ULL * i + 10 * c);
			unit_page_add(&pg, 0, d, unit_raw_rec(tep, d, 1, 7, i));
			if (c == 1 && i == 1)	/* one sub-buffer says 3 were lost */
				unit_put_le(pg.buf + 8, pg.len | MISSED_EVENTS, 8);
			fwrite(pg.buf, 1, UNIT_SUBBUF, cpu[c]);
		}
	snprintf(path, sizeof(path), "/tmp/finit-unit-dat.XXXXXX");
	fd = mkstemp(path);
	out = fd < 0 ? NULL : fdopen(fd, "w");
	if (!out || (ver == 6 ? finit_dat_write(out, &h, cpu, err, sizeof(err)) :
		     finit_dat7_write(out, &h, cpu, ver == 7, err, sizeof(err))) < 0)
		path[0] = '\0';
	if (out)
		fclose(out);
	fclose(cpu[0]);
	fclose(cpu[1]);
	free((char *)h.header_page);
	free((char *)h.header_event);
	free((char *)fmts[0].text);
	free((char *)fmts[1].text);
	return path[0] ? path : NULL;
}

struct dat_seen {
	unsigned long long	last_ts;
	int			n, out_of_order, cpu_n[2];
	long long		missed;
};

static int dat_collect(struct tep_record *rec, void *arg)
{
	struct dat_seen *s = arg;

	s->out_of_order += s->n && rec->ts < s->last_ts;
	s->last_ts = rec->ts;
	s->cpu_n[rec->cpu & 1]++;
	s->n++;
	return 0;
}

static void dat_missed(int cpu, long long n, void *arg)
{
	struct dat_seen *s = arg;

	CU_ASSERT_EQUAL(cpu, 1);
	s->missed += n;
}

static void test_dat_iterate(void)
{
	struct tep_handle *tep = unit_tep("host-6.18-no-modules/header_page", host);
	struct finit_dat_info info;
	struct dat_seen s = { 0 };
	char err[512], *path;
	unsigned char bad[8];
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	/* more sub-buffers than one read takes: the reader refills per CPU */
	path = dat_file(tep, 40, 3, 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL_FATAL(finit_dat_read_info(path, &info, err, sizeof(err)), 0);
	CU_ASSERT(finit_dat_own(&info));
	CU_ASSERT_EQUAL(info.ncpus, 2);
	CU_ASSERT_EQUAL(info.page_size, UNIT_SUBBUF);
	CU_ASSERT_EQUAL(finit_dat_iterate(path, &info, tep, dat_collect, dat_missed, &s, err,
					  sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.n, 43);
	CU_ASSERT_EQUAL(s.cpu_n[0], 40);
	CU_ASSERT_EQUAL(s.cpu_n[1], 3);
	CU_ASSERT_EQUAL(s.out_of_order, 0);
	CU_ASSERT_EQUAL(s.missed, -1);		/* lost, count not stored */
	/* a sub-buffer whose header claims more than a page: refused, not read */
	f = fopen(path, "r+");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	unit_put_le(bad, UNIT_SUBBUF * 2, 8);
	fseek(f, (long)info.cpu_off[0] + 20 * UNIT_SUBBUF + 8, SEEK_SET);
	fwrite(bad, 1, 8, f);
	fclose(f);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(finit_dat_iterate(path, &info, tep, dat_collect, NULL, &s, err,
					  sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "damaged file"));
	CU_ASSERT(s.n < 43);
	finit_dat_info_free(&info);
	unlink(path);
	/* trace-cmd's own v6 file (no options of ours) goes to libtracecmd */
	CU_ASSERT_EQUAL_FATAL(finit_dat_read_info("tests/fixtures/tracecmd/v6.dat", &info, err,
						  sizeof(err)), 0);
	CU_ASSERT_EQUAL(info.version, 6);
	CU_ASSERT(!finit_dat_own(&info));
	finit_dat_info_free(&info);
	tep_free(tep);
}

/* dat7_read - a v7 file of ours read back: its header facts, then every record */
static void dat7_read(struct tep_handle *tep, int ver)
{
	struct finit_dat_info info;
	struct dat_seen s = { 0 };
	char err[512], *path = dat_file(tep, 70, 3, ver);

	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL_FATAL(finit_dat_read_info(path, &info, err, sizeof(err)), 0);
	CU_ASSERT(finit_dat_own(&info));
	CU_ASSERT_EQUAL(info.version, 7);
	CU_ASSERT_EQUAL(info.zstd, ver == 7);
	CU_ASSERT(info.has_offset);
	CU_ASSERT_EQUAL(info.clock_offset_ns, -1234567890123LL);
	CU_ASSERT_STRING_EQUAL(info.tgids ? info.tgids : "", "7 70\n");
	CU_ASSERT_EQUAL(info.ncpus, 2);
	CU_ASSERT_EQUAL(info.page_size, UNIT_SUBBUF);
	/* 70 sub-buffers on cpu0: three chunks of at most 32 */
	CU_ASSERT_EQUAL(finit_dat_iterate(path, &info, tep, dat_collect, dat_missed, &s, err,
					  sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.n, 73);
	CU_ASSERT_EQUAL(s.cpu_n[0], 70);
	CU_ASSERT_EQUAL(s.out_of_order, 0);
	CU_ASSERT_EQUAL(s.missed, -1);
	finit_dat_info_free(&info);
	unlink(path);
}

/* dat7_damaged - a v7 file cut short, or with a chunk size past its data, is refused */
static void dat7_damaged(struct tep_handle *tep)
{
	struct finit_dat_info info;
	struct dat_seen s = { 0 };
	char err[512], *path = dat_file(tep, 40, 3, 7);
	unsigned char big[4] = { 0xff, 0xff, 0xff, 0x7f };
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL_FATAL(finit_dat_read_info(path, &info, err, sizeof(err)), 0);
	f = fopen(path, "r+");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, (long)info.cpu_off[0] + 4, SEEK_SET);	/* the first chunk's zsize */
	fwrite(big, 1, 4, f);
	fclose(f);
	CU_ASSERT_EQUAL(finit_dat_iterate(path, &info, tep, dat_collect, NULL, &s, err,
					  sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "chunk sizes do not fit"));
	CU_ASSERT_EQUAL(s.cpu_n[0], 0);
	finit_dat_info_free(&info);
	CU_ASSERT_EQUAL(truncate(path, 3000), 0);
	CU_ASSERT_EQUAL(finit_dat_read_info(path, &info, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	unlink(path);
}

static void test_dat7(void)
{
	struct tep_handle *tep = unit_tep("host-6.18-no-modules/header_page", host);
	struct finit_dat_info info;
	char err[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	dat7_read(tep, 7);
	dat7_read(tep, 70);
	dat7_damaged(tep);
	/* trace-cmd's own v7 file: its CPU table is read, its data left to libtracecmd */
	CU_ASSERT_EQUAL_FATAL(finit_dat_read_info("tests/fixtures/tracecmd/v7-zstd.dat", &info,
						  err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(info.version, 7);
	CU_ASSERT(info.zstd);
	CU_ASSERT(!info.ours);
	CU_ASSERT(!finit_dat_own(&info));
	CU_ASSERT_EQUAL(info.ncpus, 2);
	CU_ASSERT_EQUAL(info.cpu_size[1], 245);
	finit_dat_info_free(&info);
	tep_free(tep);
}

int unit_add_stream(void)
{
	CU_pSuite s = CU_add_suite("stream", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "sub-buffers merged across CPUs by timestamp",
			    test_merge_by_timestamp) ||
	       !CU_add_test(s, "lost events from sub-buffer headers", test_missed_events) ||
	       !CU_add_test(s, "callback stops delivery", test_callback_stops) ||
	       !CU_add_test(s, "a gate holds a record until older ones may come",
			    test_gate_keeps_order) ||
	       !CU_add_test(s, "our trace.dat read back by sub-buffers", test_dat_iterate) ||
	       !CU_add_test(s, "our trace.dat v7 read back by chunks", test_dat7);
}
