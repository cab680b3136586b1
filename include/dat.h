/* SPDX-License-Identifier: MIT */
/*
 * dat.h - write trace.dat version 6 (man 5 trace-cmd.dat.v6), and read
 * back the few header facts libtracecmd does not expose.
 */
#ifndef FINIT_DAT_H
#define FINIT_DAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One event format to store: system, event, and the format text. */
struct finit_dat_format {
	const char	*sys;
	const char	*name;
	const char	*text;
	size_t		len;
};

/* Everything the header holds. */
struct finit_dat_header {
	int				page_size;
	const char			*header_page;
	size_t				header_page_len;
	const char			*header_event;
	size_t				header_event_len;
	const struct finit_dat_format	*formats;	/* grouped by system */
	int				nformats;
	const char			*cmdlines;	/* saved_cmdlines */
	const char			*tgids;		/* saved_tgids (our option) */
	const char			*trace_clock;	/* the trace_clock file */
	const char			*uname;		/* "sysname release version machine" */
	long long			clock_offset_ns;	/* our option */
	int				ncpus;		/* data sections */
	int				cpus;		/* real CPUs (our option), 0: ncpus */
};

/*
 * Our own options, after trace-cmd's (which a reader skips if unknown):
 * the offset from the trace clock to CLOCK_REALTIME, and saved_tgids.
 */
#define FINIT_DAT_OPT_CLOCK_OFFSET	0x4601
#define FINIT_DAT_OPT_TGIDS		0x4602
/* the CPUs of one instance: the pages of the loads instance follow as more */
#define FINIT_DAT_OPT_CPUS		0x4603

/* More CPUs than this in a file's table means a damaged file. */
#define FINIT_DAT_MAX_CPUS		8192

/*
 * finit_dat_write - write @h and the per-CPU sub-buffer files @cpu_files
 * (NULL entries: no data) to @out, page-aligned. Returns 0, or -1 with a
 * message naming what failed in @err.
 */
int finit_dat_write(FILE *out, const struct finit_dat_header *h, FILE *const *cpu_files,
		    char *err, size_t errlen);

/* What finit_dat_read_info finds in a v6 file. */
struct finit_dat_info {
	int		version;
	bool		has_offset;	/* our clock offset option: a file of ours */
	int		cpus;		/* real CPUs when the file has more sections, else 0 */
	long long	clock_offset_ns;
	char		machine[65];	/* from the uname option, "" if none */
	char		*tgids;		/* our saved_tgids, or NULL */
	bool		buffers;	/* holds instance buffers (trace-cmd -B) */
	int		page_size;
	int		ncpus;		/* entries of the flyrecord table */
	unsigned long long *cpu_off;	/* each CPU's data: where, */
	unsigned long long *cpu_size;	/* and how long */
};

/*
 * finit_dat_read_info - walk a trace.dat header: check the magic and, for
 * version 6, that every section fits in the file, and read the options.
 * Returns 0, or -1 with "file: what, at offset N" in @err.
 */
int finit_dat_read_info(const char *path, struct finit_dat_info *info,
			char *err, size_t errlen);

void finit_dat_info_free(struct finit_dat_info *info);

struct tep_handle;
struct tep_record;

/*
 * finit_dat_own - true for a v6 file that finit_dat_iterate reads: one of
 * ours (our options, one buffer, flyrecord data). Others go to libtracecmd.
 */
bool finit_dat_own(const struct finit_dat_info *info);

/*
 * finit_dat_iterate - every record of @info's CPU data, read a few
 * sub-buffers at a time (memory stays flat) and merged across CPUs by
 * timestamp, to @cb; @missed gets the lost-event count of each sub-buffer
 * that has one (-1: lost, count unknown). Returns 0, 1 when @cb stopped, or
 * -1 with "file: what, at offset N" in @err.
 */
int finit_dat_iterate(const char *path, const struct finit_dat_info *info,
		      struct tep_handle *tep, int (*cb)(struct tep_record *, void *),
		      void (*missed)(int cpu, long long n, void *), void *ctx,
		      char *err, size_t errlen);

#endif
