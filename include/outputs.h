/* SPDX-License-Identifier: MIT */
/*
 * outputs.h - where watch's events go: one or more sinks ([output] sink),
 * each with its emitter. A sink that fails is said once and left behind;
 * the others go on, and the summary counts the lines it did not get.
 */
#ifndef FINIT_OUTPUTS_H
#define FINIT_OUTPUTS_H

#include <stddef.h>

#include "emit.h"
#include "finit.h"

/* The sinks by name, in the order each event goes to them. */
enum finit_outputs_kind {
	FINIT_OUT_STDOUT,
	FINIT_OUT_FILE,
	FINIT_OUT_JOURNAL,
	FINIT_OUT_SYSLOG,
	FINIT_OUT_NR,
};

/* What to open: a mask of 1 << kind (0: file when @file is set, else stdout). */
struct finit_outputs_spec {
	unsigned int		sinks;
	const char		*file;		/* the file sink's path */
	enum finit_format	format;		/* of stdout and file */
	int			facility;	/* of syslog */
};

/* finit_outputs_parse - "stdout,journal" into a mask; -1 for an unknown name or none */
int finit_outputs_parse(const char *list, unsigned int *mask);

/* finit_outputs_names - "stdout, file, journal or syslog" into @buf */
void finit_outputs_names(char *buf, size_t len);

struct finit_outputs;

/* finit_outputs_open - every sink of @spec; NULL with the reason in @err */
struct finit_outputs *finit_outputs_open(const struct finit_outputs_spec *spec, char *err,
					 size_t errlen);

/*
 * finit_outputs_event - @ev to every sink still working; 0 while one is,
 * -1 with errno (of the first sink) once none is
 */
int finit_outputs_event(struct finit_outputs *o, const struct finit_event *ev);

/* finit_outputs_reopen - every sink opened again (SIGHUP: log rotation) */
void finit_outputs_reopen(struct finit_outputs *o);

/* finit_outputs_lost - tell the sinks that take it that @n events were lost */
void finit_outputs_lost(struct finit_outputs *o, unsigned long long n);

/*
 * finit_outputs_summary - the lines each failed sink did not get; true when
 * a sink failed for another reason than its reader going away (EPIPE)
 */
bool finit_outputs_summary(struct finit_outputs *o);

/* finit_outputs_close - flush, close and free (NULL is fine) */
void finit_outputs_close(struct finit_outputs *o);

#endif
