// SPDX-License-Identifier: MIT
/*
 * pipeline.c - the one path every record takes, live or offline.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "correlate.h"
#include "decode.h"
#include "pipeline.h"

/*
 * string_fallback - @ev waited for a probe's string that did not come, or
 * could not be used: the next tier, /proc while live, else null with why
 */
static void string_fallback(struct finit_pipeline *p, struct finit_event *ev, bool fault)
{
	struct finit_record none = { .sys = ev->sys, .tid = ev->tid,
				     .str_state = fault ? FINIT_STR_FAULT : FINIT_STR_NONE };

	ev->str_pending = false;
	finit_context_strings(ev, &none, p->live && p->procfs);
}

/*
 * on_string - the record of our eprobe or kprobe beside the syscall event
 * (written just after it): its string replaces what the enter had, if the
 * cross-check passes
 */
static void on_string(struct finit_pipeline *p, const struct finit_record *r)
{
	struct finit_event *ev = finit_correlate_open(p->corr, r->tid);

	if (!ev || ev->sys != r->sys)
		return;
	if (finit_verify_string(&p->verify, ev, r)) {
		finit_context_exact(ev, r);
		ev->str_pending = false;
	} else if (ev->str_pending) {
		string_fallback(p, ev, r->str_state == FINIT_STR_FAULT);
	}
}

/* on_exit_record - a call waiting for its string still has none: fall back now */
static int on_exit_record(struct finit_pipeline *p, const struct finit_record *r)
{
	struct finit_event *ev = finit_correlate_open(p->corr, r->tid);

	if (ev && ev->sys == r->sys && ev->str_pending)
		string_fallback(p, ev, false);
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
	finit_context_strings(ev, &own, p->live && p->procfs);
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
	/* every read of saved_cmdlines holds the lock the kernel only trylocks
	 * to save a comm: a reader that need not know now stays away */
	if (!p->defer_context)
		finit_context_fill(p->ctx, &ev, live && p->procfs);
	finit_context_recorded_comm(&ev, r.comm);
	if (live && p->procfs) {
		finit_context_procfs(&ev, p->hash);
	} else if (!live) {
		ev.origin_context = FINIT_ORIGIN_OFFLINE;
		if (r.sys == FINIT_SYS_FINIT_MODULE)
			ev.origin_path = FINIT_ORIGIN_OFFLINE;
	}
	if (r.kind != FINIT_REC_ENTER)
		return module_event(p, &ev, &r);
	enter_strings(p, &ev, &r);
	return finit_correlate_enter(p->corr, &ev);
}
