// SPDX-License-Identifier: MIT
/*
 * metrics.c - Prometheus metrics for node_exporter's textfile collector:
 * counters kept per (event, result, verdict), the file written whole under
 * a temporary name and renamed, so the collector never reads half of it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "dat-save.h"
#include "metrics.h"

/* One label set of finit_ftrace_events_total. */
struct series {
	enum finit_syscall		sys;
	char				result[24];	/* "ok", "ENOENT", "none" */
	enum finit_policy_verdict	verdict;
	unsigned long long		n;
};

struct finit_metrics {
	char			*path;
	long long		interval_ns;
	long long		written_ns;	/* CLOCK_MONOTONIC of the last write, 0 none */
	struct series		*s;
	size_t			n, cap;
};

/* now_ns - CLOCK_MONOTONIC in ns */
static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* finit_metrics_open - empty counters for @path */
struct finit_metrics *finit_metrics_open(const char *path, unsigned long interval_s)
{
	struct finit_metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->path = strdup(path);
	if (!m->path) {
		free(m);
		return NULL;
	}
	m->interval_ns = (long long)interval_s * 1000000000LL;
	return m;
}

/* result - "ok", the errno name, or "none" (no return value: no call, or no exit seen) */
static void result(const struct finit_event *ev, char *buf, size_t len)
{
	const char *e = finit_names_errno(ev->ret);

	if (ev->origin_ret != FINIT_ORIGIN_KERNEL)
		snprintf(buf, len, "none");
	else if (ev->ret >= 0)
		snprintf(buf, len, "ok");
	else if (e)
		snprintf(buf, len, "%s", e);
	else
		snprintf(buf, len, "E%lld", -ev->ret);
}

/* finit_metrics_count - the series of @ev, one more */
void finit_metrics_count(struct finit_metrics *m, const struct finit_event *ev)
{
	struct series key = { .sys = ev->sys, .verdict = ev->verdict, .n = 0 };
	size_t i;

	if (!m)
		return;
	result(ev, key.result, sizeof(key.result));
	for (i = 0; i < m->n; i++)
		if (m->s[i].sys == key.sys && m->s[i].verdict == key.verdict &&
		    !strcmp(m->s[i].result, key.result))
			break;
	if (i == m->n) {
		if (m->n == m->cap) {
			size_t cap = m->cap ? 2 * m->cap : 16;
			struct series *s = realloc(m->s, cap * sizeof(*s));

			if (!s)
				return;
			m->s = s;
			m->cap = cap;
		}
		m->s[m->n++] = key;
	}
	m->s[i].n++;
}

/* finit_metrics_due - time for the next write */
bool finit_metrics_due(const struct finit_metrics *m)
{
	return m && (!m->written_ns || now_ns() - m->written_ns >= m->interval_ns);
}

/* finit_metrics_format - HELP, TYPE and samples of every metric */
void finit_metrics_format(const struct finit_metrics *m, const struct finit_metrics_gauges *g,
			  struct finit_buf *b)
{
	finit_buf_puts(b, "# HELP finit_ftrace_events_total Module events reported, by event, "
		       "result (ok, the errno, or none) and policy verdict (allow, deny, none).\n"
		       "# TYPE finit_ftrace_events_total counter\n");
	for (size_t i = 0; i < m->n; i++) {
		const char *v = finit_names_verdict(m->s[i].verdict);

		finit_buf_printf(b, "finit_ftrace_events_total{event=\"%s\",result=\"%s\","
				 "verdict=\"%s\"} %llu\n", finit_names_syscall(m->s[i].sys),
				 m->s[i].result, v ? v : "none", m->s[i].n);
	}
	finit_buf_puts(b, "# HELP finit_ftrace_lost_records_total Trace records the kernel "
		       "lost, by CPU.\n# TYPE finit_ftrace_lost_records_total counter\n");
	for (int cpu = 0; cpu < g->ncpus; cpu++)
		finit_buf_printf(b, "finit_ftrace_lost_records_total{cpu=\"%d\"} %llu\n", cpu,
				 g->lost[cpu]);
	finit_buf_printf(b, "# HELP finit_ftrace_selftest_failures Self-test checks that "
			 "failed before arming.\n# TYPE finit_ftrace_selftest_failures gauge\n"
			 "finit_ftrace_selftest_failures %llu\n", g->selftest_failures);
	finit_buf_printf(b, "# HELP finit_ftrace_spool_peak_bytes Most bytes that waited in "
			 "the spool between the drain thread and the decoder.\n"
			 "# TYPE finit_ftrace_spool_peak_bytes gauge\n"
			 "finit_ftrace_spool_peak_bytes %llu\n", g->spool_peak_bytes);
}

/* fill - the formatted text into the temporary file */
static int fill(FILE *out, const void *arg, char *err, size_t errlen)
{
	const struct finit_buf *b = arg;

	(void)err;
	(void)errlen;
	return fwrite(b->data, 1, b->len, out) == b->len ? 0 : -1;
}

/* finit_metrics_write - format, then write atomically */
int finit_metrics_write(struct finit_metrics *m, const struct finit_metrics_gauges *g,
			char *err, size_t errlen)
{
	struct finit_buf b = { 0 };
	int ret = -1;

	m->written_ns = now_ns();
	finit_metrics_format(m, g, &b);
	if (b.oom)
		snprintf(err, errlen, "metrics %s: out of memory", m->path);
	else
		ret = finit_dat_save_with(m->path, fill, &b, err, errlen);
	finit_buf_free(&b);
	return ret;
}

/* finit_metrics_close - free everything */
void finit_metrics_close(struct finit_metrics *m)
{
	if (!m)
		return;
	free(m->s);
	free(m->path);
	free(m);
}
