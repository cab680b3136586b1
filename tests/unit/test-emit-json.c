// SPDX-License-Identifier: MIT
/*
 * test-emit-json.c - the JSON emitter's caches: a line made from a cached
 * piece is the line a fresh emitter makes, whatever one field changed;
 * integers at every digit count.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "finit.h"
#include "unit.h"

/* flood - a call as every call of a burst looks offline: no string at all */
static struct finit_event flood(void)
{
	struct finit_event ev = {
		.sys = FINIT_SYS_FINIT_MODULE, .ts = 19427724803474ULL,
		.wall_ns = 1795824000000000001LL, .cpu = 1, .tid = 4265, .pid = 4265,
		.comm = "burst", .args = { (unsigned long long)-1, 0x556335f9008dULL, 0 },
		.ret = -38, .origin_pid = FINIT_ORIGIN_KERNEL, .origin_comm = FINIT_ORIGIN_KERNEL,
		.origin_ret = FINIT_ORIGIN_KERNEL, .origin_str = FINIT_ORIGIN_OFFLINE,
		.origin_module = FINIT_ORIGIN_NONE, .origin_path = FINIT_ORIGIN_OFFLINE,
		.origin_context = FINIT_ORIGIN_OFFLINE,
	};
	return ev;
}

/* CASE - change @n, a statement on ev */
#define CASE(n, stmt)	case n: stmt; break

/* change - apply change @i to @ev; false past the last one */
static bool change(int i, struct finit_event *ev)
{
	static char comm2[] = "burst2", bad[] = "bu\xffrst";
	static char hex64[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	switch (i) {
	/* the "event" to "errno" piece's inputs */
	CASE(0, ev->sys = FINIT_SYS_INIT_MODULE);
	CASE(1, ev->sys = FINIT_SYS_DELETE_MODULE);
	CASE(2, ev->pid = 4266);
	CASE(3, ev->pid = -1);
	CASE(4, ev->tid = 4266);
	CASE(5, memcpy(ev->comm, comm2, sizeof(comm2)));
	CASE(6, memcpy(ev->comm, bad, sizeof(bad)));
	CASE(7, ev->comm[0] = '\0');
	CASE(8, ev->compat = true);
	CASE(9, ev->args[0] = 3);
	CASE(10, ev->args[1] = 0x556335f9008eULL);
	CASE(11, ev->args[2] = 4);
	CASE(12, ev->ret = -17);
	CASE(13, ev->ret = 0);
	CASE(14, ev->origin_ret = FINIT_ORIGIN_PENDING);
	/* the "module" to "origin" piece's inputs */
	CASE(15, ev->truncated = true);
	CASE(16, ev->origin_pid = FINIT_ORIGIN_OFFLINE);
	CASE(17, ev->origin_comm = FINIT_ORIGIN_NONE);
	CASE(18, ev->origin_str = FINIT_ORIGIN_SKIPPED);
	CASE(19, ev->origin_module = FINIT_ORIGIN_SKIPPED);
	CASE(20, ev->origin_path = FINIT_ORIGIN_SKIPPED);
	CASE(21, ev->origin_context = FINIT_ORIGIN_SKIPPED);
	CASE(22, ev->origin_context = FINIT_ORIGIN_NONE);
	CASE(23, ev->verdict = FINIT_VERDICT_ALLOW);
	CASE(24, ev->verdict = FINIT_VERDICT_DENY);
	/* what makes a line uncacheable: it must not be served from, or spoil, the cache */
	CASE(25, ev->verdict = FINIT_VERDICT_DENY; ev->rule = "default");
	CASE(26, ev->rule = "loop");
	CASE(27, ev->module = (char *)"loop"; ev->origin_module = FINIT_ORIGIN_KERNEL);
	CASE(28, ev->has_taints = true; ev->taints = 1u << 12);
	CASE(29, ev->path = (char *)"/lib/modules/x.ko");
	CASE(30, ev->sha256 = hex64);
	CASE(31, ev->param_values = (char *)"a=1");
	CASE(32, ev->param_values = (char *)"");
	CASE(33, ev->proc.exe = (char *)"/sbin/insmod");
	CASE(34, ev->proc.cgroup = (char *)"/");
	CASE(35, ev->proc.container_id = hex64);
	CASE(36, ev->proc.valid = true; ev->proc.euid = 0; ev->proc.cap_eff = 1ULL << 16);
	CASE(37, ev->proc.valid = true; ev->proc.has_auid = true; ev->proc.auid = 1000;
		 ev->proc.has_sessionid = true; ev->proc.sessionid = FINIT_ID_UNSET);
	CASE(38, ev->proc.ppid = 7);	/* not shown without /proc: the same line */
	default:
		return false;
	}
	return true;
}

/* One long-lived emitter writing into memory. */
struct harness {
	char			*out;
	size_t			len;
	FILE			*f;
	struct finit_sink	*sink;
	struct finit_emitter	*em;
};

/* harness_open - a JSON emitter on a memory stream */
static void harness_open(struct harness *h)
{
	memset(h, 0, sizeof(*h));
	h->f = open_memstream(&h->out, &h->len);
	h->sink = finit_sink_stream(h->f, "memory");
	h->em = finit_emit_open(FINIT_FMT_JSON, h->sink, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h->em);
}

/* harness_close - everything it wrote kept for the schema check, then freed */
static void harness_close(struct harness *h)
{
	finit_emit_close(h->em);
	finit_sink_close(h->sink);
	fclose(h->f);
	unit_keep_json(h->out);
	free(h->out);
}

/* fresh - the line of an emitter that has seen nothing before */
static char *fresh(const struct finit_event *ev)
{
	struct finit_buf b = { 0 };

	CU_ASSERT_EQUAL(finit_emit_line(FINIT_FMT_JSON, ev, &b), 0);
	return b.data;
}

/* check - the harness's line for @ev (returned) is the fresh one */
static char *check(struct harness *h, const struct finit_event *ev, int i)
{
	size_t before;
	char *got, *want = fresh(ev);

	fflush(h->f);
	before = h->len;
	CU_ASSERT_EQUAL(finit_emit_event(h->em, ev), 0);
	fflush(h->f);
	got = strndup(h->out + before, h->len - before);
	if (strcmp(got, want))
		fprintf(stderr, "\nchange %d: cached\n%s\nfresh\n%s", i, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(want);
	return got;
}

/*
 * each change, between two plain flood calls, through one emitter: every
 * line must be the fresh emitter's, and each change must show (else the
 * test could not see a stale piece)
 */
static void test_cache_each_field(void)
{
	struct finit_event ev = flood();
	struct harness h;
	char *base, *got;
	int i;

	harness_open(&h);
	base = check(&h, &ev, -1);
	for (i = 0; ev = flood(), change(i, &ev); i++) {
		got = check(&h, &ev, i);
		/* change 38 is a field the line does not show without /proc */
		CU_ASSERT(i == 38 ? !strcmp(got, base) : !!strcmp(got, base));
		free(got);
		/* twice: the second is served from what the first left */
		free(check(&h, &ev, i));
		ev = flood();
		free(check(&h, &ev, i));
	}
	CU_ASSERT_EQUAL(i, 39);
	free(base);
	harness_close(&h);
}

/* a flood's lines differ only in time, ts_ns and cpu: all three must move */
static void test_cache_varying_head(void)
{
	struct finit_event ev = flood();
	struct harness h;
	char *a, *b;

	harness_open(&h);
	a = check(&h, &ev, -1);
	ev.ts += 1000000001ULL;
	ev.wall_ns += 1000000001LL;
	ev.cpu = 0;
	b = check(&h, &ev, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"time\":\"2026-11-28T00:00:00.000000001Z\","
				      "\"ts_ns\":19427724803474,\"cpu\":1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b, "\"time\":\"2026-11-28T00:00:01.000000002Z\","
				      "\"ts_ns\":19428724803475,\"cpu\":0,"));
	free(a);
	free(b);
	harness_close(&h);
}

/*
 * two lines in a row that differ in one field only, the second possibly
 * served from the first's pieces: the identity numbers shown when an
 * origin says procfs (without /proc read), the comm past its NUL
 */
static void test_cache_pairs(void)
{
	struct harness h;

	harness_open(&h);
	for (int i = 0; i < 3; i++) {
		struct finit_event a = flood(), b;

		a.origin_context = FINIT_ORIGIN_PROCFS;
		a.proc.has_auid = a.proc.has_sessionid = true;
		a.proc.auid = 1000;
		a.proc.sessionid = 3;
		b = a;
		if (i == 0)
			b.proc.auid = 1001;
		else if (i == 1)
			b.proc.sessionid = 4;
		else
			b.comm[10] = 'x';	/* not shown: the same line */
		free(check(&h, &a, 100 + i));
		free(check(&h, &b, 100 + i));
	}
	harness_close(&h);
}

/* integers at every digit count and its edges, as printf writes them */
static void test_uint_digits(void)
{
	unsigned long long p = 1;

	for (int k = 0; k < 20; k++, p *= 10) {
		const unsigned long long vs[] = { p - 1, p, p + 1, p * 5 };

		for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
			struct finit_buf b = { 0 };
			char want[32];

			if (k == 19 && i == 3)
				continue;	/* past 2^64 */
			snprintf(want, sizeof(want), "%llu", vs[i]);
			finit_buf_uint(&b, vs[i]);
			CU_ASSERT_STRING_EQUAL(b.data, want);
			finit_buf_free(&b);
		}
	}
}

int unit_add_emit_json(void)
{
	CU_pSuite s = CU_add_suite("emit-json", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "the caches: each field changed, as a fresh emitter",
			    test_cache_each_field) ||
	       !CU_add_test(s, "the caches: time, ts_ns and cpu move", test_cache_varying_head) ||
	       !CU_add_test(s, "the caches: two lines a field apart", test_cache_pairs) ||
	       !CU_add_test(s, "integers at every digit count", test_uint_digits);
}
