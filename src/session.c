// SPDX-License-Identifier: MIT
/*
 * session.c - the tracefs session. We only ever write inside our own
 * instance (<prefix>-<pid>); the top level and other instances are read only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
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

/* owner_alive - the pid of an instance still runs finit-ftrace */
static bool owner_alive(int pid)
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

int finit_session_reclaim(const char *prefix, FILE *log)
{
	char **names = tracefs_instances(NULL);
	int removed = 0, failed = 0;

	for (int i = 0; names && names[i]; i++) {
		struct tracefs_instance *inst;
		int pid = instance_pid(names[i], prefix);

		if (pid < 0 || owner_alive(pid))
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
static struct tep_handle *build_tep(const char *const (*events)[2], char *err, size_t errlen)
{
	struct tep_handle *tep = tep_alloc();
	char *hdr;
	int size;

	if (!tep) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tep_set_long_size(tep, sizeof(long));
	tep_set_page_size(tep, getpagesize());
	tep_set_file_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
			       TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	hdr = read_file("events/header_page", &size);
	if (!hdr || tep_parse_header_page(tep, hdr, size, sizeof(long))) {
		snprintf(err, errlen, "cannot read or parse events/header_page");
		goto fail;
	}
	free(hdr);
	hdr = NULL;
	for (int i = 0; events[i][0]; i++)
		if (add_format(tep, events[i][0], events[i][1], err, errlen) < 0)
			goto fail;
	return tep;
fail:
	free(hdr);
	tep_free(tep);
	return NULL;
}

static const char *const syscalls_events[][2] = {
	{ "syscalls", "sys_enter_finit_module" },
	{ "syscalls", "sys_exit_finit_module" },
	{ NULL, NULL },
};
static const char *const raw_events[][2] = {
	{ "raw_syscalls", "sys_enter" },
	{ "raw_syscalls", "sys_exit" },
	{ NULL, NULL },
};

/* events_of - the events a capture path enables */
static const char *const (*events_of(enum finit_path path))[2]
{
	return path == FINIT_PATH_SYSCALLS ? syscalls_events : raw_events;
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
 * apply_filter - the user's expression. On the syscalls path the kernel
 * evaluates it. On the raw path the kernel keeps only our syscall ids; the
 * expression joins them in the kernel when it only names common fields, and
 * otherwise runs in user space on the decoded arguments.
 */
static int apply_filter(struct finit_session *s, const char *expr,
			struct finit_decoder *dec, char *err, size_t errlen)
{
	const struct finit_sysnr *t = finit_sysnr_lookup(s->probe.machine);
	char ids[128], *both = NULL, uerr[512];
	int ret = FINIT_EXIT_OK;

	if (s->path == FINIT_PATH_SYSCALLS) {
		if (expr && write_filter(s, "syscalls", "sys_enter_finit_module", expr) < 0) {
			kernel_error(s, "filter", expr, errno, err, errlen);
			return FINIT_EXIT_USAGE;
		}
		return FINIT_EXIT_OK;
	}
	snprintf(ids, sizeof(ids), "id == %d", t->nr[FINIT_SYS_FINIT_MODULE]);
	if (write_filter(s, "raw_syscalls", "sys_exit", ids) < 0) {
		kernel_error(s, "filter", ids, errno, err, errlen);
		return FINIT_EXIT_FAIL;
	}
	if (!expr) {
		if (write_filter(s, "raw_syscalls", "sys_enter", ids) < 0) {
			kernel_error(s, "filter", ids, errno, err, errlen);
			return FINIT_EXIT_FAIL;
		}
		return FINIT_EXIT_OK;
	}
	/* Names raw_syscalls has but finit_module lacks (id, args) are errors. */
	if (finit_filter_check(expr, kernel_fields, false, uerr, sizeof(uerr)) < 0) {
		snprintf(err, errlen, "bad filter on syscalls:sys_enter_finit_module's fields:\n%s",
			 uerr);
		return FINIT_EXIT_USAGE;
	}
	if (asprintf(&both, "(%s) && (%s)", ids, expr) < 0)
		return FINIT_EXIT_FAIL;
	if (!write_filter(s, "raw_syscalls", "sys_enter", both)) {
		free(both);
		return FINIT_EXIT_OK;	/* only common fields: the kernel does it all */
	}
	free(both);
	if (finit_decoder_set_filter(dec, expr, uerr, sizeof(uerr)) < 0) {
		snprintf(err, errlen, "bad filter for user-space evaluation (on the raw_syscalls "
			 "path comm and cpu cannot be combined with fd, uargs or flags):\n%s", uerr);
		ret = FINIT_EXIT_USAGE;
	} else if (write_filter(s, "raw_syscalls", "sys_enter", ids) < 0) {
		kernel_error(s, "filter", ids, errno, err, errlen);
		ret = FINIT_EXIT_FAIL;
	} else {
		s->user_filter = true;
	}
	return ret;
}

/* subbuf_size - bytes per read of trace_pipe_raw: the sub-buffer size */
static int subbuf_size(struct finit_session *s)
{
	long long kb;

	if (!tracefs_instance_file_read_number(s->inst, "buffer_subbuf_size_kb", &kb) && kb > 0)
		return (int)(kb * 1024);
	return getpagesize();
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

	s->tep = build_tep(events_of(s->path), err, errlen);
	if (!s->tep)
		return FINIT_EXIT_FAIL;
	*dec = finit_decoder_alloc(s->tep, finit_sysnr_lookup(s->probe.machine));
	if (!*dec) {
		snprintf(err, errlen, "no decodable event among %s", finit_path_name(s->path));
		goto fail;
	}

	snprintf(s->name, sizeof(s->name), "%s-%d", cfg->instance_prefix, (int)getpid());
	s->inst = tracefs_instance_create(s->name);
	if (!s->inst) {
		snprintf(err, errlen, "cannot create tracefs instance %s: %s", s->name,
			 strerror(errno));
		goto fail;
	}
	if (tracefs_trace_off(s->inst) < 0 ||
	    tracefs_instance_set_buffer_size(s->inst, cfg->buffer_size_kb, -1) < 0) {
		snprintf(err, errlen, "cannot set buffer_size_kb=%lu on instance %s: %s "
			 "(lower [tracefs] buffer_size_kb?)", cfg->buffer_size_kb, s->name,
			 strerror(errno));
		goto fail;
	}
	/* 0: wake readers on every event, or a rare event would wait forever */
	if (tracefs_instance_file_write(s->inst, "buffer_percent", "0") < 0 &&
	    tracefs_file_exists(s->inst, "buffer_percent")) {
		snprintf(err, errlen, "cannot set buffer_percent=0 on instance %s", s->name);
		goto fail;
	}
	if (set_clock(s) < 0) {
		snprintf(err, errlen, "cannot set a trace_clock on instance %s", s->name);
		goto fail;
	}
	/* record-tgid is per instance on newer kernels; never touch the top level's */
	if (tracefs_file_exists(s->inst, "options/record-tgid"))
		s->record_tgid = tracefs_instance_file_write(s->inst, "options/record-tgid", "1") > 0;
	s->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	s->subbuf_size = subbuf_size(s);
	ret = apply_filter(s, cfg->filter, *dec, err, errlen);
	if (ret != FINIT_EXIT_OK)
		goto fail;
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
	const char *const (*ev)[2] = events_of(s->path);

	for (int i = 0; ev[i][0]; i++) {
		if (tracefs_event_enable(s->inst, ev[i][0], ev[i][1]) < 0) {
			snprintf(err, errlen, "cannot enable %s:%s in instance %s: %s",
				 ev[i][0], ev[i][1], s->name, strerror(errno));
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
		tracefs_event_disable(s->inst, NULL, NULL);
		if (tracefs_instance_destroy(s->inst) < 0) {
			fprintf(stderr, "finit-ftrace: cannot remove instance %s: %s; "
				"run 'finit-ftrace cleanup'\n", s->name, strerror(errno));
			ret = -1;
		}
		tracefs_instance_free(s->inst);
		s->inst = NULL;
	}
	if (s->tep) {
		tep_free(s->tep);
		s->tep = NULL;
	}
	return ret;
}
