/* SPDX-License-Identifier: MIT */
/*
 * instance.h - one tracefs instance of ours: made and configured, its
 * events enabled, its counters read, and destroyed with nothing left on.
 */
#ifndef FINIT_INSTANCE_H
#define FINIT_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "evsel.h"

struct tracefs_instance;

/*
 * finit_instance_make - instance @name, tracing off, @kb per CPU, woken on
 * every event (buffer_percent 0: a rare event must not wait), @clock if not
 * NULL, record-tgid where the instance has the option (*@tgid says).
 * NULL with the reason in @err (nothing left).
 */
struct tracefs_instance *finit_instance_make(const char *name, unsigned long kb,
					     const char *clock, bool *tgid,
					     char *err, size_t errlen);

/* finit_instance_set_wakeup - buffer_percent (kernels before 5.1 lack it: 0) */
int finit_instance_set_wakeup(struct tracefs_instance *inst, int percent);

/*
 * finit_instance_enable - the events of @ev with .loads == @loads, then
 * tracing on; 0, or -1 with the reason in @err
 */
int finit_instance_enable(struct tracefs_instance *inst, const struct finit_evsel *ev, int n,
			  bool loads, char *err, size_t errlen);

/* finit_instance_cpu_stats - "overrun" and "dropped events" of per_cpu/cpuN/stats */
int finit_instance_cpu_stats(struct tracefs_instance *inst, int cpu,
			     unsigned long long *overrun, unsigned long long *dropped);

/*
 * finit_instance_destroy - tracing off, @ev's events off, the instance
 * removed and *@inst freed and NULL (all fds on it closed first); -1 (said
 * through the log) if it could not be removed
 */
int finit_instance_destroy(struct tracefs_instance **inst, const struct finit_evsel *ev, int n);

#endif
