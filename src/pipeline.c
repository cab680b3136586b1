// SPDX-License-Identifier: MIT
/*
 * pipeline.c - the one path every record takes, live or offline.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "correlate.h"
#include "decoder.h"
#include "event.h"
#include "log.h"
#include "metrics.h"
#include "pipeline.h"
#include "policy.h"

/* procfs_now - /proc may be read for this record: live, wanted, not behind */
static bool procfs_now(const struct finit_pipeline *p)
{
	return p->live && p->procfs && !p->behind;
}

/* mark_skipped - what only /proc could give, left out under backlog */
static void mark_skipped(struct finit_pipeline *p, struct finit_event *ev)
{
	if (!ev->skipped)
		p->skipped++;
	ev->skipped = true;
	if (!ev->proc.valid)
		ev->origin_context = FINIT_ORIGIN_SKIPPED;
	if (ev->sys == FINIT_SYS_FINIT_MODULE && !ev->path)
		ev->origin_path = FINIT_ORIGIN_SKIPPED;
	/* (context.c calls a string it was not let read "offline") */
	if (finit_names_str_arg(ev->sys) >= 0 && !ev->param_values && !ev->module &&
	    !ev->str_pending && (ev->origin_str == FINIT_ORIGIN_NONE ||
				 ev->origin_str == FINIT_ORIGIN_OFFLINE))
		ev->origin_str = FINIT_ORIGIN_SKIPPED;
	if (ev->sys == FINIT_SYS_DELETE_MODULE && !ev->module &&
	    ev->origin_str == FINIT_ORIGIN_SKIPPED)
		ev->origin_module = FINIT_ORIGIN_SKIPPED;
}

/*
 * string_fallback - @ev waited for a probe's string that did not come, or
 * could not be used: the next tier, /proc while live, else null with why
 */
static void string_fallback(struct finit_pipeline *p, struct finit_event *ev, bool fault)
{
	struct finit_record none = { .sys = ev->sys, .tid = ev->tid,
				     .str_state = fault ? FINIT_STR_FAULT : FINIT_STR_NONE };

	ev->str_pending = false;
	finit_context_strings(ev, &none, procfs_now(p));
	if (p->behind)
		mark_skipped(p, ev);
}

/*
 * catch_up - a successful load that was left unenriched under backlog
 * keeps priority: /proc now, at its exit (best effort: TOCTOU)
 */
static void catch_up(struct finit_pipeline *p, struct finit_event *ev)
{
	bool behind = p->behind;

	p->behind = false;
	finit_context_procfs(ev, p->hash, p->tracee_ids);
	if (finit_names_str_arg(ev->sys) >= 0 && !ev->param_values && !ev->str_pending &&
	    ev->origin_str == FINIT_ORIGIN_SKIPPED)
		string_fallback(p, ev, false);
	if (ev->proc.valid || ev->path)
		ev->skipped = false;
	p->behind = behind;
}

/*
 * A string record can come before its enter: the kernel writes a filtered
 * event to a per-CPU scratch buffer first and copies it into the ring
 * buffer after its triggers (our eprobe) have written theirs. Such a
 * record waits here, by tid, for the enter (or goes at the tid's exit).
 */
#define STASH_MAX	64

struct stash_entry {
	bool			used;
	struct finit_record	r;	/* str and comm point into the copies */
	char			*str;
	char			*comm;
};

struct finit_stash {
	struct stash_entry	e[STASH_MAX];
	unsigned int		next;	/* slot to reuse when full */
};

/* stash_free_entry - release one entry's copies */
static void stash_free_entry(struct stash_entry *e)
{
	free(e->str);
	free(e->comm);
	memset(e, 0, sizeof(*e));
}

/* stash_find - the waiting string record of @tid, or NULL */
static struct stash_entry *stash_find(struct finit_pipeline *p, int tid)
{
	for (int i = 0; p->stash && i < STASH_MAX; i++)
		if (p->stash->e[i].used && p->stash->e[i].r.tid == tid)
			return &p->stash->e[i];
	return NULL;
}

/* stash_put - keep a copy of @r until its enter comes (the oldest goes when full) */
static void stash_put(struct finit_pipeline *p, const struct finit_record *r)
{
	struct stash_entry *e = stash_find(p, r->tid);

	if (!p->stash && !(p->stash = calloc(1, sizeof(*p->stash))))
		return;
	for (int i = 0; !e && i < STASH_MAX; i++)
		if (!p->stash->e[i].used)
			e = &p->stash->e[i];
	if (!e)
		e = &p->stash->e[p->stash->next++ % STASH_MAX];
	stash_free_entry(e);
	e->used = true;
	e->r = *r;
	e->str = r->str ? strdup(r->str) : NULL;
	e->comm = r->comm ? strdup(r->comm) : NULL;
	e->r.str = e->str;
	e->r.comm = e->comm;
	if (r->str && !e->str)
		e->r.str_state = FINIT_STR_FAULT;
}

/* finit_pipeline_release - free what the pipeline keeps between records */
void finit_pipeline_release(struct finit_pipeline *p)
{
	for (int i = 0; p->stash && i < STASH_MAX; i++)
		stash_free_entry(&p->stash->e[i]);
	free(p->stash);
	p->stash = NULL;
}

/* Calls in flight at most, before the oldest is emitted without its exit. */
#define MAX_PENDING	4096

/*
 * judged - a finished call: the policy's verdict, counted (and in the
 * metrics), then to the caller's callback
 */
static int judged(const struct finit_event *done, void *arg)
{
	struct finit_pipeline *p = arg;
	struct finit_event ev;

	/* no policy: the verdict is none, as every event starts (no copy) */
	if (!p->policy && done->verdict == FINIT_VERDICT_NONE && !done->rule) {
		p->verdicts[FINIT_VERDICT_NONE]++;
		finit_metrics_count(p->metrics, done);
		return p->cb(done, p->cb_arg);
	}
	ev = *done;	/* the strings stay the correlator's */
	finit_policy_judge(p->policy, &ev);
	p->verdicts[ev.verdict]++;
	finit_metrics_count(p->metrics, &ev);
	return p->cb(&ev, p->cb_arg);
}

/* finit_pipeline_verdicts - the policy's count on stderr, when there is one */
void finit_pipeline_verdicts(const struct finit_pipeline *p)
{
	const unsigned long long *v = p->verdicts;

	if (!p->policy)
		return;
	finit_log(v[FINIT_VERDICT_DENY] ? FINIT_LOG_WARNING : FINIT_LOG_INFO, "policy: %llu "
		  "event(s) allowed, %llu DENIED", v[FINIT_VERDICT_ALLOW], v[FINIT_VERDICT_DENY]);
}

/* finit_pipeline_exit - @ret, or FINIT_EXIT_DENIED for --fail-on-deny after a denial */
int finit_pipeline_exit(const struct finit_pipeline *p, bool fail_on_deny, int ret)
{
	if (ret == FINIT_EXIT_OK && fail_on_deny && p->verdicts[FINIT_VERDICT_DENY])
		return FINIT_EXIT_DENIED;
	return ret;
}

/* finit_pipeline_open - take @dec and @ctx, make the correlator */
int finit_pipeline_open(struct finit_pipeline *p, struct finit_decoder *dec,
			struct finit_context *ctx, finit_emit_cb cb, void *arg,
			const char *kernel)
{
	memset(p, 0, sizeof(*p));
	p->dec = dec;
	p->ctx = ctx;
	finit_verify_init(&p->verify, kernel);
	p->cb = cb;
	p->cb_arg = arg;
	p->corr = finit_correlate_alloc(MAX_PENDING, judged, p);
	if (dec && ctx && p->corr)
		return 0;
	finit_pipeline_close(p);
	return -1;
}

/* finit_pipeline_close - decoder, context, correlator, waiting records */
void finit_pipeline_close(struct finit_pipeline *p)
{
	finit_pipeline_release(p);
	finit_decoder_free(p->dec);
	finit_correlate_free(p->corr);
	finit_context_free(p->ctx);
	memset(p, 0, sizeof(*p));
}

/* apply_string - a string record's string for @ev, if the cross-check passes */
static void apply_string(struct finit_pipeline *p, struct finit_event *ev,
			 const struct finit_record *r)
{
	enum finit_verdict v = finit_verify_string(&p->verify, ev, r);

	if (v == FINIT_VERIFY_OK) {
		finit_context_exact(ev, r);
		ev->str_pending = false;
		return;
	}
	/* the same call, as its arguments say: the comm at the call still holds */
	if (v == FINIT_VERIFY_FAULT)
		finit_context_recorded_comm(ev, r->comm);
	if (ev->str_pending)
		string_fallback(p, ev, r->str_state == FINIT_STR_FAULT);
}

/*
 * on_string - the record of our eprobe or kprobe beside the syscall event:
 * for the call of its tid in flight, or kept until that call's enter
 */
static void on_string(struct finit_pipeline *p, const struct finit_record *r)
{
	struct finit_event *ev = finit_correlate_open(p->corr, r->tid);

	if (ev && ev->sys == r->sys)
		apply_string(p, ev, r);
	else
		stash_put(p, r);
}

/* waiting_string - a string record that came before @ev's enter */
static void waiting_string(struct finit_pipeline *p, struct finit_event *ev)
{
	struct stash_entry *e = stash_find(p, ev->tid);

	if (!e)
		return;
	if (e->r.sys == ev->sys)
		apply_string(p, ev, &e->r);
	stash_free_entry(e);
}

/* on_exit_record - a call waiting for its string still has none: fall back now */
static int on_exit_record(struct finit_pipeline *p, const struct finit_record *r)
{
	struct finit_event *ev = finit_correlate_open(p->corr, r->tid);
	struct stash_entry *e = stash_find(p, r->tid);

	if (e)
		stash_free_entry(e);	/* its call was filtered out */
	if (ev && ev->sys == r->sys && ev->str_pending)
		string_fallback(p, ev, false);
	if (ev && ev->sys == r->sys && ev->skipped && r->ret == 0 && ev->sys != FINIT_SYS_DELETE_MODULE &&
	    p->live && p->procfs)
		catch_up(p, ev);
	return finit_correlate_exit(p->corr, r);
}

/*
 * enter_strings - the enter's own string (native tier), or none yet when a
 * trusted probe's string record follows; else the next tier at once
 */
static void enter_strings(struct finit_pipeline *p, struct finit_event *ev,
			  const struct finit_record *r)
{
	enum finit_tier follows = finit_decoder_string_tier(p->dec, r->sys);
	struct finit_record own = *r;

	if (r->tier && !finit_verify_usable(&p->verify, r->tier)) {
		own.str = NULL;
		own.str_state = FINIT_STR_NONE;
	}
	if (own.str_state == FINIT_STR_NONE && !r->compat && !r->raw &&
	    finit_verify_usable(&p->verify, follows)) {
		ev->str_pending = true;
		return;
	}
	/* a string record that follows may still replace this (exact bytes) */
	finit_context_strings(ev, &own, procfs_now(p));
}

/* module_event - module_free, or a module_load that joined no call */
static int module_event(struct finit_pipeline *p, struct finit_event *ev,
			const struct finit_record *r)
{
	ev->module = strdup(r->str);
	ev->origin_module = ev->module ? FINIT_ORIGIN_KERNEL : FINIT_ORIGIN_NONE;
	if (r->kind == FINIT_REC_MODULE_LOAD) {
		ev->taints = r->taints;
		ev->has_taints = true;
	}
	return finit_correlate_done(p->corr, ev);
}

/* behind - the caller says records wait, or this one is old already */
static bool behind(const struct finit_pipeline *p, const struct finit_record *r)
{
	struct timespec now;
	long long trace_now;

	if (p->backlog)
		return true;
	clock_gettime(CLOCK_REALTIME, &now);
	trace_now = now.tv_sec * 1000000000LL + now.tv_nsec - p->clock_offset_ns;
	return trace_now - (long long)r->ts > FINIT_BACKLOG_AGE_NS;
}

/* enrich - comm and tgid, then what /proc says (live), or why not */
static void enrich(struct finit_pipeline *p, struct finit_event *ev,
		   const struct finit_record *r)
{
	/* first: context.c takes the tgid from this read of status */
	if (procfs_now(p))
		finit_context_procfs(ev, p->hash, p->tracee_ids);
	/* every read of saved_cmdlines holds the lock the kernel only trylocks
	 * to save a comm: a reader that need not know now stays away */
	if (!p->defer_context)
		finit_context_fill(p->ctx, ev, procfs_now(p));
	finit_context_recorded_comm(ev, r->comm);
	if (p->live && !p->defer_context && (ev->pid < 0 || !ev->comm[0]))
		p->unknown_task++;
	if (!p->live) {
		ev->origin_context = FINIT_ORIGIN_OFFLINE;
		if (r->sys == FINIT_SYS_FINIT_MODULE)
			ev->origin_path = FINIT_ORIGIN_OFFLINE;
	}
}

/* finit_pipeline_record - decode, filter, enrich and queue one record */
int finit_pipeline_record(struct finit_pipeline *p, struct tep_record *rec)
{
	struct finit_record r;
	struct finit_event ev;
	bool live = p->live;

	if (!finit_decoder_decode(p->dec, rec, &r))
		return 0;
	switch (r.kind) {
	case FINIT_REC_EXIT:
		return on_exit_record(p, &r);
	case FINIT_REC_MODULE_LOAD:
		/* every load is reported: joined to its call, or on its own */
		if (finit_correlate_module(p->corr, &r))
			return 0;
		break;
	case FINIT_REC_STRING:
		on_string(p, &r);
		return 0;
	case FINIT_REC_MODULE_FREE:
	case FINIT_REC_ENTER:
		break;
	}
	if (!finit_decoder_match(p->dec, &r))
		return 0;
	finit_event_init(&ev, &r, p->clock_offset_ns);
	/* a load made it through: /proc for it even when behind */
	p->behind = live && r.kind != FINIT_REC_MODULE_LOAD && behind(p, &r);
	enrich(p, &ev, &r);
	if (r.kind != FINIT_REC_ENTER) {
		if (p->behind)
			mark_skipped(p, &ev);
		return module_event(p, &ev, &r);
	}
	enter_strings(p, &ev, &r);
	waiting_string(p, &ev);
	if (p->behind)
		mark_skipped(p, &ev);
	return finit_correlate_enter(p->corr, &ev);
}
