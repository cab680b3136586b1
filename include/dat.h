/* SPDX-License-Identifier: MIT */
/*
 * dat.h - write trace.dat version 6 (man 5 trace-cmd.dat.v6; dat7.h
 * writes version 7), read back the few header facts libtracecmd does not
 * expose, and read the data of our own files of either version.
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
	const char			*tgids;		/* saved_tgids (ours: see below) */
	const char			*trace_clock;	/* the trace_clock file */
	const char			*uname;		/* "sysname release version machine" */
	long long			clock_offset_ns;	/* to CLOCK_REALTIME: OFFSET */
	int				ncpus;
};

/*
 * saved_tgids has no place in trace-cmd's format: version 6 keeps it in an
 * option of ours (libtracecmd warns "unknown option 17922" and skips it),
 * version 7 in a section of ours with the same id, which libtracecmd steps
 * over without a word. Files before the OFFSET option kept the offset from
 * the trace clock to CLOCK_REALTIME in option 0x4601: still read.
 */
#define FINIT_DAT_OPT_CLOCK_OFFSET	0x4601
#define FINIT_DAT_OPT_TGIDS		0x4602

/* The VERSION option of our files: this, then ours. */
#define FINIT_DAT_VERSION_PREFIX	"finit-ftrace "

/*
 * Sub-buffers per compressed chunk of CPU data (version 7), at most: the
 * reader loads a whole chunk at once (stream.c takes 32 per CPU).
 */
#define FINIT_DAT_CHUNK_PAGES		32

/* More CPUs, or larger sub-buffers (the kernel's are at most 1 MiB), than
 * this in a file's header means a damaged file. */
#define FINIT_DAT_MAX_CPUS		8192
#define FINIT_DAT_MAX_PAGE		(1 << 20)

/*
 * finit_dat_write - write @h and the per-CPU sub-buffer files @cpu_files
 * (NULL entries: no data) to @out, page-aligned. Returns 0, or -1 with a
 * message naming what failed in @err.
 */
int finit_dat_write(FILE *out, const struct finit_dat_header *h, FILE *const *cpu_files,
		    char *err, size_t errlen);

/* What finit_dat_read_info finds in a v6 or v7 file. */
struct finit_dat_info {
	int		version;
	bool		ours;		/* its VERSION option says finit-ftrace */
	bool		has_offset;	/* an OFFSET option, or our old one */
	long long	clock_offset_ns;
	bool		zstd;		/* v7: CPU data in zstd chunks */
	char		machine[65];	/* from the uname option, "" if none */
	char		*tgids;		/* our saved_tgids, or NULL */
	bool		buffers;	/* holds instance buffers (trace-cmd -B) */
	bool		latency;	/* v7: holds latency (text) data */
	int		page_size;
	int		ncpus;		/* entries of the flyrecord table (v7: BUFFER) */
	unsigned long long *cpu_off;	/* each CPU's data: where, */
	unsigned long long *cpu_size;	/* and how long */
};

/*
 * finit_dat_read_info - walk a trace.dat header: check the magic, that
 * every section fits in the file, and read the options.
 * Returns 0, or -1 with "file: what, at offset N" in @err.
 */
int finit_dat_read_info(const char *path, struct finit_dat_info *info,
			char *err, size_t errlen);

void finit_dat_info_free(struct finit_dat_info *info);

struct tep_handle;
struct tep_record;

/*
 * finit_dat_own - true for a file that finit_dat_iterate reads: one of
 * ours (v6 or v7, one buffer, flyrecord data). Others go to libtracecmd.
 */
bool finit_dat_own(const struct finit_dat_info *info);

/*
 * finit_dat_iterate - every record of @info's CPU data, read a few
 * sub-buffers (or one compressed chunk) at a time (memory stays flat) and
 * merged across CPUs by
 * timestamp, to @cb; @missed gets the lost-event count of each sub-buffer
 * that has one (-1: lost, count unknown). Returns 0, 1 when @cb stopped, or
 * -1 with "file: what, at offset N" in @err.
 */
int finit_dat_iterate(const char *path, const struct finit_dat_info *info,
		      struct tep_handle *tep, int (*cb)(struct tep_record *, void *),
		      void (*missed)(int cpu, long long n, void *), void *ctx,
		      char *err, size_t errlen);

#endif
