/* SPDX-License-Identifier: MIT */
/*
 * sink.h - where formatted events go. The emitters write only through this
 * interface; a sink is one set of operations, so a new one (journal,
 * syslog) is one constructor and its functions.
 */
#ifndef FINIT_SINK_H
#define FINIT_SINK_H

#include <stddef.h>
#include <stdio.h>

#include "finit.h"

struct finit_sink;

/*
 * A sink takes bytes from an emitter (write), or whole events (event): the
 * journal and syslog sinks format each event themselves.
 */
struct finit_sink_ops {
	/* write - all of @len bytes; -1 with errno */
	int	(*write)(struct finit_sink *s, const char *data, size_t len);
	/* event - one event, when write is NULL; -1 with errno */
	int	(*event)(struct finit_sink *s, const struct finit_event *ev);
	/* lost - @n events were lost (may be NULL: stderr says it already) */
	void	(*lost)(struct finit_sink *s, unsigned long long n);
	/* flush - what write buffered reaches its destination; -1 with errno */
	int	(*flush)(struct finit_sink *s);
	/* reopen - open the destination again (log rotation); -1 with errno */
	int	(*reopen)(struct finit_sink *s);
	/* close - release everything (the sink is freed) */
	void	(*close)(struct finit_sink *s);
};

struct finit_sink {
	const struct finit_sink_ops	*ops;
	char				*name;	/* for messages: "stdout", a path */
};

/*
 * finit_sink_file_open - the file sink: @path opened with O_APPEND (a
 * restart never wipes the log), or standard output when @path is NULL.
 * NULL with the reason in @err.
 */
struct finit_sink *finit_sink_file_open(const char *path, char *err, size_t errlen);

/* finit_sink_stream - a sink on an open stream, which stays open at close */
struct finit_sink *finit_sink_stream(FILE *f, const char *name);

/* finit_sink_write, _flush, _reopen - the operations; -1 with errno */
int finit_sink_write(struct finit_sink *s, const char *data, size_t len);
int finit_sink_flush(struct finit_sink *s);
int finit_sink_reopen(struct finit_sink *s);

/* finit_sink_event - @ev to a sink that takes events; -1 with errno */
int finit_sink_event(struct finit_sink *s, const struct finit_event *ev);

/* finit_sink_lost - tell the sink @n events were lost (if it takes that) */
void finit_sink_lost(struct finit_sink *s, unsigned long long n);

/*
 * finit_sink_priority - the syslog priority of @ev: LOG_WARNING for a load
 * that failed (finit_module or init_module returned an error), else
 * LOG_NOTICE (a lost-events message is LOG_ERR)
 */
int finit_sink_priority(const struct finit_event *ev);

/*
 * finit_sink_alloc - a zeroed sink of @size bytes (a struct that starts with
 * struct finit_sink) with @ops and @name; NULL when out of memory
 */
struct finit_sink *finit_sink_alloc(size_t size, const struct finit_sink_ops *ops,
				    const char *name);

/* finit_sink_free - free what finit_sink_alloc made (a close operation) */
void finit_sink_free(struct finit_sink *s);

/* finit_sink_noop - flush or reopen of a sink that needs neither */
int finit_sink_noop(struct finit_sink *s);

/* finit_sink_close - close and free (NULL is fine) */
void finit_sink_close(struct finit_sink *s);

#endif
