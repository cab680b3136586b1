/* SPDX-License-Identifier: MIT */
/*
 * correlate.h - join each enter with its exit (by tid) into one finit_event,
 * emitted in the order of the enter timestamps.
 */
#ifndef FINIT_CORRELATE_H
#define FINIT_CORRELATE_H

#include <stddef.h>

#include "finit.h"

struct finit_correlator;

/* Called for each finished event; a negative return stops the caller. */
typedef int (*finit_emit_cb)(const struct finit_event *ev, void *ctx);

struct finit_corr_stats {
	unsigned long long	emitted;	/* events handed to the callback */
	unsigned long long	evicted;	/* emitted early: pending table full */
	unsigned long long	unfinished;	/* emitted at flush without an exit */
	unsigned long long	exit_lost;	/* a newer call of the thread came first */
};

/* finit_correlate_alloc - at most @max_pending calls may wait for their exit */
struct finit_correlator *finit_correlate_alloc(size_t max_pending,
					       finit_emit_cb cb, void *ctx);
void finit_correlate_free(struct finit_correlator *c);

/*
 * finit_correlate_enter - queue a call; emits what is complete. The
 * correlator takes @ev's strings (and NULLs them in @ev).
 */
int finit_correlate_enter(struct finit_correlator *c, struct finit_event *ev);

/* finit_correlate_done - queue an event that has no exit (module_free) */
int finit_correlate_done(struct finit_correlator *c, struct finit_event *ev);

/* finit_correlate_open - the call @tid has in flight (not yet exited), or NULL */
struct finit_event *finit_correlate_open(struct finit_correlator *c, int tid);

/*
 * finit_correlate_module - module:module_load joins the open load of its
 * tid: 1 if it did, 0 if there is none (the caller reports it on its own)
 */
int finit_correlate_module(struct finit_correlator *c, const struct finit_record *r);

/* finit_correlate_exit - give the newest open call of @r->tid its return value */
int finit_correlate_exit(struct finit_correlator *c, const struct finit_record *r);

/* finit_correlate_flush - emit everything still pending, ret null */
int finit_correlate_flush(struct finit_correlator *c);

/* finit_correlate_stats - counters so far */
void finit_correlate_stats(const struct finit_correlator *c, struct finit_corr_stats *st);

#endif
