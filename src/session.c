// SPDX-License-Identifier: MIT
/*
 * session.c - the tracefs session. We only ever write inside our own
 * instance (<prefix>-<pid>); the top level and other instances are read only.
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
#include "decode.h"
#include "filter.h"
#include "finit.h"
#include "session.h"
#include "tiers.h"

#define TRACEFS_DEFAULT	"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"

const char *finit_path_name(enum finit_path path)
{
	switch (path) {
	case FINIT_PATH_SYSCALLS:
		return "syscalls";
	case FINIT_PATH_RAW:
		return "raw_syscalls";
	case FINIT_PATH_NONE:
		break;
	}
	return "none";
}

/* is_tracefs - @dir looks like a mounted tracefs (or debugfs/tracing) */
static bool is_tracefs(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/trace_pipe", dir);
	return stat(p, &st) == 0;
}

int finit_tracefs_locate(const char *want, bool mount_it, struct finit_probe *probe,
			 char *err, size_t errlen)
{
	const char *dir = NULL;

	probe->root = geteuid() == 0;
	if (want) {
		if (!is_tracefs(want)) {
			snprintf(err, errlen, "%s is not a mounted tracefs (no trace_pipe there); "
				 "fix [tracefs] path or leave it empty to auto-detect", want);
			return -1;
		}
		dir = want;
	} else if (is_tracefs(TRACEFS_DEFAULT)) {
		dir = TRACEFS_DEFAULT;
	} else if (is_tracefs(DEBUGFS_TRACING)) {
		dir = DEBUGFS_TRACING;
	} else if (!mount_it) {
		snprintf(err, errlen, "tracefs is not mounted");
		return -1;
	} else if (!probe->root) {
		snprintf(err, errlen, "tracefs is not mounted and mounting it needs root: "
			 "run as root, or mount -t tracefs nodev %s", TRACEFS_DEFAULT);
		return -1;
	} else if (mount("nodev", TRACEFS_DEFAULT, "tracefs", 0, NULL) < 0) {
		snprintf(err, errlen, "cannot mount tracefs on %s: %s "
			 "(is the kernel built with CONFIG_FTRACE?)", TRACEFS_DEFAULT,
			 strerror(errno));
		return -1;
	} else {
		dir = TRACEFS_DEFAULT;
		probe->mounted_by_us = true;
	}
	snprintf(probe->tracing_dir, sizeof(probe->tracing_dir), "%s", dir);
	if (tracefs_set_tracing_dir(probe->tracing_dir) < 0) {
		snprintf(err, errlen, "libtracefs rejected tracing dir %s", dir);
		return -1;
	}
	return 0;
}

/* readme_has - the tracefs README mentions @needle (feature detection) */
static bool readme_has(const char *needle)
{
	char *readme = tracefs_instance_file_read(NULL, "README", NULL);
	bool ret = readme && strstr(readme, needle);

	free(readme);
	return ret;
}

void finit_probe_kernel(struct finit_probe *p)
{
	struct utsname u;
	char *fmt;

	if (!uname(&u)) {
		snprintf(p->kernel, sizeof(p->kernel), "%s", u.release);
		snprintf(p->machine, sizeof(p->machine), "%s", u.machine);
	}
	p->sys_enter_finit = tracefs_event_file_exists(NULL, "syscalls",
						       "sys_enter_finit_module", "format");
	p->sys_exit_finit = tracefs_event_file_exists(NULL, "syscalls",
						      "sys_exit_finit_module", "format");
	p->module_load = tracefs_event_file_exists(NULL, "module", "module_load", "format");
	p->raw_enter = tracefs_event_file_exists(NULL, "raw_syscalls", "sys_enter", "format");
	p->raw_exit = tracefs_event_file_exists(NULL, "raw_syscalls", "sys_exit", "format");
	p->dynamic_events = tracefs_file_exists(NULL, "dynamic_events");
	p->eprobe = p->dynamic_events && readme_has("e[:[<group>/][<event>]]");
	p->kprobe = tracefs_file_exists(NULL, "kprobe_events");
	if (p->sys_enter_finit) {
		fmt = tracefs_event_file_read(NULL, "syscalls", "sys_enter_finit_module",
					      "format", NULL);
		p->uargs_field = fmt && strstr(fmt, "__uargs_val;");
		free(fmt);
	}
	p->btf = access("/sys/kernel/btf/vmlinux", F_OK) == 0;
	if (p->sys_enter_finit && p->sys_exit_finit)
		p->path = FINIT_PATH_SYSCALLS;
	else if (p->raw_enter && p->raw_exit && finit_sysnr_lookup(p->machine))
		p->path = FINIT_PATH_RAW;
	else
		p->path = FINIT_PATH_NONE;
}

bool finit_session_owner_alive(int pid)
{
	char comm[FINIT_COMM_LEN], mine[FINIT_COMM_LEN];

	if (pid == getpid())
		return false;	/* we have not created ours yet: a dead namesake's */
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	/* A recycled pid running something else is not the owner. */
	if (finit_procfs_comm(pid, comm, sizeof(comm)) ||
	    finit_procfs_comm(getpid(), mine, sizeof(mine)))
		return false;
	return !strcmp(comm, mine);
}

/* instance_pid - the pid in "<prefix>-<pid>", or -1 if @name is not ours */
static int instance_pid(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) || name[n] != '-' || !name[n + 1])
		return -1;
	pid = strtol(name + n + 1, &end, 10);
	return *end || pid <= 0 || pid > 0x7fffffff ? -1 : (int)pid;
}

/* live_sessions - instances named @prefix-PID whose PID runs us, but @self */
static int live_sessions(const char *prefix, int self)
{
	char **names = tracefs_instances(NULL);
	int n = 0;

	for (int i = 0; names && names[i]; i++) {
		int pid = instance_pid(names[i], prefix);

		n += pid > 0 && pid != self && finit_session_owner_alive(pid);
	}
	tracefs_list_free(names);
	return n;
}

/*
 * save_user_buf - remember syscall_user_buf_size as the first of our
 * sessions found it (a later one finds it raised): in a file, so that
 * `cleanup` can put it back after a session killed with SIGKILL
 */
static void save_user_buf(long long v)
{
	int fd = open(FINIT_USER_BUF_STATE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return;		/* there already: an earlier value */
	dprintf(fd, "%lld\n", v);
	close(fd);
}

/* restore_user_buf - that value back, once no session of ours runs */
static void restore_user_buf(const char *prefix, int self, FILE *log)
{
	FILE *f = fopen(FINIT_USER_BUF_STATE, "r");
	char buf[32];
	long long v;

	if (!f)
		return;
	if (live_sessions(prefix, self)) {
		fclose(f);
		return;
	}
	if (fscanf(f, "%lld", &v) == 1) {
		snprintf(buf, sizeof(buf), "%lld", v);
		if (tracefs_instance_file_write(NULL, "syscall_user_buf_size", buf) > 0 && log)
			fprintf(log, "finit-ftrace: restored syscall_user_buf_size to %lld\n", v);
	}
	fclose(f);
	unlink(FINIT_USER_BUF_STATE);
}

int finit_session_reclaim(const char *prefix, FILE *log)
{
	char **names = tracefs_instances(NULL);
	int removed = 0, failed = 0, n;

	for (int i = 0; names && names[i]; i++) {
		struct tracefs_instance *inst;
		int pid = instance_pid(names[i], prefix);

		if (pid < 0 || finit_session_owner_alive(pid))
			continue;
		inst = tracefs_instance_alloc(NULL, names[i]);
		if (inst && !tracefs_instance_destroy(inst)) {
			removed++;
			if (log)
				fprintf(log, "finit-ftrace: removed stale instance %s (pid %d is gone)\n",
					names[i], pid);
		} else {
			failed++;
			if (log)
				fprintf(log, "finit-ftrace: cannot remove stale instance %s: %s "
					"(is a reader still holding its trace_pipe_raw?)\n",
					names[i], strerror(errno));
		}
		tracefs_instance_free(inst);
	}
	tracefs_list_free(names);
	/* after the instances: a stale instance may still have them enabled */
	n = finit_dynevents_reclaim(prefix, log);
	if (n < 0)
		failed++;
	else
		removed += n;
	restore_user_buf(prefix, -1, log);
	return failed ? -1 : removed;
}

/* read_file - a whole tracefs file (top level), NUL-terminated */
static char *read_file(const char *rel, int *size)
{
	return tracefs_instance_file_read(NULL, rel, size);
}

/* add_format - parse the format of @sys:@ev into @tep */
static int add_format(struct tep_handle *tep, const char *sys, const char *ev,
		      char *err, size_t errlen)
{
	int size = 0, ret;
	char *buf = tracefs_event_file_read(NULL, sys, ev, "format", &size);

	if (!buf) {
		snprintf(err, errlen, "cannot read the format of %s:%s", sys, ev);
		return -1;
	}
	ret = tep_parse_event(tep, buf, size, sys);
	free(buf);
	if (ret) {
		snprintf(err, errlen, "libtraceevent cannot parse the format of %s:%s", sys, ev);
		return -1;
	}
	return 0;
}

/*
 * build_tep - a tep handle from header_page and the formats of our events
 * only: no /proc/kallsyms, no walk over every event.
 */
static struct tep_handle *build_tep(struct finit_session *s, char *err, size_t errlen)
{
	struct tep_handle *tep = tep_alloc();
	enum tep_endian endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				 TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN;
	char *hdr;
	int size;

	if (!tep) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tep_set_long_size(tep, sizeof(long));
	tep_set_page_size(tep, getpagesize());
	tep_set_file_bigendian(tep, endian);
	tep_set_local_bigendian(tep, endian);
	hdr = read_file("events/header_page", &size);
	if (!hdr || tep_parse_header_page(tep, hdr, size, sizeof(long))) {
		snprintf(err, errlen, "cannot read or parse events/header_page");
		goto fail;
	}
	free(hdr);
	hdr = NULL;
	for (int i = 0; i < s->nevents; i++)
		if (add_format(tep, s->events[i].sys, s->events[i].name, err, errlen) < 0)
			goto fail;
	return tep;
fail:
	free(hdr);
	tep_free(tep);
	return NULL;
}

/* add_event - one more event to enable, with its kernel filter (may be NULL) */
static void add_event(struct finit_session *s, const char *sys, const char *name,
		      const char *filter)
{
	struct finit_session_event *e;

	if (s->nevents == FINIT_MAX_EVENTS)
		return;
	e = &s->events[s->nevents++];
	snprintf(e->sys, sizeof(e->sys), "%s", sys);
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->filter, sizeof(e->filter), "%s", filter ? filter : "");
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
 * choose_events - what to enable: per syscall the enter (the syscalls
 * event, or our dynamic event) and the exit, module_load/free where the
 * kernel has them, and raw_syscalls for the ids the syscalls events cannot
 * show (everything on the fallback path; 32-bit callers otherwise, since
 * the syscalls events skip compat tasks).
 */
static void choose_events(struct finit_session *s, unsigned int events, bool compat)
{
	const struct finit_sysnr *t = finit_sysnr_lookup(s->probe.machine);

	for (int sys = 0; sys < FINIT_SYS_NR && s->path == FINIT_PATH_SYSCALLS; sys++) {
		char enter[64], exit_[64];

		if (!(events & (1u << sys)))
			continue;
		snprintf(enter, sizeof(enter), "sys_enter_%s", finit_syscall_name(sys));
		snprintf(exit_, sizeof(exit_), "sys_exit_%s", finit_syscall_name(sys));
		if (s->dyn[sys])
			add_event(s, s->group, finit_syscall_name(sys), NULL);
		/* the native tier's enter stays the enter; its eprobe adds the exact string */
		if ((!s->dyn[sys] || s->exact) &&
		    tracefs_event_file_exists(NULL, "syscalls", enter, "format"))
			add_event(s, "syscalls", enter, NULL);
		if (tracefs_event_file_exists(NULL, "syscalls", exit_, "format"))
			add_event(s, "syscalls", exit_, NULL);
	}
	if (s->probe.module_load &&
	    (events & ((1u << FINIT_SYS_FINIT_MODULE) | (1u << FINIT_SYS_INIT_MODULE))))
		add_event(s, "module", "module_load", NULL);
	if ((events & (1u << FINIT_EV_MODULE_FREE)) &&
	    tracefs_event_file_exists(NULL, "module", "module_free", "format"))
		add_event(s, "module", "module_free", NULL);
	if (!t || !s->probe.raw_enter || !s->probe.raw_exit ||
	    (s->path == FINIT_PATH_SYSCALLS && !compat))
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

/* kernel_error - the instance's error_log (with its caret), or strerror */
static void kernel_error(struct finit_session *s, const char *what, const char *expr,
			 int saved_errno, char *err, size_t errlen)
{
	char *log = tracefs_error_all(s->inst);

	if (log && *log)
		snprintf(err, errlen, "the kernel rejected %s '%s':\n%s", what, expr, log);
	else
		snprintf(err, errlen, "the kernel rejected %s '%s': %s", what, expr,
			 strerror(saved_errno));
	free(log);
}

/* write_filter - write @expr to an event's filter in our instance */
static int write_filter(struct finit_session *s, const char *sys, const char *ev,
			const char *expr)
{
	tracefs_error_clear(s->inst);
	return tracefs_event_file_write(s->inst, sys, ev, "filter", expr) < 0 ? -1 : 0;
}

/* Fields a kernel filter may name on the finit_module event, specials included. */
static const char *const kernel_fields[] = {
	"fd", "uargs", "flags", "__syscall_nr",
	"common_pid", "common_type", "common_flags", "common_preempt_count",
	"comm", "COMM", "cpu", "CPU", "common_cpu", NULL
};

/*
 * raw_filter - the kernel filter for raw_syscalls:sys_enter that applies
 * @expr to the finit_module ids only: "((F) && (EXPR)) || (O)".
 */
static char *raw_filter(const struct finit_session *s, const char *expr)
{
	char *f = NULL;
	int n;

	if (s->raw_other_ids[0])
		n = asprintf(&f, "((%s) && (%s)) || %s", s->raw_finit_ids, expr, s->raw_other_ids);
	else
		n = asprintf(&f, "(%s) && (%s)", s->raw_finit_ids, expr);
	return n < 0 ? NULL : f;
}

/*
 * apply_filters - the fixed filters (raw_syscalls ids) and the user's
 * expression, which applies to finit_module calls. The kernel evaluates it
 * on the finit_module enter event (syscalls or ours), and on raw_syscalls
 * too when it names only fields every event has (common_pid, comm, cpu).
 * Otherwise raw_syscalls records (the fallback path, and 32-bit callers)
 * lack its fields, and it runs in user space on the decoded arguments.
 */
static int apply_filters(struct finit_session *s, const char *expr,
			 struct finit_decoder *dec, char *err, size_t errlen)
{
	char uerr[512], *both;
	bool raw = false;

	for (int i = 0; i < s->nevents; i++) {
		struct finit_session_event *e = &s->events[i];

		raw |= !strcmp(e->sys, "raw_syscalls");
		if (e->filter[0] && write_filter(s, e->sys, e->name, e->filter) < 0) {
			kernel_error(s, "filter", e->filter, errno, err, errlen);
			return FINIT_EXIT_FAIL;
		}
		if (expr && s->path == FINIT_PATH_SYSCALLS &&
		    !strcmp(e->name, !strcmp(e->sys, "syscalls") ? "sys_enter_finit_module" :
				     "finit_module") &&
		    (!strcmp(e->sys, "syscalls") || !strcmp(e->sys, s->group)) &&
		    write_filter(s, e->sys, e->name, expr) < 0) {
			kernel_error(s, "filter", expr, errno, err, errlen);
			return FINIT_EXIT_USAGE;
		}
	}
	if (!expr || !raw || !s->raw_finit_ids[0])
		return FINIT_EXIT_OK;
	/* Names raw_syscalls has but finit_module lacks (id, args) are errors. */
	if (finit_filter_check(expr, kernel_fields, false, uerr, sizeof(uerr)) < 0) {
		snprintf(err, errlen, "bad filter on syscalls:sys_enter_finit_module's fields:\n%s",
			 uerr);
		return FINIT_EXIT_USAGE;
	}
	both = raw_filter(s, expr);
	if (both && !write_filter(s, "raw_syscalls", "sys_enter", both)) {
		free(both);
		return FINIT_EXIT_OK;	/* only common fields: the kernel does it all */
	}
	free(both);
	/* a rejected filter leaves the event unfiltered: put the ids back */
	if (write_filter(s, "raw_syscalls", "sys_enter", s->raw_ids) < 0) {
		kernel_error(s, "filter", s->raw_ids, errno, err, errlen);
		return FINIT_EXIT_FAIL;
	}
	if (finit_decoder_set_filter(dec, expr, true, uerr, sizeof(uerr)) < 0) {
		snprintf(err, errlen, "bad filter for user-space evaluation on raw_syscalls "
			 "records: comm and cpu cannot be combined with fd, uargs or flags "
			 "there:\n%s", uerr);
		return FINIT_EXIT_USAGE;
	}
	s->user_filter = true;
	return FINIT_EXIT_OK;
}

/* subbuf_size - bytes per read of trace_pipe_raw: the sub-buffer size */
static int subbuf_size(struct finit_session *s)
{
	long long kb;

	if (!tracefs_instance_file_read_number(s->inst, "buffer_subbuf_size_kb", &kb) && kb > 0)
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
	save_user_buf(v);
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

/* setup_tier - choose the string tier; create its dynamic events */
static void setup_tier(struct finit_session *s, const struct finit_config *cfg)
{
	char err[1024];
	enum finit_tier dyn;

	s->tier = finit_tier_choose(&s->probe);
	s->exact = finit_tier_exact(&s->probe, s->tier);
	finit_group_name(cfg->instance_prefix, (int)getpid(), s->group, sizeof(s->group));
	dyn = s->exact ? s->exact : s->tier;
	if (dyn != FINIT_TIER_EPROBE && dyn != FINIT_TIER_KPROBE)
		return;
	if (!finit_dynevents_create(dyn, s->group, s->probe.machine,
				    cfg->events & ((1u << FINIT_SYS_NR) - 1), s->dyn,
				    err, sizeof(err)))
		return;
	if (s->exact) {
		fprintf(stderr, "finit-ftrace: %s; strings the native field cuts or "
			"sanitizes come from /proc\n", err);
		s->exact = 0;
		return;
	}
	fprintf(stderr, "finit-ftrace: %s; falling back to reading strings from /proc\n",
		err);
	s->tier = FINIT_TIER_PROCFS;
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
	s->subbuf_size = subbuf_size(s);
	return 0;
}

int finit_session_open(struct finit_session *s, const struct finit_config *cfg,
		       struct finit_decoder **dec, char *err, size_t errlen)
{
	int ret = FINIT_EXIT_FAIL;

	memset(s, 0, sizeof(*s));
	*dec = NULL;
	if (finit_tracefs_locate(cfg->tracefs_path, true, &s->probe, err, errlen) < 0)
		return s->probe.root ? FINIT_EXIT_UNSUPPORTED : FINIT_EXIT_FAIL;
	finit_probe_kernel(&s->probe);
	s->path = s->probe.path;
	if (s->path == FINIT_PATH_NONE) {
		snprintf(err, errlen, "this kernel (%s %s) has neither syscalls:sys_enter_finit_module "
			 "nor raw_syscalls:sys_enter (CONFIG_FTRACE_SYSCALLS is off?)",
			 s->probe.kernel, s->probe.machine);
		return FINIT_EXIT_UNSUPPORTED;
	}
	if (!s->probe.root) {
		snprintf(err, errlen, "creating a tracefs instance needs root: run as root");
		return FINIT_EXIT_FAIL;
	}
	finit_session_reclaim(cfg->instance_prefix, stderr);
	setup_tier(s, cfg);
	choose_events(s, cfg->events, cfg->compat);
	if (!s->nevents) {
		snprintf(err, errlen, "none of the selected events (--events) exists on this kernel");
		ret = FINIT_EXIT_UNSUPPORTED;
		goto fail;
	}
	s->tep = build_tep(s, err, errlen);
	if (!s->tep)
		goto fail;
	*dec = finit_decoder_alloc(s->tep, finit_sysnr_lookup(s->probe.machine), s->group);
	if (!*dec) {
		snprintf(err, errlen, "no decodable event among the %s events",
			 finit_path_name(s->path));
		goto fail;
	}
	snprintf(s->name, sizeof(s->name), "%s-%d", cfg->instance_prefix, (int)getpid());
	snprintf(s->prefix, sizeof(s->prefix), "%s", cfg->instance_prefix);
	s->inst = tracefs_instance_create(s->name);
	if (!s->inst) {
		snprintf(err, errlen, "cannot create tracefs instance %s: %s", s->name,
			 strerror(errno));
		goto fail;
	}
	if (configure(s, cfg, err, errlen) < 0)
		goto fail;
	ret = apply_filters(s, cfg->filter, *dec, err, errlen);
	if (ret != FINIT_EXIT_OK)
		goto fail;
	if (s->tier == FINIT_TIER_NATIVE)
		raise_user_buf(s, *dec);
	return FINIT_EXIT_OK;
fail:
	if (ret == FINIT_EXIT_OK)
		ret = FINIT_EXIT_FAIL;
	finit_session_close(s);
	finit_decoder_free(*dec);
	*dec = NULL;
	return ret;
}

int finit_session_enable(struct finit_session *s, char *err, size_t errlen)
{
	for (int i = 0; i < s->nevents; i++) {
		struct finit_session_event *e = &s->events[i];

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

int finit_session_cpu_stats(struct finit_session *s, int cpu,
			    unsigned long long *overrun, unsigned long long *dropped)
{
	char file[64], *buf, *p;

	snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
	buf = tracefs_instance_file_read(s->inst, file, NULL);
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

int finit_session_close(struct finit_session *s)
{
	int ret = 0;

	if (s->inst) {
		tracefs_trace_off(s->inst);
		for (int i = 0; i < s->nevents; i++)
			tracefs_event_file_write(s->inst, s->events[i].sys, s->events[i].name,
						 "enable", "0");
		if (tracefs_instance_destroy(s->inst) < 0) {
			fprintf(stderr, "finit-ftrace: cannot remove instance %s: %s; "
				"run 'finit-ftrace cleanup'\n", s->name, strerror(errno));
			ret = -1;
		}
		tracefs_instance_free(s->inst);
		s->inst = NULL;
	}
	/* after the instance, which had them enabled */
	if (finit_dynevents_destroy(s->dyn) < 0)
		ret = -1;
	if (s->user_buf_raised) {
		restore_user_buf(s->prefix, (int)getpid(), NULL);
		s->user_buf_raised = false;
	}
	if (s->tep) {
		tep_free(s->tep);
		s->tep = NULL;
	}
	return ret;
}
