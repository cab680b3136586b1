// SPDX-License-Identifier: MIT
/*
 * outputs.c - the sink table (a new sink is one open function and one row)
 * and the fan-out of each event to every sink of [output] sink.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "outputs.h"
#include "sink-journal.h"
#include "sink-syslog.h"

struct output {
	struct finit_sink	*sink;
	struct finit_emitter	*em;		/* NULL: the sink takes events */
	int			err;		/* errno of its failure; 0 while it works */
	unsigned long long	unwritten;	/* lines it did not get */
};

struct finit_outputs {
	struct output	out[FINIT_OUT_NR];
	int		n;
};

/* open_stdout - standard output, which stays open */
static struct finit_sink *open_stdout(const struct finit_outputs_spec *spec, char *err,
				      size_t errlen)
{
	(void)spec;
	(void)err;
	(void)errlen;
	return finit_sink_stream(stdout, "stdout");
}

/* open_file - [output] file, appended to */
static struct finit_sink *open_file(const struct finit_outputs_spec *spec, char *err,
				    size_t errlen)
{
	if (!spec->file) {
		snprintf(err, errlen, "[output] sink file: no file to write; set [output] file "
			 "or give -o FILE");
		return NULL;
	}
	return finit_sink_file_open(spec->file, err, errlen);
}

/* open_journal - the native journal protocol */
static struct finit_sink *open_journal(const struct finit_outputs_spec *spec, char *err,
				       size_t errlen)
{
	(void)spec;
	(void)err;
	(void)errlen;
	return finit_sink_journal_open();
}

/* open_syslog - syslog(3) at the facility */
static struct finit_sink *open_syslog(const struct finit_outputs_spec *spec, char *err,
				      size_t errlen)
{
	(void)err;
	(void)errlen;
	return finit_sink_syslog_open(spec->facility);
}

/* The sinks: one row each. */
static const struct {
	const char		*name;
	struct finit_sink	*(*open)(const struct finit_outputs_spec *spec, char *err,
					 size_t errlen);
} kinds[FINIT_OUT_NR] = {
	[FINIT_OUT_STDOUT] = { "stdout", open_stdout },
	[FINIT_OUT_FILE] = { "file", open_file },
	[FINIT_OUT_JOURNAL] = { "journal", open_journal },
	[FINIT_OUT_SYSLOG] = { "syslog", open_syslog },
};

/* finit_outputs_parse - comma-separated names */
int finit_outputs_parse(const char *list, unsigned int *mask)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned int m = 0;
	int ret = copy ? 0 : -1;

	for (tok = copy ? strtok_r(copy, ", ", &save) : NULL; tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		int k = FINIT_OUT_NR;

		while (k-- > 0 && strcmp(tok, kinds[k].name))
			;
		if (k < 0)
			ret = -1;
		else
			m |= 1u << k;
	}
	free(copy);
	if (ret < 0 || !m)
		return -1;
	*mask = m;
	return 0;
}

/* finit_outputs_names - for messages and help */
void finit_outputs_names(char *buf, size_t len)
{
	size_t n = 0;

	for (int k = 0; k < FINIT_OUT_NR; k++)
		n = finit_names_join(buf, len, n, k, FINIT_OUT_NR, kinds[k].name);
}

/* finit_outputs_open - the sinks of the mask, in table order */
struct finit_outputs *finit_outputs_open(const struct finit_outputs_spec *spec, char *err,
					 size_t errlen)
{
	struct finit_outputs *o = calloc(1, sizeof(*o));
	unsigned int mask = spec->sinks ? spec->sinks :
			    1u << (spec->file ? FINIT_OUT_FILE : FINIT_OUT_STDOUT);

	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (int k = 0; k < FINIT_OUT_NR; k++) {
		struct output *out = &o->out[o->n];

		if (!(mask & 1u << k))
			continue;
		snprintf(err, errlen, "out of memory");
		out->sink = kinds[k].open(spec, err, errlen);
		if (!out->sink)
			goto fail;
		o->n++;
		if (out->sink->ops->write &&
		    !(out->em = finit_emit_open(spec->format, out->sink, false)))
			goto fail;
	}
	return o;
fail:
	finit_outputs_close(o);
	return NULL;
}

/* failed - say once that @out failed (not a lone sink's reader going away) */
static void failed(const struct finit_outputs *o, struct output *out)
{
	out->err = errno ? errno : EIO;
	if (o->n == 1 && out->err == EPIPE)
		return;
	finit_log(FINIT_LOG_ERROR, "writing events to %s: %s%s", out->sink->name,
		  strerror(out->err), o->n > 1 ? "; the other outputs go on without it" : "");
}

/* finit_outputs_event - each working sink; a failed one counts the line */
int finit_outputs_event(struct finit_outputs *o, const struct finit_event *ev)
{
	int working = 0;

	for (int i = 0; i < o->n; i++) {
		struct output *out = &o->out[i];

		errno = 0;
		if (!out->err && (out->em ? finit_emit_event(out->em, ev) :
				  finit_sink_event(out->sink, ev)) < 0)
			failed(o, out);
		if (out->err)
			out->unwritten++;
		else
			working++;
	}
	if (working)
		return 0;
	errno = o->out[0].err;
	return -1;
}

/* finit_outputs_reopen - a sink that cannot reopen keeps what it had */
void finit_outputs_reopen(struct finit_outputs *o)
{
	for (int i = 0; i < o->n; i++)
		if (!o->out[i].err && finit_sink_reopen(o->out[i].sink) < 0)
			finit_log(FINIT_LOG_ERROR, "cannot reopen %s: %s; still writing to "
				  "the file it had open", o->out[i].sink->name, strerror(errno));
}

/* finit_outputs_lost - to each working sink */
void finit_outputs_lost(struct finit_outputs *o, unsigned long long n)
{
	for (int i = 0; i < o->n; i++)
		if (!o->out[i].err)
			finit_sink_lost(o->out[i].sink, n);
}

/* finit_outputs_summary - one line per failed sink */
bool finit_outputs_summary(struct finit_outputs *o)
{
	bool bad = false;

	for (int i = 0; i < o->n; i++) {
		const struct output *out = &o->out[i];

		if (!out->err)
			continue;
		finit_log(FINIT_LOG_ERROR, "%llu line(s) not written to %s (%s)", out->unwritten,
			  out->sink->name, strerror(out->err));
		bad |= out->err != EPIPE;
	}
	return bad;
}

/* finit_outputs_close - emitters, then their sinks */
void finit_outputs_close(struct finit_outputs *o)
{
	if (!o)
		return;
	for (int i = 0; i < o->n; i++) {
		finit_emit_close(o->out[i].em);
		finit_sink_close(o->out[i].sink);
	}
	free(o);
}
