/* SPDX-License-Identifier: MIT */
/*
 * salvage.h - read a recovery directory (recovery.h) back: its meta, and
 * the trace.dat assembled from its header parts and per-CPU data.
 */
#ifndef FINIT_SALVAGE_H
#define FINIT_SALVAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "evsel.h"
#include "pidclock.h"

#define FINIT_SALVAGE_VERSION	1	/* of meta */

/* What a directory's meta says. */
struct finit_salvage_meta {
	int			version;
	int			pid;		/* of the recorder */
	int			ncpus;
	int			page_size;	/* bytes per sub-buffer */
	int			nevents;
	long long		clock_offset_ns;
	int			dat_version;	/* of the trace.dat: 7, or 6 (record --v6) */
	char			output[PATH_MAX];	/* the trace.dat it was for */
	char			uname[512];
	struct finit_pidclock	clock;		/* before tracing began (ok false: not said) */
	struct finit_evsel	events[FINIT_MAX_EVENTS];	/* format.N is events[N]'s */
};

/* finit_salvage_meta - @dir's meta, checked; 0, or -1 with what is wrong in @err */
int finit_salvage_meta(const char *dir, struct finit_salvage_meta *m, char *err, size_t errlen);

/* finit_salvage_is_dir - @path is a recovery directory (has a meta of ours) */
bool finit_salvage_is_dir(const char *path);

/* finit_salvage_cpu_path - the path of @cpu's data in @dir */
void finit_salvage_cpu_path(const char *dir, int cpu, char *path, size_t len);

/* finit_salvage_file - @dir/@name whole, NUL-terminated (length in *len); NULL if unreadable */
char *finit_salvage_file(const char *dir, const char *name, size_t *len);

/* What finit_salvage_assemble found in a directory. */
struct finit_salvage_info {
	int			pid;
	char			output[PATH_MAX];
	int			ncpus;
	int			page_size;
	int			dat_version;	/* the trace.dat written: 7 or 6 */
	unsigned long long	*cpu_bytes;	/* whole sub-buffers, per CPU */
};

/*
 * finit_salvage_assemble - the trace.dat of @dir, written to @out (NULL:
 * the output it was for) under a temporary name and renamed, in the
 * version its meta names (7 with zstd, or 6 after record --v6); a partial
 * sub-buffer at the end of a CPU's data is left out. 0, or -1 with what
 * failed in @err. @info is filled as far as the directory was read.
 */
int finit_salvage_assemble(const char *dir, const char *out, struct finit_salvage_info *info,
			   char *err, size_t errlen);

void finit_salvage_info_free(struct finit_salvage_info *info);

#endif
