/* SPDX-License-Identifier: MIT */
/*
 * session.h - the tracefs session: find tracefs, probe the kernel, own one
 * instance with the module-load events enabled, and tear it all down.
 */
#ifndef FINIT_SESSION_H
#define FINIT_SESSION_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "finit.h"
#include "evsel.h"
#include "probe.h"
#include "selftest.h"
#include "tiers.h"

struct tep_handle;
struct tracefs_instance;
struct finit_decoder;

/* The live session: our instance and what it was set up with. */
struct finit_session {
	struct tracefs_instance	*inst;
	char			name[128];
	char			group[96];		/* our dynamic events' system */
	struct tep_handle	*tep;
	struct finit_probe	probe;
	enum finit_path		path;
	enum finit_tier		tier;			/* the string tier */
	enum finit_tier		exact;			/* a probe beside native, 0 none */
	enum finit_compat	compat;			/* how 32-bit callers are caught */
	struct finit_selftest	test;			/* the verdicts it was chosen by */
	bool			tested;			/* test holds a real run */
	finit_dynset		dyn;
	struct finit_evsel	events[FINIT_MAX_EVENTS];
	int			nevents;
	char			raw_ids[256];		/* raw_syscalls filter */
	char			raw_finit_ids[64];	/* its finit_module part */
	char			raw_other_ids[192];	/* the rest */
	bool			user_buf_raised;	/* syscall_user_buf_size */
	char			prefix[64];		/* instance_prefix */
	char			clock[16];
	long long		clock_offset_ns;	/* CLOCK_REALTIME - trace clock */
	bool			record_tgid;
	bool			user_filter;		/* filter runs in user space */
	int			ncpus;
	int			subbuf_size;
};

/*
 * finit_session_open - choose the events and string tier (creating our
 * eprobe/kprobe events), create and configure our instance, build the tep
 * handle from the needed formats, apply the filters, and make @dec.
 * Returns FINIT_EXIT_OK or another exit code with the reason in @err.
 * On failure nothing is left in tracefs.
 */
int finit_session_open(struct finit_session *s, const struct finit_config *cfg,
		       struct finit_decoder **dec, char *err, size_t errlen);

/*
 * finit_session_test - what finit_session_open would choose, for `check`:
 * probe the kernel, and as root run the self-test (with its temporary
 * instance and probes, all removed again). Returns an exit code.
 */
int finit_session_test(struct finit_session *s, const struct finit_config *cfg,
		       char *err, size_t errlen);

/* finit_session_enable - turn the chosen events on */
int finit_session_enable(struct finit_session *s, char *err, size_t errlen);

/*
 * finit_session_set_wakeup - wake readers when @percent of a CPU's buffer is
 * full (0: on every event, what a live view needs; a recorder reads whole
 * sub-buffers with fewer wake-ups at 10). -1 on failure.
 */
int finit_session_set_wakeup(struct finit_session *s, int percent);

/* finit_session_stop - stop recording (events stay readable for draining) */
void finit_session_stop(struct finit_session *s);

/* What per_cpu/cpuN/stats says of one CPU's buffer. */
struct finit_session_cpu {
	unsigned long long	overrun;	/* overwritten before they were read */
	unsigned long long	dropped;	/* "dropped events": refused, buffer full */
	unsigned long long	read;		/* "read events": handed to readers */
	unsigned long long	entries;	/* "entries": still in the buffer */
	bool			has_read;	/* the kernel has "read events" */
};

/* finit_session_cpu_stats - per_cpu/cpuN/stats of our instance; 0 or -1 */
int finit_session_cpu_stats(struct finit_session *s, int cpu, struct finit_session_cpu *c);

/* finit_session_subbuf - bytes per sub-buffer of @inst (buffer_subbuf_size_kb, else a page) */
int finit_session_subbuf(struct tracefs_instance *inst);
/* finit_session_close - destroy the instance (all fds on it must be closed) */
int finit_session_close(struct finit_session *s);

#endif
