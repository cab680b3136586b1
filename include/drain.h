/* SPDX-License-Identifier: MIT */
/*
 * drain.h - drain first, decode second: a thread of its own (at a higher
 * priority) reads whole sub-buffers from every CPU's trace_pipe_raw as soon
 * as they are there and puts them in a spool; the caller's thread takes
 * them from the spool and delivers their records through the stream, so
 * slow decoding, /proc reads or output never make the kernel overwrite.
 * After a quiet spell the caller's thread reads a lone record itself, as a
 * second producer taking turns with the thread (finit_spool_produce).
 */
#ifndef FINIT_DRAIN_H
#define FINIT_DRAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "spool.h"
#include "stream.h"

struct finit_drain;

/*
 * finit_drain_start - the drain thread on @st's CPUs, with a spool of
 * @mem_bytes in memory and @file_bytes in an unlinked file. NULL with the
 * reason in @err.
 */
struct finit_drain *finit_drain_start(struct finit_stream *st, size_t mem_bytes,
				      size_t file_bytes, char *err, size_t errlen);

/*
 * finit_drain_run - deliver what the thread spools until a signal on
 * @sigfd (returned), a callback stops (0), or an error (-1, errno set: the
 * thread's own, as soon as it failed, with finit_drain_failed true); @round
 * runs at every wake-up (@watchfd readable is one; -1: none) and every
 * @timeout_ms (-1: none)
 */
int finit_drain_run(struct finit_drain *d, int sigfd, int watchfd, int timeout_ms,
		    finit_round_cb round, finit_record_cb cb, void *ctx);

/*
 * finit_drain_finish - stop the thread after it read what the buffers
 * still hold, then deliver all that is spooled; 0 or -1 (the thread's
 * failure too, unless finit_drain_run returned it)
 */
int finit_drain_finish(struct finit_drain *d, finit_record_cb cb, void *ctx);

/* finit_drain_failed - the thread stopped on an error before it was told to */
bool finit_drain_failed(struct finit_drain *d);

/*
 * finit_drain_helped - how often finit_drain_run read records itself: a
 * CPU's buffer woke it after a quiet spell of at least 200 us while the
 * thread was not reading (a lone record then skips the thread's wake-up)
 */
unsigned long long finit_drain_helped(const struct finit_drain *d);

/*
 * finit_drain_set_watermark - say when the instance's buffer_percent is
 * above 0: poll() then no longer tells an empty CPU, and only a read that
 * finds one empty lets older records of other CPUs go out before its own
 */
void finit_drain_set_watermark(struct finit_drain *d, bool on);

/* finit_drain_waiting - bytes spooled and not yet delivered */
size_t finit_drain_waiting(struct finit_drain *d);

/* finit_drain_stats - the spool's counters */
void finit_drain_stats(struct finit_drain *d, struct finit_spool_stats *st);

/* finit_drain_free - stop the thread if it runs, free everything */
void finit_drain_free(struct finit_drain *d);

#endif
