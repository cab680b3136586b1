/* SPDX-License-Identifier: MIT */
/*
 * session.h - the tracefs session: find tracefs, probe the kernel, own one
 * instance with the module-load events enabled, and tear it all down.
 */
#ifndef FINIT_SESSION_H
#define FINIT_SESSION_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "finit.h"

struct tep_handle;
struct tracefs_instance;
struct finit_decoder;

/* How the module syscalls are captured. */
enum finit_path {
	FINIT_PATH_NONE,
	FINIT_PATH_SYSCALLS,	/* syscalls:sys_enter/exit_finit_module */
	FINIT_PATH_RAW,		/* raw_syscalls:sys_enter/exit, id == __NR_finit_module */
};

/* What this kernel offers, as reported by `check`. */
struct finit_probe {
	char		tracing_dir[PATH_MAX];
	bool		mounted_by_us;
	bool		root;
	char		kernel[65];
	char		machine[65];
	bool		sys_enter_finit;
	bool		sys_exit_finit;
	bool		module_load;
	bool		raw_enter;
	bool		raw_exit;
	bool		dynamic_events;
	bool		eprobe;
	bool		kprobe;
	bool		uargs_field;	/* sys_enter_finit_module carries __uargs_val */
	bool		btf;
	enum finit_path	path;
};

/*
 * At most: 3 syscalls x (enter, its exact eprobe, exit), module_load,
 * module_free, raw_syscalls enter and exit = 13.
 */
#define FINIT_MAX_EVENTS	16

/*
 * syscall_user_buf_size (6.19+) as our first session found it: put back by
 * the last one to close, or by cleanup after a SIGKILL.
 */
#define FINIT_USER_BUF_STATE	"/run/finit-ftrace.syscall_user_buf_size"

/* One event our instance enables, with its fixed kernel filter. */
struct finit_session_event {
	char			sys[96];
	char			name[64];
	char			filter[256];	/* "": none */
};

/* The live session: our instance and what it was set up with. */
struct finit_session {
	struct tracefs_instance	*inst;
	char			name[128];
	char			group[96];		/* our dynamic events' system */
	struct tep_handle	*tep;
	struct finit_probe	probe;
	enum finit_path		path;
	int			tier;			/* enum finit_tier */
	int			exact;			/* its exact complement, 0 none */
	struct tracefs_dynevent	*dyn[FINIT_SYS_NR];
	struct finit_session_event events[FINIT_MAX_EVENTS];
	int			nevents;
	char			raw_ids[256];		/* raw_syscalls filter */
	char			raw_finit_ids[64];	/* its finit_module part */
	char			raw_other_ids[192];	/* the rest */
	bool			user_buf_raised;	/* syscall_user_buf_size */
	char			prefix[64];		/* instance_prefix */
	char			clock[16];
	long long		clock_offset_ns;	/* CLOCK_REALTIME - trace clock */
	bool			record_tgid;
	bool			user_filter;		/* filter runs in user space */
	int			ncpus;
	int			subbuf_size;
};

/*
 * finit_tracefs_locate - find tracefs (or @want), mounting it if allowed.
 * Sets libtracefs's tracing dir. Returns 0, or -1 with a message in @err.
 */
int finit_tracefs_locate(const char *want, bool mount, struct finit_probe *probe,
			 char *err, size_t errlen);

/* finit_probe_kernel - fill @probe with what the kernel offers (after locate) */
void finit_probe_kernel(struct finit_probe *probe);

/* finit_path_name - "syscalls", "raw_syscalls" or "none" */
const char *finit_path_name(enum finit_path path);

/*
 * finit_session_open - choose the events and string tier (creating our
 * eprobe/kprobe events), create and configure our instance, build the tep
 * handle from the needed formats, apply the filters, and make @dec.
 * Returns FINIT_EXIT_OK or another exit code with the reason in @err.
 * On failure nothing is left in tracefs.
 */
int finit_session_open(struct finit_session *s, const struct finit_config *cfg,
		       struct finit_decoder **dec, char *err, size_t errlen);

/* finit_session_enable - turn the chosen events on */
int finit_session_enable(struct finit_session *s, char *err, size_t errlen);

/*
 * finit_session_set_wakeup - wake readers when @percent of a CPU's buffer is
 * full (0: on every event, what a live view needs; a recorder that drains at
 * the end reads whole sub-buffers with fewer wake-ups at 50). -1 on failure.
 */
int finit_session_set_wakeup(struct finit_session *s, int percent);

/* finit_session_stop - stop recording (events stay readable for draining) */
void finit_session_stop(struct finit_session *s);

/* finit_session_cpu_stats - "overrun" and "dropped events" of per_cpu/cpuN/stats */
int finit_session_cpu_stats(struct finit_session *s, int cpu,
			    unsigned long long *overrun, unsigned long long *dropped);

/* finit_session_owner_alive - @pid still runs finit-ftrace (not a recycled pid) */
bool finit_session_owner_alive(int pid);

/* finit_session_close - destroy the instance (all fds on it must be closed) */
int finit_session_close(struct finit_session *s);

/*
 * finit_session_reclaim - destroy instances named <prefix>-<pid>, and
 * dynamic event groups <prefix>_<pid>, whose owner is gone. Each removal is
 * reported on @log. Returns the number removed, or -1 if one could not be
 * removed.
 */
int finit_session_reclaim(const char *prefix, FILE *log);

#endif
