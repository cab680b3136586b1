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

int finit_pipeline_record(struct finit_pipeline *p, struct tep_record *rec)
{
	struct finit_record r;
	struct finit_event ev;
	bool live = p->live;

	if (!finit_decoder_decode(p->dec, rec, &r))
		return 0;
	switch (r.kind) {
	case FINIT_REC_EXIT:
		return finit_correlate_exit(p->corr, &r);
	case FINIT_REC_MODULE_LOAD:
		return finit_correlate_module(p->corr, &r);
	case FINIT_REC_STRING:
		/* written just after its native enter, on the same CPU */
		finit_context_exact(finit_correlate_open(p->corr, r.tid), &r);
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
	if (r.kind == FINIT_REC_MODULE_FREE) {
		ev.module = strdup(r.str);
		ev.origin_module = ev.module ? FINIT_ORIGIN_KERNEL : FINIT_ORIGIN_NONE;
		return finit_correlate_done(p->corr, &ev);
	}
	finit_context_strings(&ev, &r, live && p->procfs);
	return finit_correlate_enter(p->corr, &ev);
}
