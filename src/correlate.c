// SPDX-License-Identifier: MIT
/*
 * correlate.c - a FIFO of calls in enter order; exits fill in ret, and the
 * head is emitted as soon as it is complete.
 */
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "event.h"

struct slot {
	struct finit_event	ev;
	int			done;
};

struct finit_correlator {
	struct slot		*ring;
	size_t			cap;
	size_t			head;	/* oldest */
	size_t			count;
	finit_emit_cb		cb;
	void			*ctx;
	struct finit_corr_stats	stats;
};

struct finit_correlator *finit_correlate_alloc(size_t max_pending,
					       finit_emit_cb cb, void *ctx)
{
	struct finit_correlator *c;

	if (!max_pending)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->ring = calloc(max_pending, sizeof(*c->ring));
	if (!c->ring) {
		free(c);
		return NULL;
	}
	c->cap = max_pending;
	c->cb = cb;
	c->ctx = ctx;
	return c;
}

void finit_correlate_free(struct finit_correlator *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++)
		finit_event_release(&c->ring[(c->head + i) % c->cap].ev);
	free(c->ring);
	free(c);
}

/* pop_head - emit the oldest slot, whatever its state */
static int pop_head(struct finit_correlator *c)
{
	struct slot *s = &c->ring[c->head];
	int ret;

	c->head = (c->head + 1) % c->cap;
	c->count--;
	/* empty: start again at the first slot, which a flood keeps in cache */
	if (!c->count)
		c->head = 0;
	c->stats.emitted++;
	ret = c->cb(&s->ev, c->ctx);
	finit_event_release(&s->ev);
	s->done = 0;	/* out of the ring's range now: the next push fills it */
	return ret;
}

/* emit_ready - emit completed calls from the head, in enter order */
static int emit_ready(struct finit_correlator *c)
{
	while (c->count && c->ring[c->head].done)
		if (pop_head(c) < 0)
			return -1;
	return 0;
}

/*
 * emit_done - the table is full and its head still waits for its exit (a
 * module load takes milliseconds, and a flood of quick calls goes on
 * meanwhile): emit every complete call now, out of enter order, and keep
 * the open ones (in order) for their exits. Without this the open call
 * would be evicted, its ret and module lost, although it is the one that
 * matters.
 */
static int emit_done(struct finit_correlator *c)
{
	size_t kept = 0, n = c->count;
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		struct slot *s = &c->ring[(c->head + i) % c->cap];

		if (s->done) {
			c->stats.emitted++;
			if (c->cb(&s->ev, c->ctx) < 0)
				ret = -1;
			finit_event_release(&s->ev);
			memset(s, 0, sizeof(*s));
		} else {
			struct slot *d = &c->ring[(c->head + kept) % c->cap];

			if (d != s) {
				*d = *s;
				memset(s, 0, sizeof(*s));
			}
			kept++;
		}
	}
	c->count = kept;
	return ret;
}

/* push - queue @ev (taking its strings); @done: it needs no exit */
static int push(struct finit_correlator *c, struct finit_event *ev, int done)
{
	struct slot *s;

	if (c->count == c->cap && !c->ring[c->head].done && emit_done(c) < 0)
		return -1;
	if (c->count == c->cap) {
		struct finit_event *old = &c->ring[c->head].ev;

		if (!c->ring[c->head].done) {
			old->origin_ret = FINIT_ORIGIN_DROPPED;
			c->stats.evicted++;
		}
		if (pop_head(c) < 0 || emit_ready(c) < 0)
			return -1;
	}
	s = &c->ring[(c->head + c->count) % c->cap];
	s->ev = *ev;
	s->done = done;
	if (!done)
		s->ev.origin_ret = FINIT_ORIGIN_PENDING;
	finit_event_disown(ev);		/* the strings are ours now */
	c->count++;
	return done ? emit_ready(c) : 0;
}

/*
 * close_older - a thread makes one syscall at a time: its open calls older
 * than @newer lost their exit (e.g. to a full ring buffer). Close them, or
 * they would hold back everything behind them.
 */
static void close_older(struct finit_correlator *c, int tid, size_t newer)
{
	for (size_t i = 0; i < newer; i++) {
		struct slot *s = &c->ring[(c->head + i) % c->cap];

		if (!s->done && s->ev.tid == tid) {
			s->ev.origin_ret = FINIT_ORIGIN_LOST;
			s->done = 1;
			c->stats.exit_lost++;
		}
	}
}

int finit_correlate_enter(struct finit_correlator *c, struct finit_event *ev)
{
	int tid = ev->tid;

	if (push(c, ev, 0) < 0)
		return -1;
	close_older(c, tid, c->count - 1);
	return emit_ready(c);
}

int finit_correlate_done(struct finit_correlator *c, struct finit_event *ev)
{
	return push(c, ev, 1);
}

/* open_call - the newest call of @tid still waiting for its exit, or NULL */
static struct slot *open_call(struct finit_correlator *c, int tid)
{
	for (size_t i = c->count; i-- > 0;) {
		struct slot *s = &c->ring[(c->head + i) % c->cap];

		if (!s->done && s->ev.tid == tid)
			return s;
	}
	return NULL;
}

struct finit_event *finit_correlate_open(struct finit_correlator *c, int tid)
{
	struct slot *s = open_call(c, tid);

	return s ? &s->ev : NULL;
}

int finit_correlate_module(struct finit_correlator *c, const struct finit_record *r)
{
	struct slot *s = open_call(c, r->tid);

	/* module_load fires inside finit_module or init_module, in the caller */
	if (!s || s->ev.sys == FINIT_SYS_DELETE_MODULE || s->ev.module || !r->str)
		return 0;
	s->ev.module = strdup(r->str);
	s->ev.taints = r->taints;
	s->ev.has_taints = true;
	s->ev.origin_module = s->ev.module ? FINIT_ORIGIN_KERNEL : FINIT_ORIGIN_NONE;
	return 1;
}

int finit_correlate_exit(struct finit_correlator *c, const struct finit_record *r)
{
	/* A thread has at most one module syscall in flight: the newest one. */
	struct slot *s = open_call(c, r->tid);

	if (!s || s->ev.sys != r->sys)
		return 0;	/* its enter predates us, or the filter dropped it */
	close_older(c, r->tid, (size_t)(s - c->ring + c->cap - c->head) % c->cap);
	s->ev.ret = r->ret;
	s->ev.origin_ret = FINIT_ORIGIN_KERNEL;
	s->done = 1;
	return emit_ready(c);
}

int finit_correlate_flush(struct finit_correlator *c)
{
	while (c->count) {
		if (!c->ring[c->head].done)
			c->stats.unfinished++;
		if (pop_head(c) < 0)
			return -1;
	}
	return 0;
}

void finit_correlate_stats(const struct finit_correlator *c, struct finit_corr_stats *st)
{
	*st = c->stats;
}
