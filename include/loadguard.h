/* SPDX-License-Identifier: MIT */
/*
 * loadguard.h - the protected loads buffer: a second, small instance of ours
 * with module:module_load alone, so that a flood of failing calls, which
 * never fires module_load, cannot overwrite the record of a load. Its
 * records are matched against the main stream's; one the main stream lost
 * is handed to the pipeline, merged back in timestamp order per CPU.
 */
#ifndef FINIT_LOADGUARD_H
#define FINIT_LOADGUARD_H
#include <stddef.h>
#include "stream.h"

struct tep_handle;
struct tep_record;
struct finit_decoder;
struct finit_session;
struct finit_loadguard;
struct tracefs_instance;
struct finit_evsel;

/* Per-CPU buffer of the guard instance, in KiB (a module_load is ~50 bytes). */
#define FINIT_LOADGUARD_KB	64
/* How far apart the two instances' timestamps of one record may be. */
#define FINIT_LOADGUARD_WINDOW_NS	50000000ULL

/* What the guard did, for the summary. */
struct finit_loadguard_stats {
	unsigned long long	recovered;	/* loads the main buffer lost */
	unsigned long long	matched;	/* loads both buffers had */
	unsigned long long	lost;		/* the guard's own losses */
};

/*
 * finit_loadguard_open - "<instance>-loads" with module:module_load enabled,
 * the session's clock, FINIT_LOADGUARD_KB per CPU, tracing on. NULL with the
 * reason in @err (no module_load on this kernel, or tracefs refused).
 */
struct finit_loadguard *finit_loadguard_open(const struct finit_session *s,
					     struct finit_decoder *dec,
					     char *err, size_t errlen);
/*
 * finit_loadguard_alloc - the matching alone, without an instance (for the
 * unit tests); NULL without memory or when @tep has no module:module_load
 */
struct finit_loadguard *finit_loadguard_alloc(struct tep_handle *tep,
					      struct finit_decoder *dec, int ncpus);
/*
 * finit_loadguard_take - one record read from the guard's buffers: dropped
 * if the main stream delivered it, else kept (copied) until it is passed.
 * 0, or what @cb returned (it runs only when too many wait), -1 without memory.
 */
int finit_loadguard_take(struct finit_loadguard *g, struct tep_record *rec,
			 finit_record_cb cb, void *ctx);
/*
 * finit_loadguard_release - hand @cb each kept load the main stream has
 * passed on its CPU by more than the window (with @all: every one), in the
 * order read; 0, or the first negative return of @cb
 */
int finit_loadguard_release(struct finit_loadguard *g, int all, finit_record_cb cb, void *ctx);
/* finit_loadguard_note - a record the main stream delivered (before decoding it) */
void finit_loadguard_note(struct finit_loadguard *g, struct tep_record *rec);
/*
 * finit_loadguard_poll - read the guard's buffers; hand @cb each load the
 * main stream has passed without delivering; with @all (at the end) every
 * load still unmatched. Returns what @cb returned first when negative, else 0.
 */
int finit_loadguard_poll(struct finit_loadguard *g, int all, finit_record_cb cb, void *ctx);
/* finit_loadguard_stats - the counts so far (the guard's losses read now) */
void finit_loadguard_stats(struct finit_loadguard *g, struct finit_loadguard_stats *st);
/*
 * finit_loadguard_instance - its instance (NULL without one) and, in *@ev
 * and *@n, the events it enables: for the tamper check
 */
struct tracefs_instance *finit_loadguard_instance(const struct finit_loadguard *g,
						  const struct finit_evsel **ev, int *n);
/* finit_loadguard_close - close its fds and remove the instance; -1 if that failed */
int finit_loadguard_close(struct finit_loadguard *g);
#endif
