// SPDX-License-Identifier: MIT
/*
 * session.c - the tracefs session: our instance (<prefix>-<pid>), the
 * probes chosen by the self-test, the events and their filters, and the
 * teardown. Besides our instance we write only what is global by nature
 * and put it back: our dynamic events (group <prefix>_<pid>), and on
 * 6.19+ syscall_user_buf_size. The top level and other instances are read
 * only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <tracefs.h>

#include "context.h"
#include "log.h"
#include "reclaim.h"
#include "decoder.h"
#include "kfilter.h"
#include "finit.h"
#include "session.h"
#include "tiers.h"

/* add_event - one more event to enable, with its kernel filter (may be NULL) */
static void add_event(struct finit_session *s, const char *sys, const char *name,
		      const char *filter)
{
	finit_evsel_add(s->events, &s->nevents, sys, name, filter);
}

/* add_probe_event - our dynamic event of @kind for @sys, if it exists */
static void add_probe_event(struct finit_session *s, enum finit_probe_kind kind, int sys)
{
	char name[64];

	if (!s->dyn[kind][sys])
		return;
	finit_tiers_event_name(kind, sys, name, sizeof(name));
	add_event(s, s->group, name, NULL);
}

/* probe_kind_of - the dynamic event kind that reads the strings of @tier */
static int probe_kind_of(enum finit_tier tier)
{
	return tier == FINIT_TIER_EPROBE ? FINIT_PROBE_EPROBE :
	       tier == FINIT_TIER_KPROBE ? FINIT_PROBE_KPROBE : -1;
}

/* raw_ids - "id == A || id == B ..." for the syscalls in @events */
static void raw_ids(const struct finit_sysnr *t, unsigned int events, bool native,
		    char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		if (!(events & (1u << sys)))
			continue;
		if (native && t->nr[sys] >= 0 && n < len)
			n += snprintf(buf + n, len - n, "%sid == %d", n ? " || " : "", t->nr[sys]);
		if (t->compat_nr[sys] >= 0 && n < len)
			n += snprintf(buf + n, len - n, "%sid == %d", n ? " || " : "",
				      t->compat_nr[sys]);
	}
}

/*
 * choose_syscalls - the syscalls path: per syscall the syscall event's
 * enter, our probe that reads its string, the exit, and the ia32 probes
 */
static void choose_syscalls(struct finit_session *s, unsigned int events)
{
	int str = probe_kind_of(s->exact ? s->exact : s->tier);

	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		char enter[64], exit_[64];

		if (!(events & (1u << sys)))
			continue;
		snprintf(enter, sizeof(enter), "sys_enter_%s", finit_names_syscall(sys));
		snprintf(exit_, sizeof(exit_), "sys_exit_%s", finit_names_syscall(sys));
		if (tracefs_event_file_exists(NULL, "syscalls", enter, "format"))
			add_event(s, "syscalls", enter, NULL);
		if (str >= 0)
			add_probe_event(s, (enum finit_probe_kind)str, sys);
		if (tracefs_event_file_exists(NULL, "syscalls", exit_, "format"))
			add_event(s, "syscalls", exit_, NULL);
		if (s->compat == FINIT_COMPAT_KPROBE) {
			add_probe_event(s, FINIT_PROBE_COMPAT, sys);
			add_probe_event(s, FINIT_PROBE_COMPAT_RET, sys);
		}
	}
}

/* choose_module_events - module_load/free where the kernel has them */
static void choose_module_events(struct finit_session *s, unsigned int events)
{
	if (s->probe.module_load &&
	    (events & ((1u << FINIT_SYS_FINIT_MODULE) | (1u << FINIT_SYS_INIT_MODULE))))
		add_event(s, "module", "module_load", NULL);
	if ((events & (1u << FINIT_EV_MODULE_FREE)) &&
	    tracefs_event_file_exists(NULL, "module", "module_free", "format"))
		add_event(s, "module", "module_free", NULL);
}

/*
 * choose_events - what to enable: the syscalls path's events, or the
 * kprobe path's kprobe and kretprobe per call (no syscall tracepoint at
 * all); the ia32 kprobes and kretprobes for 32-bit callers; module_load/free
 * where the kernel has them; and raw_syscalls for what nothing else shows
 * (everything on the fallback path; 32-bit finit_module where there are no
 * kprobe events).
 */
static void choose_events(struct finit_session *s, unsigned int events)
{
	const struct finit_sysnr *t = finit_decoder_sysnr(s->probe.machine);

	if (s->path == FINIT_PATH_SYSCALLS)
		choose_syscalls(s, events);
	for (int sys = 0; sys < FINIT_SYS_NR && s->path == FINIT_PATH_KPROBE; sys++) {
		if (!(events & (1u << sys)))
			continue;
		add_probe_event(s, FINIT_PROBE_KPROBE, sys);
		add_probe_event(s, FINIT_PROBE_KRET, sys);
		if (s->compat == FINIT_COMPAT_KPROBE) {
			add_probe_event(s, FINIT_PROBE_COMPAT, sys);
			add_probe_event(s, FINIT_PROBE_COMPAT_RET, sys);
		}
	}
	choose_module_events(s, events);
	if (!t || !s->probe.raw_enter || !s->probe.raw_exit ||
	    (s->path != FINIT_PATH_RAW && s->compat != FINIT_COMPAT_RAW))
		return;
	raw_ids(t, events, s->path == FINIT_PATH_RAW, s->raw_ids, sizeof(s->raw_ids));
	raw_ids(t, events & (1u << FINIT_SYS_FINIT_MODULE), s->path == FINIT_PATH_RAW,
		s->raw_finit_ids, sizeof(s->raw_finit_ids));
	raw_ids(t, events & ~(1u << FINIT_SYS_FINIT_MODULE), s->path == FINIT_PATH_RAW,
		s->raw_other_ids, sizeof(s->raw_other_ids));
	if (!s->raw_ids[0])
		return;
	add_event(s, "raw_syscalls", "sys_enter", s->raw_ids);
	add_event(s, "raw_syscalls", "sys_exit", s->raw_ids);
}

/*
 * set_clock - a trace clock that maps to wall time: boot, else mono, else
 * local. The offset to CLOCK_REALTIME is taken now, from the tightest of a
 * few samples.
 */
static int set_clock(struct finit_session *s)
{
	static const struct {
		const char *name;
		clockid_t id;
	} clocks[] = {
		{ "boot", CLOCK_BOOTTIME },
		{ "mono", CLOCK_MONOTONIC },
		{ "local", CLOCK_MONOTONIC },
	};
	long long best = -1;

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		if (tracefs_instance_file_write(s->inst, "trace_clock", clocks[i].name) < 0)
			continue;
		snprintf(s->clock, sizeof(s->clock), "%s", clocks[i].name);
		for (int k = 0; k < 5; k++) {
			struct timespec a, m, b;
			long long span;

			clock_gettime(CLOCK_REALTIME, &a);
			clock_gettime(clocks[i].id, &m);
			clock_gettime(CLOCK_REALTIME, &b);
			span = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
			if (best < 0 || span < best) {
				best = span;
				s->clock_offset_ns = (a.tv_sec - m.tv_sec) * 1000000000LL +
						     (a.tv_nsec - m.tv_nsec) + span / 2;
			}
		}
		return 0;
	}
	return -1;
}

/* finit_session_subbuf - bytes per read of trace_pipe_raw: the sub-buffer size */
int finit_session_subbuf(struct tracefs_instance *inst)
{
	long long kb;

	if (!tracefs_instance_file_read_number(inst, "buffer_subbuf_size_kb", &kb) && kb > 0)
		return (int)(kb * 1024);
	return getpagesize();
}

/*
 * raise_user_buf - 6.19+: let the syscall events carry as much of the
 * string as the kernel allows (its maximum, 165 on 7.2). This file is
 * global: the value found before the first of our sessions raised it is
 * restored when the last one closes (or by cleanup).
 */
static void raise_user_buf(struct finit_session *s, struct finit_decoder *dec)
{
	static const int tries[] = { 4096, 1024, 512, 256, 165 };
	long long v;

	if (tracefs_instance_file_read_number(NULL, "syscall_user_buf_size", &v))
		return;
	finit_reclaim_save_user_buf(v);
	s->user_buf_raised = true;
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%d", tries[i]);
		if (tracefs_instance_file_write(NULL, "syscall_user_buf_size", buf) > 0)
			break;
	}
	if (!tracefs_instance_file_read_number(NULL, "syscall_user_buf_size", &v))
		finit_decoder_set_user_buf_size(dec, (int)v);
}

/* path_kind - @kind belongs to @path's candidates */
static bool path_kind(enum finit_path path, int kind)
{
	if (path == FINIT_PATH_KPROBE)
		return kind != FINIT_PROBE_EPROBE;
	return kind != FINIT_PROBE_KRET;	/* the syscall event has the exit */
}

/*
 * create_candidates - every dynamic event the kernel can have for us, so
 * the self-test can prove each (the syscalls and kprobe paths: raw_syscalls
 * kernels read strings from /proc). A kind that cannot be made is left out.
 */
static void create_candidates(struct finit_session *s, unsigned int sys_mask, bool compat)
{
	char err[1024];

	for (int k = 0; k < FINIT_PROBE_NR; k++) {
		bool c = k == FINIT_PROBE_COMPAT || k == FINIT_PROBE_COMPAT_RET;

		if ((c && !compat) || !path_kind(s->path, k) ||
		    !finit_tiers_available((enum finit_probe_kind)k,
				s->probe.machine, s->probe.eprobe, s->probe.kprobe))
			continue;
		if (finit_tiers_create((enum finit_probe_kind)k, s->group, s->probe.machine,
					   sys_mask, s->dyn, err, sizeof(err)) < 0)
			finit_log(FINIT_LOG_WARNING, "%s; that tier is not used", err);
	}
	/* an ia32 enter without its return (or the reverse) is no use */
	for (int sys = 0; sys < FINIT_SYS_NR; sys++)
		if (!s->dyn[FINIT_PROBE_COMPAT][sys] != !s->dyn[FINIT_PROBE_COMPAT_RET][sys]) {
			finit_tiers_destroy_kind(s->dyn, FINIT_PROBE_COMPAT);
			finit_tiers_destroy_kind(s->dyn, FINIT_PROBE_COMPAT_RET);
			break;
		}
}

/* kprobe_path_made - the kprobe path's enter and exit probes of every call exist */
static bool kprobe_path_made(const struct finit_session *s, unsigned int sys_mask,
			     char *err, size_t errlen)
{
	for (int sys = 0; sys < FINIT_SYS_NR; sys++) {
		if (!(sys_mask & (1u << sys)) ||
		    (s->dyn[FINIT_PROBE_KPROBE][sys] && s->dyn[FINIT_PROBE_KRET][sys]))
			continue;
		snprintf(err, errlen, "kernel %s: the kprobe path could not create its kprobe "
			 "and kretprobe on the %s entry point (see the warning above); use "
			 "--path auto", s->probe.kernel, finit_names_syscall(sys));
		return false;
	}
	return true;
}

/* warn_failed - one warning per tier the self-test found broken */
static void warn_failed(const struct finit_session *s)
{
	for (int c = FINIT_CHECK_NATIVE; c < FINIT_CHECK_NR; c++)
		if (s->test.tested[c] && !s->test.ok[c])
			finit_log(FINIT_LOG_WARNING, "kernel %s: the %s tier is broken: %s; "
				  "it is not used", s->probe.kernel,
				  finit_selftest_check_name((enum finit_check)c), s->test.why[c]);
}

/* drop_unchosen - remove the candidates the choice does not use */
static void drop_unchosen(struct finit_session *s)
{
	int str = probe_kind_of(s->exact ? s->exact : s->tier);

	for (int k = 0; k < FINIT_PROBE_NR; k++) {
		bool keep = k == str ||
			    (s->path == FINIT_PATH_KPROBE &&
			     (k == FINIT_PROBE_KPROBE || k == FINIT_PROBE_KRET)) ||
			    (s->compat == FINIT_COMPAT_KPROBE &&
			     (k == FINIT_PROBE_COMPAT || k == FINIT_PROBE_COMPAT_RET));

		if (!keep)
			finit_tiers_destroy_kind(s->dyn, (enum finit_probe_kind)k);
	}
}

/*
 * setup_probes - create the candidate probes, prove them with the
 * self-test (or trust them, selftest = false), choose the best that
 * passed, remove the rest. A capture path that fails its test is blind:
 * that is an error, not a warning.
 */
static int setup_probes(struct finit_session *s, const struct finit_config *cfg,
			char *err, size_t errlen)
{
	unsigned int sys_mask = cfg->events & ((1u << FINIT_SYS_NR) - 1);
	struct finit_selftest_setup su = {
		.probe = &s->probe, .instance = s->name, .group = s->group,
		.dyn = s->dyn, .events = sys_mask,
	};
	struct finit_choice c;
	char summary[2048];

	if (s->path == FINIT_PATH_SYSCALLS || s->path == FINIT_PATH_KPROBE)
		create_candidates(s, sys_mask, cfg->compat);
	if (s->path == FINIT_PATH_KPROBE && !kprobe_path_made(s, sys_mask, err, errlen))
		return FINIT_EXIT_UNSUPPORTED;
	if (!cfg->selftest || !sys_mask) {
		finit_selftest_trust(&s->test, &su);
	} else {
		if (finit_selftest_run(&s->test, &su, err, errlen) < 0)
			return FINIT_EXIT_FAIL;
		s->tested = true;
		finit_selftest_summary(&s->test, summary, sizeof(summary));
		finit_log(FINIT_LOG_INFO, "self-test: %s", summary);
		if (!s->test.ok[FINIT_CHECK_PATH]) {
			snprintf(err, errlen, "kernel %s: the %s capture path failed its self-test "
				 "(%s); refusing to run blind", s->probe.kernel,
				 finit_probe_path_name(s->path), s->test.why[FINIT_CHECK_PATH]);
			return FINIT_EXIT_UNSUPPORTED;
		}
		warn_failed(s);
	}
	finit_selftest_choose(&s->test, &s->probe, cfg->compat, &c);
	s->tier = c.tier;
	s->exact = c.exact;
	s->compat = c.compat;
	drop_unchosen(s);
	return FINIT_EXIT_OK;
}

int finit_session_set_wakeup(struct finit_session *s, int percent)
{
	char val[16];

	snprintf(val, sizeof(val), "%d", percent);
	/* kernels before 5.1 have no buffer_percent: they wake on every page */
	if (tracefs_instance_file_write(s->inst, "buffer_percent", val) < 0 &&
	    tracefs_file_exists(s->inst, "buffer_percent"))
		return -1;
	return 0;
}

/* configure - buffer size, wake-ups, clock, record-tgid of our instance */
static int configure(struct finit_session *s, const struct finit_config *cfg,
		     char *err, size_t errlen)
{
	if (tracefs_trace_off(s->inst) < 0 ||
	    tracefs_instance_set_buffer_size(s->inst, cfg->buffer_size_kb, -1) < 0) {
		snprintf(err, errlen, "cannot set buffer_size_kb=%lu on instance %s: %s "
			 "(lower [tracefs] buffer_size_kb?)", cfg->buffer_size_kb, s->name,
			 strerror(errno));
		return -1;
	}
	/* 0: wake readers on every event, or a rare event would wait forever */
	if (finit_session_set_wakeup(s, 0) < 0) {
		snprintf(err, errlen, "cannot set buffer_percent=0 on instance %s", s->name);
		return -1;
	}
	if (set_clock(s) < 0) {
		snprintf(err, errlen, "cannot set a trace_clock on instance %s", s->name);
		return -1;
	}
	/* record-tgid is per instance on newer kernels; never touch the top level's */
	if (tracefs_file_exists(s->inst, "options/record-tgid"))
		s->record_tgid = tracefs_instance_file_write(s->inst, "options/record-tgid", "1") > 0;
	s->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	s->subbuf_size = finit_session_subbuf(s->inst);
	return 0;
}

/* locate - find tracefs and probe the kernel; an exit code, OK when it has a path */
static int locate(struct finit_session *s, const struct finit_config *cfg,
		  char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (finit_probe_locate(cfg->tracefs_path, true, &s->probe, err, errlen) < 0)
		return s->probe.root ? FINIT_EXIT_UNSUPPORTED : FINIT_EXIT_FAIL;
	finit_probe_kernel(&s->probe);
	if (cfg->path != FINIT_PATH_NONE) {
		if (finit_probe_want(&s->probe, cfg->path, err, errlen) < 0)
			return FINIT_EXIT_UNSUPPORTED;
		s->path = cfg->path;
		return FINIT_EXIT_OK;
	}
	s->path = s->probe.path;
	if (s->path != FINIT_PATH_NONE)
		return FINIT_EXIT_OK;
	snprintf(err, errlen, "this kernel (%s %s) has neither syscalls:sys_enter_finit_module "
		 "nor raw_syscalls:sys_enter (CONFIG_FTRACE_SYSCALLS is off?)",
		 s->probe.kernel, s->probe.machine);
	return FINIT_EXIT_UNSUPPORTED;
}

/* claim - reclaim what dead runs left, then name our instance and group */
static void claim(struct finit_session *s, const struct finit_config *cfg)
{
	finit_reclaim_stale(cfg->instance_prefix, true);
	snprintf(s->name, sizeof(s->name), "%s-%d", cfg->instance_prefix, (int)getpid());
	snprintf(s->prefix, sizeof(s->prefix), "%s", cfg->instance_prefix);
	finit_tiers_group_name(cfg->instance_prefix, (int)getpid(), s->group, sizeof(s->group));
}

/* make_instance - the decoder of the chosen events, then our instance */
static int make_instance(struct finit_session *s, const struct finit_config *cfg,
			 struct finit_decoder **dec, char *err, size_t errlen)
{
	s->tep = finit_evsel_tep(s->events, s->nevents, err, errlen);
	if (!s->tep)
		return FINIT_EXIT_FAIL;
	*dec = finit_decoder_alloc(s->tep, finit_decoder_sysnr(s->probe.machine), s->group);
	if (!*dec) {
		snprintf(err, errlen, "no decodable event among the %s events",
			 finit_probe_path_name(s->path));
		return FINIT_EXIT_FAIL;
	}
	s->inst = tracefs_instance_create(s->name);
	if (!s->inst) {
		snprintf(err, errlen, "cannot create tracefs instance %s: %s", s->name,
			 strerror(errno));
		return FINIT_EXIT_FAIL;
	}
	return configure(s, cfg, err, errlen) < 0 ? FINIT_EXIT_FAIL : FINIT_EXIT_OK;
}

/* finit_session_open - probe, prove, choose, create, configure, filter */
int finit_session_open(struct finit_session *s, const struct finit_config *cfg,
		       struct finit_decoder **dec, char *err, size_t errlen)
{
	int ret;

	*dec = NULL;
	ret = locate(s, cfg, err, errlen);
	if (ret != FINIT_EXIT_OK)
		return ret;
	if (!s->probe.root) {
		snprintf(err, errlen, "creating a tracefs instance needs root: run as root");
		return FINIT_EXIT_FAIL;
	}
	claim(s, cfg);
	ret = setup_probes(s, cfg, err, errlen);
	if (ret == FINIT_EXIT_OK) {
		choose_events(s, cfg->events);
		if (!s->nevents) {
			snprintf(err, errlen, "none of the selected events (--events) exists "
				 "on this kernel");
			ret = FINIT_EXIT_UNSUPPORTED;
		}
	}
	if (ret == FINIT_EXIT_OK)
		ret = make_instance(s, cfg, dec, err, errlen);
	if (ret == FINIT_EXIT_OK)
		ret = finit_kfilter_apply(s, cfg->filter, *dec, err, errlen);
	if (ret == FINIT_EXIT_OK) {
		if (s->tier == FINIT_TIER_NATIVE)
			raise_user_buf(s, *dec);
		return FINIT_EXIT_OK;
	}
	/* one way out: nothing left in tracefs */
	finit_session_close(s);
	finit_decoder_free(*dec);
	*dec = NULL;
	return ret;
}

/* finit_session_test - locate, probe, self-test and choose; leave nothing behind */
int finit_session_test(struct finit_session *s, const struct finit_config *cfg,
		       char *err, size_t errlen)
{
	int ret = locate(s, cfg, err, errlen);

	if (ret != FINIT_EXIT_OK && !s->probe.tracing_dir[0])
		return ret;		/* no tracefs */
	if (ret != FINIT_EXIT_OK || !s->probe.root) {
		struct finit_config untested = *cfg;

		untested.selftest = 0;	/* no capture path, or not root: report only */
		return setup_probes(s, &untested, err, errlen);
	}
	claim(s, cfg);
	ret = setup_probes(s, cfg, err, errlen);
	finit_tiers_destroy(s->dyn);
	return ret;
}

int finit_session_enable(struct finit_session *s, char *err, size_t errlen)
{
	for (int i = 0; i < s->nevents; i++) {
		struct finit_evsel *e = &s->events[i];

		/* the enable file itself: tracefs_event_enable() scans every system */
		if (tracefs_event_file_write(s->inst, e->sys, e->name, "enable", "1") < 0) {
			snprintf(err, errlen, "cannot enable %s:%s in instance %s: %s",
				 e->sys, e->name, s->name, strerror(errno));
			return -1;
		}
	}
	if (tracefs_trace_on(s->inst) < 0) {
		snprintf(err, errlen, "cannot turn tracing on in instance %s", s->name);
		return -1;
	}
	return 0;
}

void finit_session_stop(struct finit_session *s)
{
	if (s->inst)
		tracefs_trace_off(s->inst);
}

int finit_session_cpu_stats(struct finit_session *s, int cpu, struct finit_session_cpu *c)
{
	char file[64], *buf, *p;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	buf = tracefs_instance_file_read(s->inst, file, NULL);
	if (!buf)
		return -1;
	memset(c, 0, sizeof(*c));
	p = strstr(buf, "\noverrun:");
	if (p)
		c->overrun = strtoull(p + 9, NULL, 10);
	p = strstr(buf, "dropped events:");
	if (p)
		c->dropped = strtoull(p + 15, NULL, 10);
	p = strstr(buf, "read events:");
	c->has_read = p != NULL;
	if (p)
		c->read = strtoull(p + 12, NULL, 10);
	if (!strncmp(buf, "entries:", 8))
		c->entries = strtoull(buf + 8, NULL, 10);
	free(buf);
	return 0;
}

int finit_session_close(struct finit_session *s)
{
	int ret = 0;

	if (s->inst) {
		tracefs_trace_off(s->inst);
		for (int i = 0; i < s->nevents; i++)
			tracefs_event_file_write(s->inst, s->events[i].sys, s->events[i].name,
						 "enable", "0");
		if (tracefs_instance_destroy(s->inst) < 0) {
			finit_log(FINIT_LOG_ERROR, "cannot remove instance %s: %s; "
				"run 'finit-ftrace cleanup'", s->name, strerror(errno));
			ret = -1;
		}
		tracefs_instance_free(s->inst);
		s->inst = NULL;
	}
	/* after the instance, which had them enabled */
	if (finit_tiers_destroy(s->dyn) < 0)
		ret = -1;
	if (s->user_buf_raised) {
		finit_reclaim_restore_user_buf(s->prefix, (int)getpid(), false);
		s->user_buf_raised = false;
	}
	if (s->tep) {
		tep_free(s->tep);
		s->tep = NULL;
	}
	return ret;
}
