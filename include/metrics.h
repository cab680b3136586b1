/* SPDX-License-Identifier: MIT */
/*
 * metrics.h - Prometheus metrics in node_exporter's textfile format: events
 * by kind, result and verdict, lost records per CPU, self-test failures and
 * the spool's high-water mark, written atomically every N seconds and at exit.
 */
#ifndef FINIT_METRICS_H
#define FINIT_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "finit.h"

struct finit_metrics;

/* What the metrics show besides the event counts, at the time of a write. */
struct finit_metrics_gauges {
	int				ncpus;
	const unsigned long long	*lost;		/* per CPU: records lost */
	unsigned long long		selftest_failures;
	unsigned long long		spool_peak_bytes;
};

/* finit_metrics_open - counters for @path, written every @interval_s; NULL: no memory */
struct finit_metrics *finit_metrics_open(const char *path, unsigned long interval_s);

/* finit_metrics_count - one event more (@m may be NULL: nothing) */
void finit_metrics_count(struct finit_metrics *m, const struct finit_event *ev);

/* finit_metrics_due - the interval has passed since the last write (or none was made) */
bool finit_metrics_due(const struct finit_metrics *m);

/*
 * finit_metrics_write - the file, atomically (a temporary name, then
 * rename); 0, or -1 with what failed in @err
 */
int finit_metrics_write(struct finit_metrics *m, const struct finit_metrics_gauges *g,
			char *err, size_t errlen);

/* finit_metrics_format - the text of the file into @b (what write writes) */
struct finit_buf;
void finit_metrics_format(const struct finit_metrics *m, const struct finit_metrics_gauges *g,
			  struct finit_buf *b);

/* finit_metrics_close - free the counters (NULL is fine) */
void finit_metrics_close(struct finit_metrics *m);

#endif
