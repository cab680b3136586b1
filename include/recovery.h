/* SPDX-License-Identifier: MIT */
/*
 * recovery.h - a recording's recovery directory, OUT.finit-ftrace-<pid>.d
 * beside its output. Before any data it gets all that the trace.dat header
 * needs (meta, header_page, header_event, trace_clock, format.N); the raw
 * sub-buffers go to cpuN as they are read, and the kernel's comm and tgid
 * tables (with what the recorder saw) to cmdlines and tgids at the end. The
 * trace.dat is always assembled from the directory: at the end of a
 * recording, or later by `record --recover` after a kill or a full disk.
 * /run/finit-ftrace/record-<pid> names the directory while the recorder
 * runs, so that `cleanup` can save what a killed one's instance still holds.
 */
#ifndef FINIT_RECOVERY_H
#define FINIT_RECOVERY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "evsel.h"
#include "pidclock.h"

#define FINIT_RECOVERY_RUN_DIR	"/run/finit-ftrace"

struct tracefs_instance;

/* What the header is made of, besides what tracefs says. */
struct finit_recovery_source {
	struct tracefs_instance		*inst;		/* its trace_clock */
	const struct finit_evsel	*events;	/* the enabled events */
	int				nevents;
	int				ncpus;
	int				page_size;	/* bytes per sub-buffer */
	long long			clock_offset_ns;
	bool				v6;		/* the trace.dat: version 6, not 7 */
	struct finit_pidclock		clock;		/* the pid clock before tracing began */
};

/* A recording's directory, open for the data. */
struct finit_recovery {
	char			dir[PATH_MAX];
	int			ncpus;
	int			page_size;
	int			*fds;		/* cpuN, appended to */
	unsigned long long	*bytes;		/* written to each */
	int			failed_cpu;	/* the file a write failed on, -1 */
	int			failed_errno;
};

/*
 * finit_recovery_create - make OUT.finit-ftrace-<pid>.d beside @out_path,
 * write the header's parts from tracefs and @src, open the CPU files and
 * register the directory. 0, or -1 with what failed in @err (nothing left).
 */
int finit_recovery_create(struct finit_recovery *rc, const char *out_path,
			  const struct finit_recovery_source *src, char *err, size_t errlen);

/*
 * finit_recovery_append - one sub-buffer to @cpu's file. -1 once a write
 * failed (failed_cpu and failed_errno say which and why; the file is cut
 * back to its last whole sub-buffer, and nothing more is written).
 */
int finit_recovery_append(struct finit_recovery *rc, int cpu, const void *page, size_t len);

/*
 * finit_recovery_tables - @comms and @tgids (lines "tid comm", "tid tgid":
 * what the recording found its callers wrote) into @dir's cmdlines and
 * tgids. 0, or -1 with @err.
 */
int finit_recovery_tables(const char *dir, const char *comms, const char *tgids,
			  char *err, size_t errlen);

/*
 * finit_recovery_tables_since - for a recording that wrote none: the
 * kernel's tables now, less the lines of every pid that may have been
 * handed out again since @then (the pid clock before the recording began;
 * all of them if it is unknown): such a line may name a later task, not
 * the caller. *dropped: how many lines were left out. 0, or -1 with @err.
 */
int finit_recovery_tables_since(const char *dir, const struct finit_pidclock *then,
				size_t *dropped, char *err, size_t errlen);

/*
 * finit_recovery_close - close the CPU files; with @remove, the directory
 * and its registration go too, else the registration stays (cleanup lists it)
 */
void finit_recovery_close(struct finit_recovery *rc, bool remove);

/* finit_recovery_remove - @dir's files (ours only), the directory, its registration */
int finit_recovery_remove(const char *dir);

/* finit_recovery_registered - the directory run @pid registered: 0, or -1 */
int finit_recovery_registered(int pid, char *dir, size_t len);

/* finit_recovery_forget - remove run @pid's registration */
void finit_recovery_forget(int pid);

/* finit_recovery_unread - entries @inst's @cpu holds unread; -1: no such CPU */
long long finit_recovery_unread(struct tracefs_instance *inst, int cpu);

/*
 * finit_recovery_save_instance - a dead recorder's instance @inst: tracing
 * off, every sub-buffer still unread appended to @dir's CPU files, and the
 * kernel's tables if the recorder did not write them; what was there and
 * what was saved per CPU goes to the log. 0, or -1 if a write failed.
 */
int finit_recovery_save_instance(const char *dir, struct tracefs_instance *inst);

#endif
