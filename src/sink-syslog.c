// SPDX-License-Identifier: MIT
/*
 * sink-syslog.c - the syslog sink: the JSON record as the message, through
 * syslog(3), identified as finit-ftrace with our pid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "emit.h"
#include "sink-syslog.h"

struct syslog_sink {
	struct finit_sink	s;
	int			facility;
};

/* The facilities a monitor's messages may go to, by name. */
static const struct {
	const char	*name;
	int		facility;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "daemon", LOG_DAEMON },
	{ "kern", LOG_KERN }, { "security", LOG_AUTH }, { "syslog", LOG_SYSLOG },
	{ "user", LOG_USER }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

#define NFACILITIES	(sizeof(facilities) / sizeof(facilities[0]))

/* finit_sink_syslog_facility - by name */
int finit_sink_syslog_facility(const char *name)
{
	for (size_t i = 0; i < NFACILITIES; i++)
		if (!strcmp(name, facilities[i].name))
			return facilities[i].facility;
	return -1;
}

/* finit_sink_syslog_facilities - the names, for messages */
void finit_sink_syslog_facilities(char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < NFACILITIES; i++)
		n = finit_names_join(buf, len, n, i, NFACILITIES, facilities[i].name);
}

/* syslog_event - the JSON line, without its newline, as one message */
static int syslog_event(struct finit_sink *s, const struct finit_event *ev)
{
	struct syslog_sink *ss = (struct syslog_sink *)s;
	struct finit_buf b = { 0 };

	if (finit_emit_line(FINIT_FMT_JSON, ev, &b) < 0) {
		finit_buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	syslog(ss->facility | finit_sink_priority(ev), "%.*s", (int)b.len - 1, b.data);
	finit_buf_free(&b);
	return 0;
}

/* syslog_lost - one err message with the number */
static void syslog_lost(struct finit_sink *s, unsigned long long n)
{
	struct syslog_sink *ss = (struct syslog_sink *)s;

	syslog(ss->facility | LOG_ERR, "%llu event(s) LOST: raise buffer_size_kb", n);
}

/* syslog_close - closelog, free the sink */
static void syslog_close(struct finit_sink *s)
{
	closelog();
	finit_sink_free(s);
}

static const struct finit_sink_ops syslog_ops = {
	.event = syslog_event,
	.lost = syslog_lost,
	.flush = finit_sink_noop,
	.reopen = finit_sink_noop,
	.close = syslog_close,
};

/* finit_sink_syslog_open - openlog now, so the first message has no delay */
struct finit_sink *finit_sink_syslog_open(int facility)
{
	struct syslog_sink *ss = (struct syslog_sink *)finit_sink_alloc(sizeof(*ss), &syslog_ops,
									 "syslog");

	if (!ss)
		return NULL;
	ss->facility = facility;
	openlog("finit-ftrace", LOG_PID | LOG_NDELAY, facility);
	return &ss->s;
}
