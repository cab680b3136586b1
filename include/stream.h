/* SPDX-License-Identifier: MIT */
/*
 * stream.h - the per-CPU stream: read every per_cpu/cpuN/trace_pipe_raw of
 * our instance from one thread, split the sub-buffers with kbuffer, and hand
 * the records to a callback in timestamp order.
 */
#ifndef FINIT_STREAM_H
#define FINIT_STREAM_H

#include <stddef.h>

struct tep_handle;
struct tep_record;
struct tracefs_instance;
struct finit_stream;

/* Called for each record; a negative return stops the stream. */
typedef int (*finit_record_cb)(struct tep_record *rec, void *ctx);

/*
 * Called once per wake-up (a read round, or the timeout), before its
 * records (may be NULL). A nonzero return stops the stream.
 */
typedef int (*finit_round_cb)(void *ctx);

/* Called for each raw sub-buffer as read, before its records are delivered. */
typedef int (*finit_page_cb)(int cpu, const void *page, size_t len, void *ctx);

/* finit_stream_open - open every CPU's trace_pipe_raw of @inst, non-blocking */
struct finit_stream *finit_stream_open(struct tracefs_instance *inst,
				       struct tep_handle *tep, int ncpus,
				       int subbuf_size, char *err, size_t errlen);

/* finit_stream_set_page_cb - also hand every raw sub-buffer to @cb (record) */
void finit_stream_set_page_cb(struct finit_stream *st, finit_page_cb cb, void *ctx);

/*
 * finit_stream_run - poll the CPUs and @sigfd (a signalfd) together and
 * deliver records until a signal arrives (returns its number), a callback
 * stops (returns 0), or an error (returns -1 with errno). With
 * @timeout_ms >= 0, @round is also called after that long without data.
 */
int finit_stream_run(struct finit_stream *st, int sigfd, int timeout_ms,
		     finit_round_cb round, finit_record_cb cb, void *ctx);

/* finit_stream_drain - deliver what is left in the buffers; 0 or -1 */
/* (pages go to the page callback too) */
int finit_stream_drain(struct finit_stream *st, finit_record_cb cb, void *ctx);

/*
 * finit_stream_missed - events the kernel reported lost on @cpu, from the
 * sub-buffer headers. *unknown is set when a page said "lost" without a count.
 */
unsigned long long finit_stream_missed(const struct finit_stream *st, int cpu, int *unknown);

/*
 * finit_stream_page_used - data bytes in a raw sub-buffer as read from
 * trace_pipe_raw (its header's commit, flags masked)
 */
size_t finit_stream_page_used(const struct finit_stream *st, const void *page);

/* finit_stream_records - records delivered so far */
unsigned long long finit_stream_records(const struct finit_stream *st);

/* finit_stream_cpu_records - records delivered so far from @cpu */
unsigned long long finit_stream_cpu_records(const struct finit_stream *st, int cpu);

/* finit_stream_load_page - split one sub-buffer (exposed for the unit tests) */
int finit_stream_load_page(struct finit_stream *st, int cpu, const void *page, size_t len);

/* finit_stream_alloc - a stream without files, fed by finit_stream_load_page */
struct finit_stream *finit_stream_alloc(struct tep_handle *tep, int ncpus, int subbuf_size);

/*
 * Called when the pages loaded for @cpu are used up (a file reader): load
 * the next ones with finit_stream_load_page. Returns 1 when it loaded some,
 * 0 at the end of that CPU's data, -1 on an error.
 */
typedef int (*finit_refill_cb)(struct finit_stream *st, int cpu, void *ctx);

/* finit_stream_set_refill - let finit_stream_deliver ask @cb for more pages */
void finit_stream_set_refill(struct finit_stream *st, finit_refill_cb cb, void *ctx);

enum { FINIT_GATE_WAIT, FINIT_GATE_GO, FINIT_GATE_REFILL };

/*
 * Called before a record of CPU @before goes out while @cpu has nothing
 * loaded: may @cpu still bring an older one? FINIT_GATE_GO: no;
 * FINIT_GATE_REFILL: it has pages now (refill it, then compare);
 * FINIT_GATE_WAIT: not known yet.
 */
typedef int (*finit_gate_cb)(struct finit_stream *st, int cpu, int before, void *ctx);

/*
 * finit_stream_set_gate - pages that come in pieces from several CPUs (the
 * drain's spool): with a gate, finit_stream_deliver returns 0 when it says
 * wait, and the next call goes on from the same place
 */
void finit_stream_set_gate(struct finit_stream *st, finit_gate_cb cb, void *ctx);

/*
 * finit_stream_deliver - deliver loaded pages in timestamp order (and, with
 * a refill callback, every page it gives); 1 if cb stopped, -1 if refill failed
 */
int finit_stream_deliver(struct finit_stream *st, finit_record_cb cb, void *ctx);

/* finit_stream_cpus, _subbuf, _fd - what a reader of its own needs */
int finit_stream_cpus(const struct finit_stream *st);
int finit_stream_subbuf(const struct finit_stream *st);
int finit_stream_fd(const struct finit_stream *st, int cpu);

/*
 * finit_stream_take_page - a sub-buffer of @cpu read by someone else (the
 * drain thread): handed to the page callback, then loaded for delivery.
 * 0; -1 when @cpu has a full load already; -2 when the page callback failed
 */
int finit_stream_take_page(struct finit_stream *st, int cpu, const void *page, size_t len);

/* finit_stream_close - close every fd and free (before destroying the instance) */
void finit_stream_close(struct finit_stream *st);

#endif
