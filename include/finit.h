/* SPDX-License-Identifier: MIT */
/*
 * finit.h - types shared by every part of finit-ftrace.
 */
#ifndef FINIT_H
#define FINIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in the README. */
#define FINIT_EXIT_OK		0	/* success */
#define FINIT_EXIT_FAIL		1	/* runtime failure */
#define FINIT_EXIT_USAGE	2	/* bad usage, bad config or bad filter */
#define FINIT_EXIT_UNSUPPORTED	3	/* the kernel lacks what is needed */
#define FINIT_EXIT_DENIED	4	/* --fail-on-deny: the policy denied an event */

#define FINIT_COMM_LEN		32

/* The module syscalls the tool knows about, and the module_free event. */
enum finit_syscall {
	FINIT_SYS_FINIT_MODULE,
	FINIT_SYS_INIT_MODULE,
	FINIT_SYS_DELETE_MODULE,
	FINIT_SYS_NR,
	FINIT_EV_MODULE_FREE = FINIT_SYS_NR,	/* not a syscall: module:module_free */
	FINIT_EV_MODULE_LOAD,	/* module:module_load that joined no call */
};

/*
 * How the user strings (param_values, delete_module's name) are read, best
 * first (tiers.h):
 *   1 native  - the 6.19+ syscall event carries the string (__uargs_val)
 *   2 eprobe  - an event probe on the syscall event reads +0($uargs):ustring
 *   3 kprobe  - a kprobe on the syscall wrapper reads it through pt_regs
 *   4 procfs  - /proc/PID/mem at the pointer, live only (TOCTOU)
 */
enum finit_tier {
	FINIT_TIER_NONE = 0,
	FINIT_TIER_NATIVE = 1,
	FINIT_TIER_EPROBE = 2,
	FINIT_TIER_KPROBE = 3,
	FINIT_TIER_PROCFS = 4,
};

/* Bit mask of what --events selects. */
#define FINIT_EVENTS_ALL	((1u << (FINIT_EV_MODULE_FREE + 1)) - 1)

/* Where a field's value came from (the "origin" object in the output). */
enum finit_origin {
	FINIT_ORIGIN_NONE,	/* value is null: not captured on this path */
	FINIT_ORIGIN_KERNEL,	/* recorded by the kernel in the trace event */
	FINIT_ORIGIN_PROCFS,	/* read from /proc afterwards: racy, TOCTOU */
	FINIT_ORIGIN_PENDING,	/* ret only: no exit event seen before shutdown */
	FINIT_ORIGIN_DROPPED,	/* ret only: evicted from a full pending table */
	FINIT_ORIGIN_LOST,	/* ret only: the thread made a newer call first */
	FINIT_ORIGIN_FAULT,	/* string: the kernel read faulted, nothing else had it */
	FINIT_ORIGIN_OFFLINE,	/* string/path: needs /proc, not available offline */
	FINIT_ORIGIN_SKIPPED,	/* /proc not read: the decoder was behind (backlog) */
	FINIT_ORIGIN_UNSET,	/* auid, sessionid: /proc says none (4294967295) */
};

/* The policy's verdict on an event (policy.h); NONE: no policy. */
enum finit_policy_verdict {
	FINIT_VERDICT_NONE,
	FINIT_VERDICT_ALLOW,
	FINIT_VERDICT_DENY,
};

/* loginuid and sessionid when the task has none */
#define FINIT_ID_UNSET		4294967295U

/* One decoded trace record, before enter and exit are joined. */
enum finit_rec_kind {
	FINIT_REC_ENTER,
	FINIT_REC_EXIT,
	FINIT_REC_MODULE_LOAD,	/* module:module_load: str = name, taints */
	FINIT_REC_MODULE_FREE,	/* module:module_free: str = name */
	FINIT_REC_STRING,	/* our eprobe beside a native enter: the exact str */
};

/* What the record says about the user string (params, or delete's name). */
enum finit_str_state {
	FINIT_STR_NONE,		/* the event does not carry it */
	FINIT_STR_OK,		/* str holds it */
	FINIT_STR_TRUNCATED,	/* str holds a prefix (the kernel cut it) */
	FINIT_STR_FAULT,	/* the kernel failed to read it: "(fault)", a
				 * zero-length or oversized data_loc, or a
				 * 32-bit caller's pointer with high bits set */
};

/*
 * Arguments by syscall (args[]):
 *   finit_module:  fd, uargs, flags
 *   init_module:   umod, len, uargs
 *   delete_module: name_user, flags, -
 */
struct finit_record {
	enum finit_rec_kind	kind;
	enum finit_syscall	sys;
	unsigned long long	ts;		/* trace clock, ns */
	int			cpu;
	int			tid;
	bool			compat;		/* 32-bit caller (raw id, ia32 kprobe) */
	bool			raw;		/* from raw_syscalls */
	unsigned long long	args[3];
	long long		ret;		/* exit only */
	enum finit_str_state	str_state;
	const char		*str;		/* into the record data: copy it */
	enum finit_tier		tier;		/* which tier read str (0: none) */
	const char		*comm;		/* our probes' $comm, NULL if none */
	unsigned int		taints;		/* module_load only */
};

/* finit_names_str_arg - which args[] index is the string pointer of @sys (-1 none) */
int finit_names_str_arg(enum finit_syscall sys);

/* Process context resolved from /proc (all "procfs", TOCTOU). */
struct finit_proc {
	bool			valid;		/* read while the task existed */
	int			tgid;		/* Tgid of status */
	int			ppid;
	int			uid;
	int			gid;
	char			*exe;
	char			*cgroup;
	char			*container_id;
	/* identity: euid and CapEff from status, the audit ids from their files */
	int			euid;
	unsigned long long	cap_eff;	/* CapEff bits */
	bool			has_auid;	/* /proc/PID/loginuid was read */
	bool			has_sessionid;	/* /proc/PID/sessionid was read */
	unsigned int		auid;		/* FINIT_ID_UNSET: no login uid */
	unsigned int		sessionid;	/* FINIT_ID_UNSET: none */
	/* for the Tracee format: the ids in the task's own pid namespace (the
	 * last entries of NStgid and NSpid), namespace and cgroup inodes, and
	 * start times in epoch ns (0: unknown) */
	int			ns_tgid;
	int			ns_tid;
	int			ns_ppid;
	unsigned long long	mnt_ns;
	unsigned long long	pid_ns;
	unsigned long long	cgroup_id;
	long long		start_ns;	/* the thread */
	long long		leader_start_ns;	/* its thread group leader */
	long long		parent_start_ns;	/* its parent process */
};

/*
 * One module syscall, enter joined with exit and enriched with context.
 * The strings are owned by the event (finit_event_release frees them).
 */
struct finit_event {
	enum finit_syscall	sys;
	unsigned long long	ts;		/* trace clock of the enter, ns */
	long long		wall_ns;	/* ts mapped to CLOCK_REALTIME */
	int			cpu;
	int			tid;
	int			pid;		/* tgid, -1 when unknown */
	char			comm[FINIT_COMM_LEN];
	bool			compat;
	unsigned long long	args[3];	/* as in finit_record */
	long long		ret;
	char			*param_values;	/* finit/init: params; delete: NULL */
	bool			truncated;	/* param_values/module is a prefix */
	bool			str_pending;	/* a probe's string record is due */
	bool			skipped;	/* /proc left unread under backlog */
	char			*module;	/* module_load's name, or delete's name */
	unsigned int		taints;
	bool			has_taints;
	char			*path;		/* behind fd (finit_module) */
	char			*sha256;	/* of path, with --hash */
	struct finit_proc	proc;
	enum finit_origin	origin_pid;
	enum finit_origin	origin_comm;
	enum finit_origin	origin_ret;
	enum finit_origin	origin_str;	/* param_values, or delete's name */
	enum finit_origin	origin_module;
	enum finit_origin	origin_path;
	enum finit_origin	origin_context;	/* when proc is not valid */
	enum finit_policy_verdict verdict;	/* NONE: no policy */
	const char		*rule;		/* the [allow NAME] that matched, or
						 * "default" (the policy owns it) */
};

/*
 * finit_names_join - append item @i of @n, @name, to the list in @buf
 * ("a, b or c"); returns the new length
 */
size_t finit_names_join(char *buf, size_t len, size_t used, size_t i, size_t n,
			const char *name);

/* finit_names_syscall - "finit_module" etc. */
const char *finit_names_syscall(enum finit_syscall sys);

/* finit_names_origin - the origin string used in the output ("unavailable" for none) */
const char *finit_names_origin(enum finit_origin origin);

/* finit_names_verdict - "allow", "deny", NULL for none */
const char *finit_names_verdict(enum finit_policy_verdict v);

/*
 * finit_names_caps - the names of the capability bits set in @caps
 * ("CAP_SYS_MODULE"; an unnamed bit as "CAP_41") into @names, up to @max;
 * returns how many. @spare (@max entries) holds the unnamed ones' text.
 */
int finit_names_caps(unsigned long long caps, const char **names, int max, char (*spare)[16]);

/* finit_names_errno - "ENOSYS" for 38; NULL when unknown or not an error */
const char *finit_names_errno(long long ret);

/* finit_names_syscall_parse - "finit_module" etc.; -1 when unknown */
int finit_names_syscall_parse(const char *name);

/*
 * finit_names_flags - decode a syscall's flags into the kernel's names:
 * MODULE_INIT_* for finit_module, O_NONBLOCK/O_TRUNC for delete_module.
 * Fills @names with up to @max pointers into static strings or @unknown
 * (formatted "0x..") and returns how many were set.
 */
int finit_names_flags(enum finit_syscall sys, unsigned long long flags,
		      const char **names, int max, char *unknown, size_t unknown_len);

#endif
