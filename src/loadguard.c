// SPDX-License-Identifier: MIT
/*
 * loadguard.c - the protected loads buffer. The kernel writes each
 * module_load into every instance that enables it, each with its own
 * timestamp a few microseconds apart, on the same CPU. A guard record is
 * the same load as a main-stream record with the same CPU, tid and module
 * name within FINIT_LOADGUARD_WINDOW_NS. One the main stream has passed on
 * that CPU without delivering was lost there (a flood overran it), and is
 * handed to the pipeline as the kernel recorded it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <tracefs.h>

#include "decoder.h"
#include "evsel.h"
#include "loadguard.h"
#include "session.h"

#define SEEN_PER_CPU	64	/* main-stream loads remembered per CPU */
#define PENDING_MAX	256	/* guard loads not matched yet */

/* One load, as its key. */
struct key {
	unsigned long long	ts;
	int			tid;
	uint32_t		name;	/* hash of the module name */
};

/* A guard record waiting for its main-stream twin. */
struct pending {
	struct key		k;
	int			cpu;
	void			*data;
	int			size;
};

struct finit_loadguard {
	struct tracefs_instance	*inst;
	char			name[160];
	struct finit_decoder	*dec;
	struct tep_handle	*tep;
	int			load_id;	/* module:module_load's event id */
	struct finit_stream	*st;
	int			ncpus;
	unsigned long long	*progress;	/* main stream's last ts per CPU */
	struct key		*seen;		/* SEEN_PER_CPU per CPU, a ring */
	unsigned int		*seen_next;
	struct pending		pend[PENDING_MAX];
	int			npend;
	struct finit_loadguard_stats stats;
};

/* name_hash - FNV-1a of a module name */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* key_of - the key of @rec if it is a module_load; 0 if not */
static int key_of(struct finit_loadguard *g, struct tep_record *rec, struct key *k)
{
	struct finit_record r;

	/* every main-stream record comes here: decode only the loads */
	if (!rec->data || rec->size < 8 || tep_data_type(g->tep, rec) != g->load_id ||
	    !finit_decoder_decode(g->dec, rec, &r) || r.kind != FINIT_REC_MODULE_LOAD)
		return 0;
	k->ts = r.ts;
	k->tid = r.tid;
	k->name = name_hash(r.str);
	return 1;
}

/* same_load - the two keys name one load */
static int same_load(const struct key *a, const struct key *b)
{
	unsigned long long d = a->ts > b->ts ? a->ts - b->ts : b->ts - a->ts;

	return a->tid == b->tid && a->name == b->name && d <= FINIT_LOADGUARD_WINDOW_NS;
}

/* what the guard's instance enables: module_load alone */
static const struct finit_evsel load_event = { "module", "module_load", "" };

/* make_instance - "<name>-loads": small buffers, the session's clock, module_load on */
static int make_instance(struct finit_loadguard *g, const struct finit_session *s,
			 char *err, size_t errlen)
{
	const char *what = "create it";

	snprintf(g->name, sizeof(g->name), "%s-loads", s->name);
	g->inst = tracefs_instance_create(g->name);
	if (!g->inst)
		goto fail;
	what = "set its buffer_size_kb";
	if (tracefs_trace_off(g->inst) < 0 ||
	    tracefs_instance_set_buffer_size(g->inst, FINIT_LOADGUARD_KB, -1) < 0)
		goto fail;
	what = "set its trace_clock";
	if (tracefs_instance_file_write(g->inst, "trace_clock", s->clock) < 0)
		goto fail;
	what = "enable module:module_load in it";
	if (tracefs_event_file_write(g->inst, load_event.sys, load_event.name, "enable", "1") < 0)
		goto fail;
	what = "turn tracing on in it";
	if (tracefs_trace_on(g->inst) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "protected loads buffer: cannot %s (instance %s): %s", what,
		 g->name, strerror(errno));
	return -1;
}

/* finit_loadguard_instance - g->inst (NULL for the tests' guard), and what it enables */
struct tracefs_instance *finit_loadguard_instance(const struct finit_loadguard *g,
						  const struct finit_evsel **ev, int *n)
{
	*ev = &load_event;
	*n = 1;
	return g ? g->inst : NULL;
}

/* finit_loadguard_alloc - the matching tables alone, no instance (tests) */
struct finit_loadguard *finit_loadguard_alloc(struct tep_handle *tep,
					      struct finit_decoder *dec, int ncpus)
{
	struct tep_event *ev = tep_find_event_by_name(tep, load_event.sys, load_event.name);
	struct finit_loadguard *g = ev ? calloc(1, sizeof(*g)) : NULL;

	if (!g)
		return NULL;
	g->tep = tep;
	g->load_id = ev->id;
	g->dec = dec;
	g->ncpus = ncpus;
	g->progress = calloc(ncpus, sizeof(*g->progress));
	g->seen = calloc((size_t)ncpus * SEEN_PER_CPU, sizeof(*g->seen));
	g->seen_next = calloc(ncpus, sizeof(*g->seen_next));
	if (g->progress && g->seen && g->seen_next)
		return g;
	finit_loadguard_close(g);
	return NULL;
}

/* finit_loadguard_open - the guard instance and its stream */
struct finit_loadguard *finit_loadguard_open(const struct finit_session *s,
					     struct finit_decoder *dec,
					     char *err, size_t errlen)
{
	struct finit_loadguard *g;

	if (!tracefs_event_file_exists(NULL, load_event.sys, load_event.name, "format")) {
		snprintf(err, errlen, "protected loads buffer: this kernel has no "
			 "module:module_load event");
		return NULL;
	}
	g = finit_loadguard_alloc(s->tep, dec, s->ncpus);
	if (!g) {
		snprintf(err, errlen, "out of memory, or no module_load format in the session");
		return NULL;
	}
	if (make_instance(g, s, err, errlen) < 0)
		goto fail;
	g->st = finit_stream_open(g->inst, s->tep, s->ncpus, finit_session_subbuf(g->inst),
				  err, errlen);
	if (!g->st)
		goto fail;
	return g;
fail:
	finit_loadguard_close(g);
	return NULL;
}

/* drop_pending - forget pending entry @i (the rest stay in the order read) */
static void drop_pending(struct finit_loadguard *g, int i)
{
	free(g->pend[i].data);
	memmove(&g->pend[i], &g->pend[i + 1], (size_t)(--g->npend - i) * sizeof(g->pend[0]));
}

/* finit_loadguard_note - main-stream progress, and the loads it delivered */
void finit_loadguard_note(struct finit_loadguard *g, struct tep_record *rec)
{
	struct key k;

	if (!g || rec->cpu < 0 || rec->cpu >= g->ncpus)
		return;
	if (rec->ts > g->progress[rec->cpu])
		g->progress[rec->cpu] = rec->ts;
	if (!key_of(g, rec, &k))
		return;
	for (int i = 0; i < g->npend; i++) {
		if (g->pend[i].cpu == rec->cpu && same_load(&g->pend[i].k, &k)) {
			g->stats.matched++;
			drop_pending(g, i);
			return;
		}
	}
	g->seen[rec->cpu * SEEN_PER_CPU + g->seen_next[rec->cpu]++ % SEEN_PER_CPU] = k;
}

/* inject - hand pending entry @i to @cb as the record the kernel wrote */
static int inject(struct finit_loadguard *g, int i, finit_record_cb cb, void *ctx)
{
	struct tep_record rec = {
		.ts = g->pend[i].k.ts, .cpu = g->pend[i].cpu,
		.data = g->pend[i].data, .size = g->pend[i].size,
	};
	int ret;

	g->stats.recovered++;
	ret = cb(&rec, ctx);
	drop_pending(g, i);
	return ret;
}

/* seen_in_main - the main stream delivered this load already */
static int seen_in_main(struct finit_loadguard *g, int cpu, const struct key *k)
{
	struct key *ring = g->seen + (size_t)cpu * SEEN_PER_CPU;

	for (int i = 0; i < SEEN_PER_CPU; i++) {
		if (ring[i].ts && same_load(&ring[i], k)) {
			memset(&ring[i], 0, sizeof(ring[i]));
			return 1;
		}
	}
	return 0;
}

/* finit_loadguard_take - a guard record: matched already, or kept until passed */
int finit_loadguard_take(struct finit_loadguard *g, struct tep_record *rec,
			 finit_record_cb cb, void *ctx)
{
	struct pending *p;
	struct key k;
	int ret;

	if (rec->cpu < 0 || rec->cpu >= g->ncpus || !key_of(g, rec, &k))
		return 0;
	if (seen_in_main(g, rec->cpu, &k)) {
		g->stats.matched++;
		return 0;
	}
	/* full: the oldest is reported now rather than dropped */
	if (g->npend == PENDING_MAX && (ret = inject(g, 0, cb, ctx)) < 0)
		return ret;
	p = &g->pend[g->npend];
	p->data = malloc(rec->size);
	if (!p->data)
		return -1;
	memcpy(p->data, rec->data, rec->size);
	p->size = rec->size;
	p->cpu = rec->cpu;
	p->k = k;
	g->npend++;
	return 0;
}

/* finit_loadguard_release - hand @cb the loads the main stream passed (@all: every one) */
int finit_loadguard_release(struct finit_loadguard *g, int all, finit_record_cb cb, void *ctx)
{
	for (int i = 0; i < g->npend;) {
		const struct pending *p = &g->pend[i];
		int ret;

		if (!all && g->progress[p->cpu] <= p->k.ts + FINIT_LOADGUARD_WINDOW_NS) {
			i++;
			continue;
		}
		if ((ret = inject(g, i, cb, ctx)) < 0)
			return ret;
	}
	return 0;
}

/* Context of one read of the guard's buffers. */
struct take_ctx {
	struct finit_loadguard	*g;
	finit_record_cb		cb;
	void			*ctx;
};

/* take - finit_loadguard_take as a stream callback */
static int take(struct tep_record *rec, void *arg)
{
	struct take_ctx *t = arg;

	return finit_loadguard_take(t->g, rec, t->cb, t->ctx);
}

/* finit_loadguard_poll - read the guard; report the loads the main stream lost */
int finit_loadguard_poll(struct finit_loadguard *g, int all, finit_record_cb cb, void *ctx)
{
	struct take_ctx t = { .g = g, .cb = cb, .ctx = ctx };

	if (!g)
		return 0;
	if (finit_stream_drain(g->st, take, &t) < 0 && errno != EAGAIN)
		return -1;
	return finit_loadguard_release(g, all, cb, ctx);
}

/* finit_loadguard_stats - counts, and what the guard's own buffers lost */
void finit_loadguard_stats(struct finit_loadguard *g, struct finit_loadguard_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!g)
		return;
	*st = g->stats;
	for (int cpu = 0; g->st && cpu < g->ncpus; cpu++) {
		int unknown = 0;

		st->lost += finit_stream_missed(g->st, cpu, &unknown) + unknown;
	}
}

/* finit_loadguard_close - fds first, then the instance */
int finit_loadguard_close(struct finit_loadguard *g)
{
	int ret = 0;

	if (!g)
		return 0;
	finit_stream_close(g->st);
	if (g->inst) {
		tracefs_trace_off(g->inst);
		tracefs_event_file_write(g->inst, load_event.sys, load_event.name, "enable", "0");
		if (tracefs_instance_destroy(g->inst) < 0)
			ret = -1;
		tracefs_instance_free(g->inst);
	}
	while (g->npend)
		drop_pending(g, 0);
	free(g->progress);
	free(g->seen);
	free(g->seen_next);
	free(g);
	return ret;
}
