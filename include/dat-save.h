/* SPDX-License-Identifier: MIT */
/*
 * dat-save.h - a live session's trace.dat: the header assembled from
 * tracefs (header_page, header_event, the formats of the enabled events,
 * saved_cmdlines and saved_tgids, trace_clock, uname) and the raw per-CPU
 * data, written (version 7 with zstd, or 6) to a temporary file renamed
 * over the output when complete.
 */
#ifndef FINIT_DAT_SAVE_H
#define FINIT_DAT_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "evsel.h"

struct tracefs_instance;

/* What the file is made of, besides what tracefs says. */
struct finit_dat_source {
	struct tracefs_instance		*inst;		/* its trace_clock */
	const struct finit_evsel	*events;	/* the enabled events */
	int				nevents;
	int				ncpus;
	int				page_size;	/* bytes per sub-buffer */
	long long			clock_offset_ns;
	const char			*seen_comms;	/* "tid comm" lines we saw */
	const char			*seen_tgids;	/* "tid tgid" lines we saw */
	bool				v6;		/* version 6, not 7 with zstd */
};

/*
 * finit_dat_save - write @path from @src and the per-CPU raw data in
 * @cpu_files. Returns 0, or -1 with what failed in @err (nothing at @path
 * is touched then).
 */
int finit_dat_save(const char *path, const struct finit_dat_source *src,
		   FILE *const *cpu_files, char *err, size_t errlen);

#endif
