// SPDX-License-Identifier: MIT
/*
 * selftest.c - prove the capture path and each string tier on this kernel
 * before trusting them (the calls are in selfcall.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "context.h"
#include "decoder.h"
#include "evsel.h"
#include "selfcall.h"
#include "selftest.h"
#include "stream.h"
#include "verify.h"

#define SELFTEST_WAIT_MS	3000
#define SELFTEST_BUFFER_KB	256

static const char *const check_names[FINIT_CHECK_NR] = {
	[FINIT_CHECK_PATH] = "capture-path",
	[FINIT_CHECK_NATIVE] = "native",
	[FINIT_CHECK_EPROBE] = "eprobe",
	[FINIT_CHECK_KPROBE] = "kprobe",
	[FINIT_CHECK_COMPAT] = "compat-kprobe",
	[FINIT_CHECK_PROCFS] = "procfs",
};

/* finit_selftest_check_name - as check --format json keys them */
const char *finit_selftest_check_name(enum finit_check c)
{
	return c < FINIT_CHECK_NR ? check_names[c] : "?";
}

/* What the test instance recorded of one call. */
struct got {
	bool			enter, exit, str_ok;
	unsigned long long	args[3];
	long long		ret;
	char			str[96];
};

struct collect {
	struct finit_decoder	*dec;
	const struct finit_selfcall *calls;
	struct got		call[FINIT_SYS_NR];	/* 64-bit: the capture path */
	struct got		probe[FINIT_TIER_PROCFS + 1][FINIT_SYS_NR];
	struct got		compat[FINIT_SYS_NR];
	unsigned long long	records;
};

/* keep - copy what a record says into @g */
static void keep(struct got *g, const struct finit_record *r)
{
	if (r->kind == FINIT_REC_EXIT) {
		g->exit = true;
		g->ret = r->ret;
		return;
	}
	g->enter = true;
	memcpy(g->args, r->args, sizeof(g->args));
	g->str_ok = r->str && r->str_state == FINIT_STR_OK;
	snprintf(g->str, sizeof(g->str), "%s", g->str_ok ? r->str : "");
}

/* on_record - our own calls' records, sorted by source */
static int on_record(struct tep_record *rec, void *arg)
{
	struct collect *c = arg;
	struct finit_record r;

	if (!finit_decoder_decode(c->dec, rec, &r) || r.sys >= FINIT_SYS_NR ||
	    (r.tid != c->calls->tid && (!c->calls->did32 || r.tid != c->calls->tid32)))
		return 0;
	c->records++;
	if (r.kind == FINIT_REC_STRING && r.tier <= FINIT_TIER_PROCFS)
		keep(&c->probe[r.tier][r.sys], &r);
	else if (r.kind == FINIT_REC_ENTER || r.kind == FINIT_REC_EXIT)
		keep(r.compat ? &c->compat[r.sys] : &c->call[r.sys], &r);
	return 0;
}

/* select_events - the capture path's events and every candidate probe */
static int select_events(const struct finit_selftest_setup *su, struct finit_evsel *ev)
{
	const struct finit_sysnr *t = finit_decoder_sysnr(su->probe->machine);
	char ids[128] = "", name[64];
	int n = 0;

	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		if (!(su->events & (1u << sys)))
			continue;
		if (su->probe->path == FINIT_PATH_SYSCALLS) {
			snprintf(name, sizeof(name), "sys_enter_%s", finit_names_syscall(sys));
			finit_evsel_add(ev, &n, "syscalls", name, NULL);
			snprintf(name, sizeof(name), "sys_exit_%s", finit_names_syscall(sys));
			finit_evsel_add(ev, &n, "syscalls", name, NULL);
		} else if (t && su->probe->path == FINIT_PATH_RAW) {
			snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%sid == %d",
				 ids[0] ? " || " : "", t->nr[sys]);
		}
		for (int k = 0; k < FINIT_PROBE_NR; k++) {
			if (!su->dyn[k][sys])
				continue;
			finit_tiers_event_name((enum finit_probe_kind)k, sys, name, sizeof(name));
			finit_evsel_add(ev, &n, su->group, name, NULL);
		}
	}
	if (ids[0]) {
		finit_evsel_add(ev, &n, "raw_syscalls", "sys_enter", ids);
		finit_evsel_add(ev, &n, "raw_syscalls", "sys_exit", ids);
	}
	return n;
}

/* arm - filters and enable files of the test instance, tracing on */
static int arm(struct tracefs_instance *inst, const struct finit_evsel *ev, int n)
{
	for (int i = 0; i < n; i++) {
		if (ev[i].filter[0] &&
		    tracefs_event_file_write(inst, ev[i].sys, ev[i].name, "filter",
					     ev[i].filter) < 0)
			return -1;
		if (tracefs_event_file_write(inst, ev[i].sys, ev[i].name, "enable", "1") < 0)
			return -1;
	}
	return tracefs_trace_on(inst) < 0 ? -1 : 0;
}

/* complete - every record the calls should have left is in */
static bool complete(const struct collect *c, const struct finit_selftest_setup *su)
{
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		if (!(su->events & (1u << sys)))
			continue;
		if (!c->call[sys].exit)
			return false;
		/* on the kprobe path our kprobe is the enter itself */
		for (int k = FINIT_PROBE_EPROBE; k <= FINIT_PROBE_KPROBE &&
		     su->probe->path != FINIT_PATH_KPROBE; k++)
			if (su->dyn[k][sys] && !c->probe[FINIT_TIER_EPROBE + k][sys].enter)
				return false;
		if (su->dyn[FINIT_PROBE_COMPAT_RET][sys] && c->calls->did32 && !c->compat[sys].exit)
			return false;
	}
	return true;
}

/* now_ms - CLOCK_MONOTONIC in ms */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* gather - make the calls, then read until all their records are in */
static int gather(struct tracefs_instance *inst, struct tep_handle *tep,
		  const struct finit_selftest_setup *su, struct collect *c,
		  struct finit_selfcall *calls, char *err, size_t errlen)
{
	int ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	struct finit_stream *st = finit_stream_open(inst, tep, ncpus, getpagesize(), err, errlen);
	long long deadline;
	int ret = 0;

	if (!st)
		return -1;
	finit_selfcall_make(calls, su->dyn[FINIT_PROBE_COMPAT][FINIT_SYS_FINIT_MODULE] ||
			    su->dyn[FINIT_PROBE_COMPAT][FINIT_SYS_INIT_MODULE] ||
			    su->dyn[FINIT_PROBE_COMPAT][FINIT_SYS_DELETE_MODULE]);
	deadline = now_ms() + SELFTEST_WAIT_MS;
	do {
		if (finit_stream_drain(st, on_record, c) < 0) {
			snprintf(err, errlen, "reading the self-test instance %s: %s",
				 su->instance, strerror(errno));
			ret = -1;
			break;
		}
		if (complete(c, su))
			break;
		usleep(10000);
	} while (now_ms() < deadline);
	tracefs_trace_off(inst);
	finit_stream_close(st);
	return ret;
}

/* verdict - record one check's result (@why: NULL when it passed) */
static void verdict(struct finit_selftest *t, enum finit_check c, const char *why)
{
	t->tested[c] = true;
	t->ok[c] = !why;
	snprintf(t->why[c], sizeof(t->why[c]), "%s", why ? why : "");
}

/* args_why - how @got's arguments differ from @want, into @buf; NULL if equal */
static const char *args_why(const unsigned long long *got, const unsigned long long *want,
			    const char *what, char *buf, size_t len)
{
	for (int i = 0; i < 3; i++) {
		if (got[i] == want[i])
			continue;
		snprintf(buf, len, "%s recorded argument %d as 0x%llx where the call passed 0x%llx",
			 what, i, got[i], want[i]);
		return buf;
	}
	return NULL;
}

/* string_why - @g's string is the marker, or why not */
static const char *string_why(const struct got *g, const char *marker, const char *what,
			      char *buf, size_t len)
{
	if (!g->str_ok)
		snprintf(buf, len, "%s could not read the string (a fault or no data)", what);
	else if (strcmp(g->str, marker))
		snprintf(buf, len, "%s read \"%.40s\" where the call passed \"%s\"", what,
			 g->str, marker);
	else
		return NULL;
	return buf;
}

/* judge_path - each call's enter and exit, with its arguments and result */
static const char *judge_path(const struct collect *c, const struct finit_selfcall *k,
			      unsigned int events, char *buf, size_t len)
{
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		const struct got *g = &c->call[sys];

		if (!(events & (1u << sys)))
			continue;
		if (!g->enter || !g->exit) {
			snprintf(buf, len, "no %s record of our %s call within %d ms",
				 g->enter ? "exit" : "enter", finit_names_syscall(sys),
				 SELFTEST_WAIT_MS);
			return buf;
		}
		if (args_why(g->args, k->args[sys], finit_names_syscall(sys), buf, len))
			return buf;
		if (g->ret != k->ret[sys]) {
			snprintf(buf, len, "%s returned %ld, its exit record says %lld",
				 finit_names_syscall(sys), k->ret[sys], g->ret);
			return buf;
		}
	}
	return NULL;
}

/* judge_probe - a string tier: its records' arguments and the marker */
static const char *judge_probe(const struct got *p, const struct collect *c,
			       const struct finit_selfcall *k, unsigned int events,
			       bool native, char *buf, size_t len)
{
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		char what[64];

		if (!(events & (1u << sys)))
			continue;
		snprintf(what, sizeof(what), "its %s record", finit_names_syscall(sys));
		if (!p[sys].enter) {
			snprintf(buf, len, "no %s record of our call within %d ms",
				 finit_names_syscall(sys), SELFTEST_WAIT_MS);
			return buf;
		}
		if ((!native && args_why(p[sys].args, c->call[sys].args, what, buf, len)) ||
		    string_why(&p[sys], k->marker, what, buf, len))
			return buf;
	}
	return NULL;
}

/* judge_compat - the ia32 kprobes: enter with the string, kretprobe with ret */
static const char *judge_compat(const struct collect *c, const struct finit_selfcall *k,
				unsigned int events, char *buf, size_t len)
{
	const char *why = judge_probe(c->compat, c, k, events, true, buf, len);

	for (int sys = 0; !why && sys < FINIT_SYS_NR; sys++) {
		if (!(events & (1u << sys)))
			continue;
		why = args_why(c->compat[sys].args, k->args32[sys], finit_names_syscall(sys),
			       buf, len);
		if (!why && (!c->compat[sys].exit || c->compat[sys].ret != k->ret32[sys])) {
			snprintf(buf, len, "the 32-bit %s returned %d, its kretprobe record %s",
				 finit_names_syscall(sys), k->ret32[sys],
				 c->compat[sys].exit ? "differs" : "is missing");
			why = buf;
		}
	}
	return why;
}

/* judge - every verdict from what was collected */
static void judge(struct finit_selftest *t, const struct finit_selftest_setup *su,
		  const struct collect *c, const struct finit_selfcall *k)
{
	bool created[FINIT_PROBE_NR] = { false };
	char buf[320];
	bool cut;
	char *mem;

	for (int k2 = 0; k2 < FINIT_PROBE_NR; k2++)
		for (int sys = 0; sys < FINIT_SYS_NR; sys++)
			created[k2] |= su->dyn[k2][sys] != NULL;
	verdict(t, FINIT_CHECK_PATH, judge_path(c, k, su->events, buf, sizeof(buf)));
	if (su->probe->uargs_field && su->probe->path == FINIT_PATH_SYSCALLS)
		verdict(t, FINIT_CHECK_NATIVE,
			judge_probe(c->call, c, k, su->events, true, buf, sizeof(buf)));
	if (created[FINIT_PROBE_EPROBE])
		verdict(t, FINIT_CHECK_EPROBE, judge_probe(c->probe[FINIT_TIER_EPROBE], c, k,
							   su->events, false, buf, sizeof(buf)));
	if (created[FINIT_PROBE_KPROBE])
		verdict(t, FINIT_CHECK_KPROBE, su->probe->path == FINIT_PATH_KPROBE ?
			judge_probe(c->call, c, k, su->events, true, buf, sizeof(buf)) :
			judge_probe(c->probe[FINIT_TIER_KPROBE], c, k, su->events, false,
				    buf, sizeof(buf)));
	t->no_ia32 = created[FINIT_PROBE_COMPAT] && !k->did32;
	if (created[FINIT_PROBE_COMPAT])
		verdict(t, FINIT_CHECK_COMPAT, k->did32 ?
			judge_compat(c, k, su->events, buf, sizeof(buf)) :
			"no 32-bit call could be made here (no IA32 emulation?)");
	mem = finit_procfs_string(k->tid, (unsigned long long)(unsigned long)k->marker, &cut);
	verdict(t, FINIT_CHECK_PROCFS, mem && !strcmp(mem, k->marker) ? NULL :
		"/proc/self/mem did not give the string back");
	free(mem);
	t->records = c->records;
}

/* finit_selftest_run - temporary instance, calls, verdicts, teardown */
int finit_selftest_run(struct finit_selftest *t, const struct finit_selftest_setup *su,
		       char *err, size_t errlen)
{
	struct finit_evsel ev[FINIT_MAX_EVENTS];
	struct collect c = { 0 };
	struct finit_selfcall calls;
	struct tracefs_instance *inst = NULL;
	struct tep_handle *tep = NULL;
	int n = select_events(su, ev), ret = -1;

	memset(t, 0, sizeof(*t));
	finit_selfcall_init(&calls, su->events);
	c.calls = &calls;
	tep = finit_evsel_tep(ev, n, err, errlen);
	c.dec = tep ? finit_decoder_alloc(tep, finit_decoder_sysnr(su->probe->machine),
					  su->group) : NULL;
	if (!c.dec) {
		if (tep)
			snprintf(err, errlen, "the self-test found no event to decode");
		goto out;
	}
	inst = tracefs_instance_create(su->instance);
	if (!inst || tracefs_instance_set_buffer_size(inst, SELFTEST_BUFFER_KB, -1) < 0 ||
	    arm(inst, ev, n) < 0) {
		snprintf(err, errlen, "cannot set up the self-test instance %s: %s",
			 su->instance, strerror(errno));
		goto out;
	}
	if (gather(inst, tep, su, &c, &calls, err, errlen) == 0) {
		judge(t, su, &c, &calls);
		ret = 0;
	}
out:
	if (inst) {
		for (int i = 0; i < n; i++)
			tracefs_event_file_write(inst, ev[i].sys, ev[i].name, "enable", "0");
		tracefs_instance_destroy(inst);
		tracefs_instance_free(inst);
	}
	finit_decoder_free(c.dec);
	tep_free(tep);
	return ret;
}

/* finit_selftest_trust - selftest = false: what was created passes untested */
void finit_selftest_trust(struct finit_selftest *t, const struct finit_selftest_setup *su)
{
	static const enum finit_check of_kind[FINIT_PROBE_NR] = {
		FINIT_CHECK_EPROBE, FINIT_CHECK_KPROBE, FINIT_CHECK_COMPAT, FINIT_CHECK_COMPAT,
		FINIT_CHECK_PATH,
	};

	memset(t, 0, sizeof(*t));
	t->ok[FINIT_CHECK_PATH] = t->ok[FINIT_CHECK_PROCFS] = true;
	t->ok[FINIT_CHECK_NATIVE] = su->probe->uargs_field;
	for (int k = 0; k < FINIT_PROBE_NR; k++)
		for (int sys = 0; sys < FINIT_SYS_NR; sys++)
			if (su->dyn[k][sys])
				t->ok[of_kind[k]] = true;
}

/* finit_selftest_choose - native, else the best probe, else /proc */
void finit_selftest_choose(const struct finit_selftest *t, const struct finit_probe *p,
			   bool compat, struct finit_choice *c)
{
	enum finit_tier probe = t->ok[FINIT_CHECK_EPROBE] ? FINIT_TIER_EPROBE :
				t->ok[FINIT_CHECK_KPROBE] ? FINIT_TIER_KPROBE : FINIT_TIER_NONE;

	memset(c, 0, sizeof(*c));
	if (p->uargs_field && p->path == FINIT_PATH_SYSCALLS && t->ok[FINIT_CHECK_NATIVE]) {
		c->tier = FINIT_TIER_NATIVE;
		c->exact = probe;
	} else {
		c->tier = probe ? probe : FINIT_TIER_PROCFS;
	}
	/* a failed ia32 test keeps raw_syscalls: costly, but not blind */
	if (!compat)
		c->compat = FINIT_COMPAT_OFF;
	else if (t->ok[FINIT_CHECK_COMPAT])
		c->compat = FINIT_COMPAT_KPROBE;
	else if (p->raw_enter && p->raw_exit)
		c->compat = FINIT_COMPAT_RAW;
	else
		c->compat = FINIT_COMPAT_OFF;
}

/* finit_selftest_compat_name - the armed line's and check's name */
const char *finit_selftest_compat_name(enum finit_compat c)
{
	return c == FINIT_COMPAT_KPROBE ? "kprobe" : c == FINIT_COMPAT_RAW ? "raw_syscalls" : "off";
}

/* finit_selftest_summary - one phrase per tested check */
void finit_selftest_summary(const struct finit_selftest *t, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < FINIT_CHECK_NR && n < len; i++) {
		if (!t->tested[i])
			continue;
		n += snprintf(buf + n, len - n, "%s%s %s%s%s", n ? ", " : "", check_names[i],
			      t->ok[i] ? "ok" : "FAILED (", t->ok[i] ? "" : t->why[i],
			      t->ok[i] ? "" : ")");
	}
}

/* finit_selftest_distrust - what failed the test labels nothing "kernel" */
void finit_selftest_distrust(const struct finit_selftest *t, struct finit_verify *v)
{
	static const enum finit_tier tier_of[FINIT_CHECK_NR] = {
		[FINIT_CHECK_NATIVE] = FINIT_TIER_NATIVE,
		[FINIT_CHECK_EPROBE] = FINIT_TIER_EPROBE,
		[FINIT_CHECK_KPROBE] = FINIT_TIER_KPROBE,
	};

	for (int c = 0; c < FINIT_CHECK_NR; c++)
		if (tier_of[c] && t->tested[c] && !t->ok[c])
			v->broken[tier_of[c]] = true;
}
