// SPDX-License-Identifier: MIT
/*
 * test-verify.c - the rules that keep a wrong value from being labelled
 * "kernel", through the whole pipeline on records built from real formats:
 * a probe record that disagrees with the syscall event (Debian's 6.1.0-50
 * eprobe: $uargs as one sign-extended byte, every string a failed read),
 * the ia32 kprobe and kretprobe of 32-bit callers, a 32-bit pointer with
 * high bits set, a module_load that joins no call, and the self-test's
 * choice from its verdicts.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "context.h"
#include "correlate.h"
#include "decoder.h"
#include "emit.h"
#include "log.h"
#include "pipeline.h"
#include "selftest.h"
#include "unit.h"

/* What the pipeline emitted, copied (the correlator frees its strings). */
struct got {
	int			n;
	enum finit_syscall	sys[8];
	bool			compat[8];
	unsigned long long	args[8][3];
	char			str[8][64];
	bool			has_str[8];
	enum finit_origin	origin_str[8];
	char			module[8][32];
	long long		ret[8];
	enum finit_origin	origin_ret[8];
	char			comm[8][32];
	char			json[8][1024];
};

/* collect - keep what a test asserts on, and the event's JSON line */
static int collect(const struct finit_event *ev, void *arg)
{
	struct got *g = arg;
	int i = g->n++;
	struct finit_emitter *em;
	struct finit_sink *sink;
	FILE *f;

	g->sys[i] = ev->sys;
	g->compat[i] = ev->compat;
	memcpy(g->args[i], ev->args, sizeof(ev->args));
	g->has_str[i] = ev->param_values != NULL;
	snprintf(g->str[i], sizeof(g->str[i]), "%s", ev->param_values ? ev->param_values : "");
	g->origin_str[i] = ev->origin_str;
	snprintf(g->module[i], sizeof(g->module[i]), "%s", ev->module ? ev->module : "");
	g->ret[i] = ev->ret;
	g->origin_ret[i] = ev->origin_ret;
	snprintf(g->comm[i], sizeof(g->comm[i]), "%s", ev->comm);
	f = fmemopen(g->json[i], sizeof(g->json[i]), "w");
	sink = finit_sink_stream(f, "memory");
	em = finit_emit_open(FINIT_FMT_JSON, sink, false);
	finit_emit_event(em, ev);
	finit_emit_close(em);
	finit_sink_close(sink);
	fclose(f);
	return 0;
}

static char warnings[2048];

/* on_log - the library's messages, kept for the assertions */
static void on_log(enum finit_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	if (level == FINIT_LOG_WARNING)
		snprintf(warnings + strlen(warnings), sizeof(warnings) - strlen(warnings),
			 "%s\n", msg);
}

static void put(unsigned char *p, unsigned long long v, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* dloc - a __data_loc at @at for @str stored at @off (@len -1: strlen + NUL) */
static int dloc(unsigned char *d, int at, int off, const char *str, int len)
{
	if (len < 0)
		len = (int)strlen(str) + 1;
	put(d + at, (unsigned int)(len << 16 | off), 4);
	memcpy(d + off, str, len);
	return off + len;
}

struct rig {
	struct tep_handle	*tep;
	struct finit_pipeline	p;
	struct got		got;
};

/* rig_open - an offline pipeline over @fmts, our probes in @group */
static void rig_open(struct rig *r, const char *const *fmts, const char *group)
{
	memset(r, 0, sizeof(*r));
	r->tep = unit_tep(NULL, fmts);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->tep);
	r->p.dec = finit_decoder_alloc(r->tep, finit_decoder_sysnr("x86_64"), group);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->p.dec);
	r->p.ctx = finit_context_alloc_offline(r->tep, NULL);
	r->p.corr = finit_correlate_alloc(16, collect, &r->got);
	finit_verify_init(&r->p.verify, "6.1.0-50-amd64");
	warnings[0] = '\0';
	finit_log_set_hook(on_log, NULL);
}

/* feed - one record of @size bytes through the pipeline */
static void feed(struct rig *r, unsigned char *d, int size, int cpu)
{
	struct tep_record rec = { .ts = 100, .data = d, .size = size, .cpu = cpu };

	CU_ASSERT_EQUAL(finit_pipeline_record(&r->p, &rec), 0);
	memset(d, 0, 256);
}

static void rig_close(struct rig *r)
{
	finit_correlate_flush(r->p.corr);
	finit_log_set_hook(NULL, NULL);
	finit_pipeline_release(&r->p);
	finit_correlate_free(r->p.corr);
	finit_context_free(r->p.ctx);
	finit_decoder_free(r->p.dec);
	tep_free(r->tep);
}

static const char *const deb61_eprobe[] = {
	"debian-6.1.0-amd64/syscalls.sys_enter_finit_module.format",
	"debian-6.1.0-amd64/syscalls.sys_exit_finit_module.format",
	"handwritten/finit_ftrace_2.finit_module.format", NULL,
};

/* enter - sys_enter_finit_module (6.1 layout) */
static void enter(struct rig *r, int tid, unsigned long long uargs)
{
	unsigned char d[256] = { 0 };

	put(d, 353, 2);
	put(d + 4, tid, 4);
	put(d + 16, 3, 8);
	put(d + 24, uargs, 8);
	feed(r, d, 40, 0);
}

/* finit_call - enter, our eprobe's record (or the reverse: @late), exit */
static void finit_call_order(struct rig *r, int tid, unsigned long long uargs,
			     unsigned long long probe_uargs, const char *params, int plen,
			     bool late)
{
	unsigned char d[256] = { 0 };
	int size;

	if (!late)
		enter(r, tid, uargs);
	put(d, 2002, 2);
	put(d + 4, tid, 4);
	put(d + 8, 3, 8);
	put(d + 16, probe_uargs, 8);
	size = dloc(d, 24, 40, params, plen);
	size = dloc(d, 36, size, "modcall", -1);
	feed(r, d, size, 0);
	if (late)
		enter(r, tid, uargs);
	put(d, 352, 2);
	put(d + 4, tid, 4);
	feed(r, d, 24, 0);
}

static void finit_call(struct rig *r, int tid, unsigned long long uargs,
		       unsigned long long probe_uargs, const char *params, int plen)
{
	finit_call_order(r, tid, uargs, probe_uargs, params, plen, false);
}

/*
 * Debian 6.1.0-50: the eprobe's $uargs is one sign-extended byte and its
 * string a failed read. Nothing may come out as "" with origin kernel; one
 * warning names the kernel, the tier and both values; the tier stays
 * broken for the session, even for a record that would agree.
 */
static void test_broken_eprobe(void)
{
	struct rig r;

	rig_open(&r, deb61_eprobe, "finit_ftrace_2");
	finit_call(&r, 31, 0x7fff93879f9fULL, 0xffffffffffffff9fULL, "", 0);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 1);
	CU_ASSERT(!r.got.has_str[0]);
	CU_ASSERT_EQUAL(r.got.origin_str[0], FINIT_ORIGIN_FAULT);
	CU_ASSERT_EQUAL(r.got.origin_ret[0], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_PTR_NOT_NULL(strstr(warnings, "kernel 6.1.0-50-amd64: the eprobe tier is broken"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warnings, "uargs=0xffffffffffffff9f"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warnings, "0x7fff93879f9f"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(strchr(warnings, '\n'));
	CU_ASSERT_PTR_NULL(strstr(strchr(warnings, '\n') + 1, "broken"));	/* once */
	CU_ASSERT_EQUAL(r.p.verify.mismatches[FINIT_TIER_EPROBE], 1);
	CU_ASSERT_PTR_NULL(strstr(r.got.json[0], "\"param_values\":\"\""));
	/* broken for the session: an agreeing record's string is not used either */
	finit_call(&r, 32, 0x7ffd0000, 0x7ffd0000, "p=1", -1);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 2);
	CU_ASSERT(!r.got.has_str[1]);
	CU_ASSERT_NOT_EQUAL(r.got.origin_str[1], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_EQUAL(finit_verify_refused(&r.p.verify), 1);
	rig_close(&r);
}

/* A probe that agrees gives the exact string and the comm at the call. */
static void test_good_eprobe(void)
{
	struct rig r;

	rig_open(&r, deb61_eprobe, "finit_ftrace_2");
	finit_call(&r, 31, 0x7ffd0000, 0x7ffd0000, "a=\001 b", -1);
	finit_call(&r, 33, 0x7ffd0100, 0x7ffd0100, "", -1);	/* "": 1 byte, the NUL */
	CU_ASSERT_EQUAL_FATAL(r.got.n, 2);
	CU_ASSERT_STRING_EQUAL(r.got.str[0], "a=\001 b");
	CU_ASSERT_EQUAL(r.got.origin_str[0], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_STRING_EQUAL(r.got.comm[0], "modcall");
	CU_ASSERT(r.got.has_str[1]);
	CU_ASSERT_STRING_EQUAL(r.got.str[1], "");
	CU_ASSERT_EQUAL(r.got.origin_str[1], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_EQUAL(warnings[0], '\0');
	/* a zero-length string of an agreeing record: a failed read, no "" */
	finit_call(&r, 34, 0x7ffd0200, 0x7ffd0200, "", 0);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 3);
	CU_ASSERT(!r.got.has_str[2]);
	CU_ASSERT_EQUAL(r.got.origin_str[2], FINIT_ORIGIN_FAULT);
	CU_ASSERT_EQUAL(r.p.verify.faults, 1);
	/*
	 * a filtered syscall event reaches the ring buffer after its triggers
	 * wrote theirs: the string record waits for its enter
	 */
	finit_call_order(&r, 35, 0x7ffd0300, 0x7ffd0300, "late=1", -1, true);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 4);
	CU_ASSERT_STRING_EQUAL(r.got.str[3], "late=1");
	CU_ASSERT_EQUAL(r.got.origin_str[3], FINIT_ORIGIN_KERNEL);
	rig_close(&r);
}

/* A string record whose call the filter dropped goes at that call's exit. */
static void test_orphan_string(void)
{
	unsigned char d[256] = { 0 };
	struct rig r;
	int size;

	rig_open(&r, deb61_eprobe, "finit_ftrace_2");
	put(d, 2002, 2);
	put(d + 4, 36, 4);
	put(d + 8, 3, 8);
	put(d + 16, 0x7ffd0400, 8);
	size = dloc(d, 24, 40, "dropped=1", -1);
	feed(&r, d, size, 0);
	put(d, 352, 2);
	put(d + 4, 36, 4);
	feed(&r, d, 24, 0);
	CU_ASSERT_EQUAL(r.got.n, 0);
	/* the thread's next call, same arguments, but no string record of its own */
	enter(&r, 36, 0x7ffd0400);
	put(d, 352, 2);
	put(d + 4, 36, 4);
	feed(&r, d, 24, 0);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 1);
	CU_ASSERT(!r.got.has_str[0]);
	CU_ASSERT_NOT_EQUAL(r.got.origin_str[0], FINIT_ORIGIN_KERNEL);
	rig_close(&r);
}

static const char *const ia32[] = {
	"handwritten/finit_ftrace_3.kp32_finit_module.format",
	"handwritten/finit_ftrace_3.kr32_finit_module.format",
	"debian-6.1.0-amd64/module.module_load.format", NULL,
};

/* compat_call - the ia32 kprobe, module_load (@module, or none), kretprobe */
static void compat_call(struct rig *r, int tid, unsigned long long uargs, const char *module,
			long long ret)
{
	unsigned char d[256] = { 0 };
	int size;

	put(d, 2003, 2);
	put(d + 4, tid, 4);
	put(d + 16, 0xffffffffULL, 8);		/* ebx of fd -1, zero-extended */
	put(d + 24, uargs, 8);
	size = dloc(d, 32, 48, "x=1", -1);
	size = dloc(d, 44, size, "modcall32", -1);
	feed(r, d, size, 1);
	if (module) {
		put(d, 362, 2);
		put(d + 4, tid, 4);
		feed(r, d, dloc(d, 12, 16, module, -1), 1);
	}
	put(d, 2004, 2);
	put(d + 4, tid, 4);
	put(d + 24, (unsigned long long)ret, 8);
	feed(r, d, 32, 1);
}

/* 32-bit callers through the ia32 kprobe and kretprobe: every field exact */
static void test_compat_kprobes(void)
{
	struct rig r;

	rig_open(&r, ia32, "finit_ftrace_3");
	compat_call(&r, 40, 0x0804a000, "mii", 0);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 1);
	CU_ASSERT_EQUAL(r.got.sys[0], FINIT_SYS_FINIT_MODULE);
	CU_ASSERT(r.got.compat[0]);
	CU_ASSERT_EQUAL((long long)r.got.args[0][0], -1);
	CU_ASSERT_EQUAL(r.got.args[0][1], 0x0804a000);
	CU_ASSERT_STRING_EQUAL(r.got.str[0], "x=1");
	CU_ASSERT_EQUAL(r.got.origin_str[0], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_STRING_EQUAL(r.got.module[0], "mii");
	CU_ASSERT_EQUAL(r.got.ret[0], 0);
	CU_ASSERT_EQUAL(r.got.origin_ret[0], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_STRING_EQUAL(r.got.comm[0], "modcall32");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"compat\":true"));
	/*
	 * high bits in a 32-bit caller's register (set from 64-bit mode): the
	 * kernel takes the low 32 bits, our probe read the whole: refused
	 */
	compat_call(&r, 41, 0x100000000ULL | 0x0804a000, NULL, -17);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 2);
	CU_ASSERT_EQUAL(r.got.args[1][1], 0x0804a000);
	CU_ASSERT(!r.got.has_str[1]);
	CU_ASSERT_EQUAL(r.got.origin_str[1], FINIT_ORIGIN_FAULT);
	CU_ASSERT_EQUAL(r.got.ret[1], -17);
	rig_close(&r);
}

static const char *const kprobe_path[] = {
	"handwritten/finit_ftrace_3.kp_finit_module.format",
	"handwritten/finit_ftrace_3.kr_finit_module.format",
	"debian-6.1.0-amd64/module.module_load.format", NULL,
};

/*
 * The kprobe path (--path kprobe): no syscall event, so our kprobe is the
 * enter (arguments, string, caller) and the kretprobe the exit; every
 * field from the kernel, the call 64-bit.
 */
static void test_kprobe_path(void)
{
	unsigned char d[256] = { 0 };
	struct rig r;
	int size;

	rig_open(&r, kprobe_path, "finit_ftrace_3");
	put(d, 2005, 2);
	put(d + 4, 50, 4);
	put(d + 16, 3, 8);
	put(d + 24, 0x7ffd0000, 8);
	size = dloc(d, 32, 52, "a=1 b", -1);
	put(d + 36, 4, 8);
	size = dloc(d, 44, size, "modcall", -1);
	feed(&r, d, size, 0);
	put(d, 362, 2);
	put(d + 4, 50, 4);
	feed(&r, d, dloc(d, 12, 16, "loop", -1), 0);
	put(d, 2006, 2);
	put(d + 4, 50, 4);
	put(d + 24, 0, 8);
	feed(&r, d, 32, 0);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 1);
	CU_ASSERT_EQUAL(r.got.sys[0], FINIT_SYS_FINIT_MODULE);
	CU_ASSERT(!r.got.compat[0]);
	CU_ASSERT_EQUAL(r.got.args[0][0], 3);
	CU_ASSERT_EQUAL(r.got.args[0][1], 0x7ffd0000);
	CU_ASSERT_EQUAL(r.got.args[0][2], 4);
	CU_ASSERT_STRING_EQUAL(r.got.str[0], "a=1 b");
	CU_ASSERT_EQUAL(r.got.origin_str[0], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_STRING_EQUAL(r.got.module[0], "loop");
	CU_ASSERT_EQUAL(r.got.ret[0], 0);
	CU_ASSERT_EQUAL(r.got.origin_ret[0], FINIT_ORIGIN_KERNEL);
	CU_ASSERT_STRING_EQUAL(r.got.comm[0], "modcall");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"flags_names\":[\"MODULE_INIT_COMPRESSED_FILE\"]"));
	rig_close(&r);
}

/* A load that joins no call is reported on its own, never dropped. */
static void test_lone_module_load(void)
{
	unsigned char d[256] = { 0 };
	struct rig r;

	rig_open(&r, ia32, "finit_ftrace_3");
	put(d, 362, 2);
	put(d + 4, 77, 4);
	put(d + 8, 1u << 13, 4);
	feed(&r, d, dloc(d, 12, 16, "tun", -1), 0);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 1);
	CU_ASSERT_EQUAL(r.got.sys[0], FINIT_EV_MODULE_LOAD);
	CU_ASSERT_STRING_EQUAL(r.got.module[0], "tun");
	CU_ASSERT_EQUAL(r.got.origin_ret[0], FINIT_ORIGIN_NONE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"event\":\"module_load\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"args\":{}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"taints\":\"E\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"ret\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"module\":\"kernel\""));
	rig_close(&r);
}

/* The choice from the verdicts: the best tier that passed, never one that failed. */
static void test_choice(void)
{
	struct finit_probe p = { .path = FINIT_PATH_SYSCALLS, .eprobe = true, .kprobe = true,
				 .raw_enter = true, .raw_exit = true };
	struct finit_selftest t = { 0 };
	struct finit_choice c;

	t.ok[FINIT_CHECK_PATH] = t.ok[FINIT_CHECK_KPROBE] = t.ok[FINIT_CHECK_COMPAT] = true;
	finit_selftest_choose(&t, &p, true, &c);	/* 6.1.0-50: eprobe failed */
	CU_ASSERT_EQUAL(c.tier, FINIT_TIER_KPROBE);
	CU_ASSERT_EQUAL(c.exact, FINIT_TIER_NONE);
	CU_ASSERT_EQUAL(c.compat, FINIT_COMPAT_KPROBE);
	t.ok[FINIT_CHECK_EPROBE] = true;
	finit_selftest_choose(&t, &p, false, &c);
	CU_ASSERT_EQUAL(c.tier, FINIT_TIER_EPROBE);
	CU_ASSERT_EQUAL(c.compat, FINIT_COMPAT_OFF);
	p.uargs_field = true;				/* 7.x */
	finit_selftest_choose(&t, &p, true, &c);
	CU_ASSERT_EQUAL(c.tier, FINIT_TIER_EPROBE);	/* native did not pass */
	t.ok[FINIT_CHECK_NATIVE] = true;
	t.ok[FINIT_CHECK_COMPAT] = false;
	finit_selftest_choose(&t, &p, true, &c);
	CU_ASSERT_EQUAL(c.tier, FINIT_TIER_NATIVE);
	CU_ASSERT_EQUAL(c.exact, FINIT_TIER_EPROBE);
	CU_ASSERT_EQUAL(c.compat, FINIT_COMPAT_RAW);	/* not blind: the costly path */
	t.ok[FINIT_CHECK_EPROBE] = t.ok[FINIT_CHECK_KPROBE] = false;
	p.uargs_field = false;
	finit_selftest_choose(&t, &p, true, &c);
	CU_ASSERT_EQUAL(c.tier, FINIT_TIER_PROCFS);
}

static const char *const deb61_plain[] = {
	"debian-6.1.0-amd64/syscalls.sys_enter_finit_module.format",
	"debian-6.1.0-amd64/syscalls.sys_exit_finit_module.format", NULL,
};

/* plain_call - enter and exit of our own finit_module(fd, params) with @ret */
static void plain_call(struct rig *r, int fd, const char *params, long long ret)
{
	unsigned char d[256] = { 0 };

	put(d, 353, 2);
	put(d + 4, getpid(), 4);
	put(d + 16, fd, 8);
	put(d + 24, (unsigned long long)(uintptr_t)params, 8);
	feed(r, d, 40, 0);
	put(d, 352, 2);
	put(d + 4, getpid(), 4);
	put(d + 16, (unsigned long long)ret, 8);
	feed(r, d, 24, 0);
}

/*
 * Behind (records wait in the spool): /proc is skipped and said so; a
 * successful load keeps priority and is enriched at its exit
 */
static void test_backlog(void)
{
	static const char params[] = "p=backlog";
	struct rig r;
	int fd = open("/dev/null", O_RDONLY);

	rig_open(&r, deb61_plain, NULL);
	r.p.live = r.p.procfs = true;
	r.p.backlog = true;
	plain_call(&r, fd, params, -17);	/* failed: left as it is */
	plain_call(&r, fd, params, 0);		/* a load: caught up at its exit */
	CU_ASSERT_EQUAL_FATAL(r.got.n, 2);
	CU_ASSERT_EQUAL(r.got.origin_str[0], FINIT_ORIGIN_SKIPPED);
	CU_ASSERT(!r.got.has_str[0]);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"path\":\"skipped-backlog\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[0], "\"context\":\"skipped-backlog\""));
	CU_ASSERT_STRING_EQUAL(r.got.str[1], params);
	CU_ASSERT_EQUAL(r.got.origin_str[1], FINIT_ORIGIN_PROCFS);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.got.json[1], "\"path\":\"/dev/null\""));
	CU_ASSERT_EQUAL(r.p.skipped, 2);
	/* not behind (and the record is fresh: the trace clock is now): /proc at once */
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	r.p.clock_offset_ns = now.tv_sec * 1000000000LL + now.tv_nsec - 100;
	r.p.backlog = false;
	plain_call(&r, fd, params, -17);
	CU_ASSERT_EQUAL_FATAL(r.got.n, 3);
	CU_ASSERT_EQUAL(r.got.origin_str[2], FINIT_ORIGIN_PROCFS);
	close(fd);
	rig_close(&r);
}

int unit_add_verify(void)
{
	CU_pSuite s = CU_add_suite("verify", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "6.1.0-50's broken eprobe: no kernel label, one warning",
			    test_broken_eprobe) ||
	       !CU_add_test(s, "an agreeing probe: exact string, \"\" vs a failed read",
			    test_good_eprobe) ||
	       !CU_add_test(s, "a string record whose call was filtered out", test_orphan_string) ||
	       !CU_add_test(s, "32-bit callers: ia32 kprobe and kretprobe", test_compat_kprobes) ||
	       !CU_add_test(s, "a module_load that joins no call", test_lone_module_load) ||
	       !CU_add_test(s, "the kprobe path: kprobe enter, kretprobe exit",
			    test_kprobe_path) ||
	       !CU_add_test(s, "the tiers chosen from the self-test", test_choice) ||
	       !CU_add_test(s, "behind: /proc skipped, loads caught up", test_backlog);
}
