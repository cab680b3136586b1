// SPDX-License-Identifier: MIT
/*
 * test-loadguard.c - the protected loads buffer's matching: a load both
 * buffers recorded (either read first) is reported once, by the main
 * stream; one the main stream lost is handed on, byte for byte, once the
 * main stream has passed it on that CPU, or at the end; another task's or
 * another module's load is never taken for it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <traceevent/event-parse.h>

#include "decoder.h"
#include "loadguard.h"
#include "unit.h"

static const char *const formats[] = {
	"debian-6.1.0-amd64/syscalls.sys_enter_finit_module.format",
	"debian-6.1.0-amd64/module.module_load.format", NULL,
};

/* The records a test's callback was handed. */
struct handed {
	int			n;
	unsigned long long	ts[8];
	int			cpu[8];
	char			data[8][64];
	int			size[8];
};

/* hand - what the pipeline would get: copied for the assertions */
static int hand(struct tep_record *rec, void *arg)
{
	struct handed *h = arg;
	int i = h->n++;

	h->ts[i] = rec->ts;
	h->cpu[i] = rec->cpu;
	h->size[i] = rec->size < 64 ? rec->size : 64;
	memcpy(h->data[i], rec->data, h->size[i]);
	return 0;
}

struct rig {
	struct tep_handle	*tep;
	struct finit_decoder	*dec;
	struct finit_loadguard	*g;
	struct handed		h;
	unsigned char		d[8][64];
	int			nd;
};

/* rig_open - a guard over 2 CPUs and a decoder of the 6.1 formats */
static void rig_open(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	r->tep = unit_tep(NULL, formats);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->tep);
	r->dec = finit_decoder_alloc(r->tep, finit_decoder_sysnr("x86_64"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->dec);
	r->g = finit_loadguard_alloc(r->tep, r->dec, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->g);
}

static void rig_close(struct rig *r)
{
	finit_loadguard_close(r->g);
	finit_decoder_free(r->dec);
	tep_free(r->tep);
}

/* load - a module_load record (6.1 layout: id 362, taints at 8, name at 12) */
static struct tep_record load(struct rig *r, unsigned long long ts, int cpu, int tid,
			      const char *name)
{
	unsigned char *d = r->d[r->nd++ % 8];
	int len = (int)strlen(name) + 1;

	memset(d, 0, 64);
	d[0] = 362 & 0xff;
	d[1] = 362 >> 8;
	memcpy(d + 4, &tid, 4);
	d[9] = 0x20;		/* taints: 1 << 13, E (unsigned module) */
	d[12] = 16;
	d[14] = (unsigned char)len;
	memcpy(d + 16, name, len);
	return (struct tep_record){ .ts = ts, .cpu = cpu, .data = d, .size = 16 + len };
}

/* other - any record of the main stream on @cpu at @ts (its progress) */
static struct tep_record other(struct rig *r, unsigned long long ts, int cpu)
{
	unsigned char *d = r->d[r->nd++ % 8];

	memset(d, 0, 64);
	d[0] = 353 & 0xff;
	d[1] = 353 >> 8;
	return (struct tep_record){ .ts = ts, .cpu = cpu, .data = d, .size = 40 };
}

/* Both buffers had it: the guard's copy is never handed on, whichever came first. */
static void test_matched(void)
{
	struct finit_loadguard_stats st;
	struct tep_record m, g;
	struct rig r;

	rig_open(&r);
	m = load(&r, 1000000, 0, 40, "dummy");
	g = load(&r, 1003000, 0, 40, "dummy");
	finit_loadguard_note(r.g, &m);		/* main first */
	CU_ASSERT_EQUAL(finit_loadguard_take(r.g, &g, hand, &r.h), 0);
	m = load(&r, 2000000, 1, 41, "loop");
	g = load(&r, 1999000, 1, 41, "loop");
	CU_ASSERT_EQUAL(finit_loadguard_take(r.g, &g, hand, &r.h), 0);	/* guard first */
	finit_loadguard_note(r.g, &m);
	CU_ASSERT_EQUAL(finit_loadguard_release(r.g, 1, hand, &r.h), 0);
	CU_ASSERT_EQUAL(r.h.n, 0);
	finit_loadguard_stats(r.g, &st);
	CU_ASSERT_EQUAL(st.matched, 2);
	CU_ASSERT_EQUAL(st.recovered, 0);
	rig_close(&r);
}

/* Lost by the main stream: handed on once the main stream passed it on that CPU. */
static void test_recovered(void)
{
	struct finit_loadguard_stats st;
	struct tep_record g, o;
	struct rig r;

	rig_open(&r);
	g = load(&r, 5000000, 1, 42, "rootkit");
	CU_ASSERT_EQUAL(finit_loadguard_take(r.g, &g, hand, &r.h), 0);
	o = other(&r, 9000000, 0);		/* progress on the other CPU only */
	finit_loadguard_note(r.g, &o);
	o = other(&r, 5000000 + FINIT_LOADGUARD_WINDOW_NS, 1);	/* within the window */
	finit_loadguard_note(r.g, &o);
	finit_loadguard_release(r.g, 0, hand, &r.h);
	CU_ASSERT_EQUAL(r.h.n, 0);
	o = other(&r, 5000001 + FINIT_LOADGUARD_WINDOW_NS, 1);	/* passed */
	finit_loadguard_note(r.g, &o);
	finit_loadguard_release(r.g, 0, hand, &r.h);
	CU_ASSERT_EQUAL_FATAL(r.h.n, 1);
	CU_ASSERT_EQUAL(r.h.ts[0], 5000000);
	CU_ASSERT_EQUAL(r.h.cpu[0], 1);
	CU_ASSERT_EQUAL(r.h.size[0], 16 + 8);
	CU_ASSERT_STRING_EQUAL(r.h.data[0] + 16, "rootkit");
	finit_loadguard_release(r.g, 1, hand, &r.h);	/* once only */
	CU_ASSERT_EQUAL(r.h.n, 1);
	finit_loadguard_stats(r.g, &st);
	CU_ASSERT_EQUAL(st.recovered, 1);
	rig_close(&r);
}

/* Another tid, module or CPU, or too far apart in time, is another load. */
static void test_not_the_same(void)
{
	static const struct { unsigned long long ts; int cpu, tid; const char *name; } main_side[] = {
		{ 1000000, 0, 51, "dummy" },			/* tid differs */
		{ 1000000, 0, 50, "dumm" },			/* name differs */
		{ 1000000, 1, 50, "dummy" },			/* CPU differs */
		{ 1000000 + 2 * FINIT_LOADGUARD_WINDOW_NS, 0, 50, "dummy" },	/* time */
	};
	struct tep_record g, m;
	struct rig r;

	rig_open(&r);
	g = load(&r, 1000000, 0, 50, "dummy");
	CU_ASSERT_EQUAL(finit_loadguard_take(r.g, &g, hand, &r.h), 0);
	for (size_t i = 0; i < sizeof(main_side) / sizeof(main_side[0]); i++) {
		m = load(&r, main_side[i].ts, main_side[i].cpu, main_side[i].tid,
			 main_side[i].name);
		finit_loadguard_note(r.g, &m);
	}
	/* the main stream passed it on cpu0 without it: the guard's copy goes on */
	finit_loadguard_release(r.g, 0, hand, &r.h);
	CU_ASSERT_EQUAL_FATAL(r.h.n, 1);
	CU_ASSERT_STRING_EQUAL(r.h.data[0] + 16, "dummy");
	rig_close(&r);
}

/* At the end every load still kept is handed on; other records are ignored. */
static void test_end(void)
{
	struct tep_record g;
	struct rig r;

	rig_open(&r);
	g = other(&r, 100, 0);
	CU_ASSERT_EQUAL(finit_loadguard_take(r.g, &g, hand, &r.h), 0);
	g = load(&r, 200, 0, 60, "a");
	finit_loadguard_take(r.g, &g, hand, &r.h);
	g = load(&r, 300, 1, 61, "b");
	finit_loadguard_take(r.g, &g, hand, &r.h);
	finit_loadguard_release(r.g, 0, hand, &r.h);
	CU_ASSERT_EQUAL(r.h.n, 0);
	finit_loadguard_release(r.g, 1, hand, &r.h);
	CU_ASSERT_EQUAL_FATAL(r.h.n, 2);
	CU_ASSERT_EQUAL(r.h.ts[0], 200);		/* in the order read */
	CU_ASSERT_EQUAL(r.h.ts[1], 300);
	rig_close(&r);
}

int unit_add_loadguard(void)
{
	CU_pSuite s = CU_add_suite("loadguard", NULL, NULL);

	return !s || !CU_add_test(s, "a load both buffers had", test_matched) ||
	       !CU_add_test(s, "a load the main buffer lost", test_recovered) ||
	       !CU_add_test(s, "another load is not it", test_not_the_same) ||
	       !CU_add_test(s, "the end hands on the rest", test_end);
}
