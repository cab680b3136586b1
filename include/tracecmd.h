/* SPDX-License-Identifier: MIT */
/*
 * tracecmd.h - a trace.dat as report reads it: the headers through
 * libtracecmd; the records through libtracecmd (trace-cmd's files: v6, v7,
 * compressed, several buffers) or through dat.c (our own files). All of it
 * in a child process of its own: libtracecmd and libtraceevent crash or
 * loop on some damaged files, and a file may come from a hostile machine.
 */
#ifndef FINIT_TRACECMD_H
#define FINIT_TRACECMD_H

#include <stdbool.h>
#include <stddef.h>

#include "dat.h"

struct tep_handle;
struct tep_record;
struct tracecmd_input;

/* One open trace.dat. */
struct finit_tracecmd {
	const char		*file;
	struct finit_dat_info	info;
	bool			own;		/* one of ours: dat.c reads its data */
	struct tracecmd_input	*top;
	struct tracecmd_input	**bufs;		/* top, then each -B buffer */
	int			nbufs;
	unsigned long long	records;	/* what libtracecmd gave us */
};

/* The callbacks of finit_tracecmd_iterate (@missed: -1 when the count is unknown). */
struct finit_tracecmd_ops {
	int	(*record)(struct tep_record *rec, void *arg);
	void	(*missed)(int cpu, long long n, void *arg);
	void	*arg;
};

/*
 * finit_tracecmd_open - @file's headers (libtracecmd) and its buffers into
 * @t. Returns 0; -1 for a file it cannot read, -2 out of memory, with
 * "file: what" in @err (@t is then closed).
 */
int finit_tracecmd_open(struct finit_tracecmd *t, const char *file, char *err, size_t errlen);

/* finit_tracecmd_tep - the file's event formats */
struct tep_handle *finit_tracecmd_tep(const struct finit_tracecmd *t);

/*
 * finit_tracecmd_iterate - every record, merged across CPUs and buffers by
 * time, to @ops. Returns 0, 1 when a callback stopped it, or -1 with "file:
 * what" in @err (a file whose CPU data gives no record at all is damaged).
 */
int finit_tracecmd_iterate(struct finit_tracecmd *t, const struct finit_tracecmd_ops *ops,
			   char *err, size_t errlen);

/* finit_tracecmd_close - everything open closes (twice is fine) */
void finit_tracecmd_close(struct finit_tracecmd *t);

/*
 * CPU seconds a guarded child may use: FINIT_TRACECMD_CPU_BASE plus
 * FINIT_TRACECMD_CPU_PER_MIB for each MiB of the file (about a hundred
 * times what a sound file takes), so a parser that loops is stopped.
 */
#define FINIT_TRACECMD_CPU_BASE		30
#define FINIT_TRACECMD_CPU_PER_MIB	10

/*
 * finit_tracecmd_guarded - run @fn(@arg) (which reads @file) in a child
 * process limited to @cpu_seconds of CPU (0: by the file's size, as
 * above) and no core file. Returns the exit code @fn returned (0-255), or
 * -1 when the child crashed, was stopped or died in any other way before
 * it returned, with "file: what" in @err.
 */
int finit_tracecmd_guarded(int (*fn)(void *arg), void *arg, const char *file,
			   unsigned int cpu_seconds, char *err, size_t errlen);

#endif
