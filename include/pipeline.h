/* SPDX-License-Identifier: MIT */
/*
 * pipeline.h - one tep_record from any source (live stream or trace.dat)
 * through the decoder, the user-space filter, context, strings and the
 * correlator. watch and report share it.
 */
#ifndef FINIT_PIPELINE_H
#define FINIT_PIPELINE_H

#include <stdbool.h>

#include "correlate.h"
#include "verify.h"

struct tep_record;
struct finit_decoder;
struct finit_context;
struct finit_correlator;
struct finit_stash;
struct finit_policy;
struct finit_metrics;

/* A record older than this (trace clock vs now) means the decoder is behind. */
#define FINIT_BACKLOG_AGE_NS	2000000000LL

struct finit_pipeline {
	struct finit_decoder	*dec;
	struct finit_context	*ctx;
	bool			live;		/* the kernel's tables are current */
	bool			procfs;		/* live, and /proc is worth reading */
	bool			defer_context;	/* live, but comm and tgid come from
						 * the tables read at the end */
	struct finit_correlator	*corr;
	long long		clock_offset_ns;
	bool			hash;
	bool			tracee_ids;	/* read what only the Tracee format shows */
	struct finit_verify	verify;		/* which string tiers are trusted */
	struct finit_stash	*stash;		/* string records before their enter */
	bool			backlog;	/* the caller says: records wait unread */
	bool			behind;		/* this record: /proc is skipped */
	unsigned long long	skipped;	/* calls left unenriched under backlog */
	unsigned long long	unknown_task;	/* events whose pid or comm is unknown */
	const struct finit_policy *policy;	/* NULL: no verdicts */
	struct finit_metrics	*metrics;	/* counts each event, NULL: none */
	unsigned long long	verdicts[3];	/* events by enum finit_policy_verdict */
	finit_emit_cb		cb;		/* the caller's, after the verdict */
	void			*cb_arg;
};

/* finit_pipeline_record - handle one record; negative when the output failed */
int finit_pipeline_record(struct finit_pipeline *p, struct tep_record *rec);

/*
 * finit_pipeline_open - a pipeline over @dec and @ctx (it takes both), with
 * a correlator that hands each finished call, judged by ->policy (set it
 * after opening), to @cb; @kernel names the
 * kernel in the cross-check's warnings. 0, or -1 (out of memory; @dec and
 * @ctx freed).
 */
int finit_pipeline_open(struct finit_pipeline *p, struct finit_decoder *dec,
			struct finit_context *ctx, finit_emit_cb cb, void *arg,
			const char *kernel);

/* finit_pipeline_verdicts - "policy: N event(s) allowed, M DENIED" (with a policy) */
void finit_pipeline_verdicts(const struct finit_pipeline *p);

/*
 * finit_pipeline_exit - the exit code: @ret, or FINIT_EXIT_DENIED when
 * @fail_on_deny, @ret is FINIT_EXIT_OK and the policy denied an event
 */
int finit_pipeline_exit(const struct finit_pipeline *p, bool fail_on_deny, int ret);

/* finit_pipeline_close - free all it holds (a zeroed pipeline is fine) */
void finit_pipeline_close(struct finit_pipeline *p);

/* finit_pipeline_release - free the records it holds between calls */
void finit_pipeline_release(struct finit_pipeline *p);

#endif
