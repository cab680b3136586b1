/* SPDX-License-Identifier: MIT */
/*
 * live.h - the lifecycle shared by watch and record: signals, the session,
 * the pipeline, the per-CPU stream, the stop and drain, and the summary.
 */
#ifndef FINIT_LIVE_H
#define FINIT_LIVE_H

#include "config.h"
#include "correlate.h"
#include "pipeline.h"
#include "session.h"
#include "drain.h"
#include "stream.h"
struct finit_loadguard;

struct finit_live {
	struct finit_session	s;
	struct finit_pipeline	p;
	struct finit_stream	*st;
	struct finit_drain	*drain;		/* the thread that reads st's CPUs */
	struct finit_loadguard	*guard;		/* the protected loads buffer */
	long long		guard_polled;	/* CLOCK_MONOTONIC ns of its last read */
	int			guard_err;	/* errno of a failed read of it: the run ends */
	struct finit_tamper	*tamper;	/* the instance's settings when armed */
	int			tampered;	/* changes found to them, or reset counters */
	bool			finished;	/* tracing off, the buffers read to the end */
	int			sigfd;
	int			output_failed;	/* the event callback stopped us */
};

/*
 * finit_live_open - block @extra signals besides SIGINT, SIGTERM and SIGHUP
 * into a signalfd, set up everything, and arm tracing; @on_event gets each
 * finished call. Prints "finit-ftrace: armed: ..." on stderr. Returns an
 * exit code; on failure everything is torn down and the reason printed.
 */
int finit_live_open(struct finit_live *l, const struct finit_config *cfg,
		    const int *extra, finit_emit_cb on_event, void *ctx);

/*
 * finit_live_run - stream until a signal (returned), the callback stops
 * (0), an error (-1); @round runs at every wake-up, and every @timeout_ms.
 */
int finit_live_run(struct finit_live *l, int timeout_ms, finit_round_cb round, void *ctx);

/*
 * finit_live_set_wakeup - wake the reader when @percent of a CPU's buffer
 * is full (0: at every event); the drain is told, since with a watermark
 * poll() no longer tells an empty CPU. 0 or -1.
 */
int finit_live_set_wakeup(struct finit_live *l, int percent);

/* finit_live_finish - tracing off, drain the buffers, flush pending calls */
void finit_live_finish(struct finit_live *l);

/* finit_live_summary - events and lost events per CPU on stderr; lost total */
unsigned long long finit_live_summary(struct finit_live *l);

/* finit_live_close - close every fd, remove the instance; -1 if that failed */
int finit_live_close(struct finit_live *l);

#endif
