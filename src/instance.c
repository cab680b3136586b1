// SPDX-License-Identifier: MIT
/*
 * instance.c - the life of one of our tracefs instances.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "instance.h"
#include "log.h"

/* finit_instance_set_wakeup - write buffer_percent */
int finit_instance_set_wakeup(struct tracefs_instance *inst, int percent)
{
	char val[16];

	snprintf(val, sizeof(val), "%d", percent);
	/* kernels before 5.1 have no buffer_percent: they wake on every page */
	if (tracefs_instance_file_write(inst, "buffer_percent", val) < 0 &&
	    tracefs_file_exists(inst, "buffer_percent"))
		return -1;
	return 0;
}

/* configure - tracing off, buffer size, wake-ups, clock, record-tgid */
static int configure(struct tracefs_instance *inst, const char *name, unsigned long kb,
		     const char *clock, bool *tgid, char *err, size_t errlen)
{
	if (tracefs_trace_off(inst) < 0 || tracefs_instance_set_buffer_size(inst, kb, -1) < 0) {
		snprintf(err, errlen, "cannot set buffer_size_kb=%lu on instance %s: %s "
			 "(lower [tracefs] buffer_size_kb?)", kb, name, strerror(errno));
		return -1;
	}
	/* 0: wake readers on every event, or a rare event would wait forever */
	if (finit_instance_set_wakeup(inst, 0) < 0) {
		snprintf(err, errlen, "cannot set buffer_percent=0 on instance %s", name);
		return -1;
	}
	if (clock && tracefs_instance_file_write(inst, "trace_clock", clock) < 0) {
		snprintf(err, errlen, "cannot set trace_clock %s on instance %s", clock, name);
		return -1;
	}
	/* record-tgid is per instance on newer kernels; never touch the top level's */
	*tgid = tracefs_file_exists(inst, "options/record-tgid") &&
		tracefs_instance_file_write(inst, "options/record-tgid", "1") > 0;
	return 0;
}

/* finit_instance_make - create, then configure; nothing left on failure */
struct tracefs_instance *finit_instance_make(const char *name, unsigned long kb,
					     const char *clock, bool *tgid,
					     char *err, size_t errlen)
{
	struct tracefs_instance *inst = tracefs_instance_create(name);

	if (!inst) {
		snprintf(err, errlen, "cannot create tracefs instance %s: %s", name,
			 strerror(errno));
		return NULL;
	}
	if (configure(inst, name, kb, clock, tgid, err, errlen) < 0)
		finit_instance_destroy(&inst, NULL, 0);
	return inst;
}

/* finit_instance_enable - the enable files themselves, then tracing_on */
int finit_instance_enable(struct tracefs_instance *inst, const struct finit_evsel *ev, int n,
			  bool loads, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		if (ev[i].loads != loads)
			continue;
		/* the enable file itself: tracefs_event_enable() scans every system */
		if (tracefs_event_file_write(inst, ev[i].sys, ev[i].name, "enable", "1") < 0) {
			snprintf(err, errlen, "cannot enable %s:%s in instance %s: %s", ev[i].sys,
				 ev[i].name, tracefs_instance_get_name(inst), strerror(errno));
			return -1;
		}
	}
	if (tracefs_trace_on(inst) < 0) {
		snprintf(err, errlen, "cannot turn tracing on in instance %s",
			 tracefs_instance_get_name(inst));
		return -1;
	}
	return 0;
}

/* finit_instance_cpu_stats - parse the two counters */
int finit_instance_cpu_stats(struct tracefs_instance *inst, int cpu,
			     unsigned long long *overrun, unsigned long long *dropped)
{
	char file[64], *buf, *p;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	buf = tracefs_instance_file_read(inst, file, NULL);
	if (!buf)
		return -1;
	*overrun = *dropped = 0;
	p = strstr(buf, "overrun:");
	if (p)
		*overrun = strtoull(p + 8, NULL, 10);
	p = strstr(buf, "dropped events:");
	if (p)
		*dropped = strtoull(p + 15, NULL, 10);
	free(buf);
	return 0;
}

/* finit_instance_destroy - off, events off, removed, freed */
int finit_instance_destroy(struct tracefs_instance **inst, const struct finit_evsel *ev, int n)
{
	int ret = 0;

	if (!*inst)
		return 0;
	tracefs_trace_off(*inst);
	for (int i = 0; i < n; i++)
		tracefs_event_file_write(*inst, ev[i].sys, ev[i].name, "enable", "0");
	if (tracefs_instance_destroy(*inst) < 0) {
		finit_log(FINIT_LOG_ERROR, "cannot remove instance %s: %s; run 'finit-ftrace "
			  "cleanup'", tracefs_instance_get_name(*inst), strerror(errno));
		ret = -1;
	}
	tracefs_instance_free(*inst);
	*inst = NULL;
	return ret;
}
