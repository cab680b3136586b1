// SPDX-License-Identifier: MIT
/*
 * context.c - resolve comm and tgid for a tid. The kernel's own tables
 * (saved_cmdlines, saved_tgids at the top of tracefs, read only) are tried
 * first and tagged "kernel"; /proc is the fallback and tagged "procfs".
 * The tables are read at most once per read round, on a miss.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <tracefs.h>

#include "buf.h"
#include "context.h"
#include "pidclock.h"
#include "sha256.h"

/* since - the read of the tables in which a value first appeared */
struct since {
	struct finit_pidclock	at;	/* the pid clock after that read */
	bool			window;	/* fewer tasks than a pid cycle were made
					 * from the read before it to its end */
};

struct entry {
	int	tid;
	int	tgid;			/* 0: not in saved_tgids */
	char	comm[FINIT_COMM_LEN];	/* "": not in saved_cmdlines */
	unsigned int fresh;		/* gen of a read made for this tid's record */
	unsigned int seen_tgid;		/* gen of the last read that had tgid, */
	unsigned int seen_comm;		/* and comm */
	struct since since_tgid;
	struct since since_comm;
	bool	trust_tgid;		/* judged at the read made for this tid */
	bool	trust_comm;
};

struct finit_context {
	bool		kernel_tgids;
	bool		loaded;		/* the tables were read once */
	unsigned int	gen;		/* how many times */
	struct finit_pidclock start;	/* before the last read of the tables, */
	struct finit_pidclock end;	/* after it, */
	struct finit_pidclock prev_start;	/* and before the read before it */
	struct finit_pidspace space;
	struct tep_handle *offline;	/* offline: comms from the file's tep */
	int		last_tid;	/* offline: the last tid looked up, */
	char		last_comm[FINIT_COMM_LEN];	/* and its comm ("" none) */
	struct entry	*tab;		/* open addressing by tid; tid 0 is free */
	size_t		n;
	size_t		cap;		/* a power of two */
	size_t		want_cap;	/* reserve(): grow to this at the next insert */
};

struct finit_context *finit_context_alloc(bool kernel_tgids)
{
	struct finit_context *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->kernel_tgids = kernel_tgids;
	finit_pidclock_space(&ctx->space);
	return ctx;
}

void finit_context_free(struct finit_context *ctx)
{
	if (!ctx)
		return;
	free(ctx->tab);
	free(ctx);
}


/* lookup - the table entry of @tid, created when @create (hash on tid) */
static struct entry *lookup(struct finit_context *ctx, int tid, bool create)
{
	size_t i;

	if (tid <= 0)
		return NULL;	/* the idle task: never a caller */
	if (create && (2 * (ctx->n + 1) > ctx->cap || ctx->want_cap > ctx->cap)) {
		size_t cap = ctx->want_cap > ctx->cap ? ctx->want_cap :
			     ctx->cap ? 2 * ctx->cap : 1024;
		size_t old_cap = ctx->cap;
		struct entry *old = ctx->tab, *tab = calloc(cap, sizeof(*tab));

		if (!tab)
			return NULL;
		ctx->tab = tab;
		ctx->cap = cap;
		ctx->n = 0;
		ctx->want_cap = 0;
		for (size_t k = 0; old && k < old_cap; k++) {
			struct entry *e;

			if (!old[k].tid || !(e = lookup(ctx, old[k].tid, true)))
				continue;
			*e = old[k];
		}
		free(old);
	}
	if (!ctx->cap)
		return NULL;
	/* tids are dense and the tables list them in order: the identity
	 * hash keeps inserts sequential in memory (a scattering hash made
	 * every insert a cache and TLB miss) */
	for (i = (size_t)tid & (ctx->cap - 1); ctx->tab[i].tid;
	     i = (i + 1) & (ctx->cap - 1))
		if (ctx->tab[i].tid == tid)
			return &ctx->tab[i];
	if (!create)
		return NULL;
	ctx->n++;
	memset(&ctx->tab[i], 0, sizeof(ctx->tab[i]));
	ctx->tab[i].tid = tid;
	return &ctx->tab[i];
}

/* reserve - grow the table once for @more entries (no rehash per doubling) */
static void reserve(struct finit_context *ctx, size_t more)
{
	size_t want = ctx->cap ? ctx->cap : 1024;

	while (2 * (ctx->n + more) > want)
		want *= 2;
	if (want == ctx->cap)
		return;
	/* the next insert rehashes into a table of this size */
	ctx->want_cap = want;
}

/* count_lines - lines in @buf, to size the table before parsing it */
static size_t count_lines(const char *buf)
{
	size_t n = 0;

	for (const char *p = buf; p && (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* note - a value read now: a new one (or one the last read lacked) appeared now */
static void note(const struct finit_context *ctx, unsigned int *seen, struct since *since,
		 bool changed, const struct since *now)
{
	if (now && (changed || *seen + 1 != ctx->gen))
		*since = *now;
	*seen = ctx->gen;
}

/* parse_tgids - saved_tgids text ("pid tgid" lines) into the table; @now: read live */
static void parse_tgids(struct finit_context *ctx, const char *buf, const struct since *now)
{
	const char *p = buf;
	char *end;

	reserve(ctx, count_lines(buf));
	while (p && *p) {
		long tid = strtol(p, &end, 10), tgid = 0;
		struct entry *e;

		if (end != p && *end == ' ')
			tgid = strtol(end + 1, &end, 10);
		if (tid > 0 && tgid > 0 && (e = lookup(ctx, (int)tid, true))) {
			note(ctx, &e->seen_tgid, &e->since_tgid, e->tgid != tgid, now);
			e->tgid = (int)tgid;
		}
		p = strchr(end, '\n');
		p = p ? p + 1 : NULL;
	}
}

struct finit_context *finit_context_alloc_offline(struct tep_handle *tep, const char *tgids)
{
	struct finit_context *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->offline = tep;
	ctx->loaded = true;
	ctx->last_tid = -1;
	parse_tgids(ctx, tgids, NULL);
	return ctx;
}

/* fill_offline - comm from the file's saved_cmdlines, tgid from its saved_tgids */
static void fill_offline(struct finit_context *ctx, struct finit_event *ev)
{
	struct entry *e = lookup(ctx, ev->tid, false);

	ev->pid = -1;
	ev->origin_pid = FINIT_ORIGIN_OFFLINE;
	ev->comm[0] = '\0';
	ev->origin_comm = FINIT_ORIGIN_OFFLINE;
	/* the file's table does not change: remember the last answer */
	if (ev->tid != ctx->last_tid) {
		ctx->last_tid = ev->tid;
		ctx->last_comm[0] = '\0';
		if (tep_is_pid_registered(ctx->offline, ev->tid))
			snprintf(ctx->last_comm, sizeof(ctx->last_comm), "%s",
				 tep_data_comm_from_pid(ctx->offline, ev->tid));
	}
	if (ctx->last_comm[0]) {
		memcpy(ev->comm, ctx->last_comm, sizeof(ev->comm));
		ev->origin_comm = FINIT_ORIGIN_KERNEL;
	}
	if (e && e->tgid > 0) {
		ev->pid = e->tgid;
		ev->origin_pid = FINIT_ORIGIN_KERNEL;
	}
}

/* parse_cmdlines - saved_cmdlines text ("pid comm" lines) into the table */
static void parse_cmdlines(struct finit_context *ctx, const char *buf, const struct since *now)
{
	const char *line, *nl;

	reserve(ctx, count_lines(buf));
	for (line = buf; line && *line; line = nl ? nl + 1 : NULL) {
		const char *sp = strchr(line, ' ');
		char comm[FINIT_COMM_LEN];
		struct entry *e;
		size_t len;

		nl = strchr(line, '\n');
		if (!sp || (nl && sp > nl) || sp[1] == '<')	/* "<...>" means unknown */
			continue;
		e = lookup(ctx, atoi(line), true);
		if (!e)
			continue;
		len = (nl ? (size_t)(nl - sp) : strlen(sp)) - 1;
		if (len >= sizeof(comm))
			len = sizeof(comm) - 1;
		memcpy(comm, sp + 1, len);
		comm[len] = '\0';
		note(ctx, &e->seen_comm, &e->since_comm, strcmp(e->comm, comm), now);
		memcpy(e->comm, comm, sizeof(comm));
	}
}

/*
 * load_tables - read saved_cmdlines and saved_tgids, with the pid clock
 * before and after: a value that changed since the read before this one
 * was written after that read began.
 */
static void load_tables(struct finit_context *ctx)
{
	char *cmdlines, *tgids = NULL;
	struct since now;

	ctx->prev_start = ctx->start;
	finit_pidclock_read(&ctx->start);
	cmdlines = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);
	if (ctx->kernel_tgids)
		tgids = tracefs_instance_file_read(NULL, "saved_tgids", NULL);
	finit_pidclock_read(&ctx->end);
	ctx->loaded = true;
	ctx->gen++;
	now = (struct since){ ctx->end, ctx->prev_start.ok && ctx->end.ok &&
			      ctx->end.forks - ctx->prev_start.forks < ctx->space.cycle };
	parse_cmdlines(ctx, cmdlines, &now);
	parse_tgids(ctx, tgids, &now);
	free(cmdlines);
	free(tgids);
}

/*
 * written_since - the value of @s was written while @tid's task held @tid.
 * It was written after the read before the one it appeared in began; with
 * fewer than a pid cycle of new tasks from then to now, it is the task's
 * own unless the task's pid was handed out after that read (the kernel's
 * tables keep a gone task's values until the next holder of the pid is
 * saved, which needs a record on its CPU and a switch).
 */
static bool written_since(const struct finit_context *ctx, const struct since *s, int tid)
{
	return s->window && !finit_pidclock_handed_out(&ctx->space, tid, &s->at, &ctx->end);
}

/*
 * read_serves - the last read of the tables began after @tid was handed
 * out: its values can be judged for @tid's task (written_since needs a read
 * that ends after that). One read then serves every gone caller of a
 * backlog, rather than one read (~6 ms) per caller.
 */
static bool read_serves(const struct finit_context *ctx, int tid)
{
	struct finit_pidclock now;

	finit_pidclock_read(&now);
	return !finit_pidclock_handed_out(&ctx->space, tid, &ctx->start, &now);
}

/* judge - after a read made for @e's tid: which of its values the task wrote */
static void judge(struct finit_context *ctx, struct entry *e)
{
	e->fresh = ctx->gen;
	e->trust_comm = written_since(ctx, &e->since_comm, e->tid);
	/* the kernel saves the tgid (no lock) at every save of the comm: a
	 * new comm means a new save, even of an unchanged tgid */
	e->trust_tgid = e->trust_comm || written_since(ctx, &e->since_tgid, e->tid);
}

/* resolve - fill what the last read of the tables said of ev's tid */
static void resolve(struct finit_context *ctx, struct finit_event *ev, bool judged)
{
	struct entry *e = lookup(ctx, ev->tid, false);

	if (!e)
		return;
	if (!ev->comm[0] && e->seen_comm == ctx->gen && e->comm[0] &&
	    (!judged || e->trust_comm)) {
		snprintf(ev->comm, sizeof(ev->comm), "%s", e->comm);
		ev->origin_comm = FINIT_ORIGIN_KERNEL;
	}
	if (ev->pid < 0 && e->seen_tgid == ctx->gen && e->tgid > 0 &&
	    (!judged || e->trust_tgid)) {
		ev->pid = e->tgid;
		ev->origin_pid = FINIT_ORIGIN_KERNEL;
	}
}

/*
 * check_live - while the task runs, /proc is current (the tgid from the
 * status read into ev->proc just before, the comm now); the kernel's entry
 * may belong to an earlier task with the same (recycled) pid, saved before
 * this one was first switched out. Where they differ, /proc wins.
 * Returns false when the task is gone.
 */
static bool check_live(struct finit_event *ev)
{
	char comm[FINIT_COMM_LEN];
	int tgid = ev->proc.valid ? ev->proc.tgid : -1;

	/* both or neither: a task gone between the reads keeps no stale half */
	if (tgid <= 0 || finit_procfs_comm(ev->tid, comm, sizeof(comm)))
		return false;
	if (strcmp(ev->comm, comm)) {
		snprintf(ev->comm, sizeof(ev->comm), "%s", comm);
		ev->origin_comm = FINIT_ORIGIN_PROCFS;
	}
	if (ev->pid != tgid) {
		ev->pid = tgid;
		ev->origin_pid = FINIT_ORIGIN_PROCFS;
	}
	return true;
}

/* clear - pid and comm unknown */
static void clear(struct finit_event *ev)
{
	ev->pid = -1;
	ev->origin_pid = FINIT_ORIGIN_NONE;
	ev->comm[0] = '\0';
	ev->origin_comm = FINIT_ORIGIN_NONE;
}

/* task_running - @tid exists and has not exited (a zombie has) */
static bool task_running(int tid)
{
	char path[64], buf[256], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

void finit_context_settle(struct finit_context *ctx, const int *tids, int n, int ms,
			  struct finit_buf *comms, struct finit_buf *tgids)
{
	const struct timespec tick = { .tv_nsec = 5 * 1000 * 1000 };

	/*
	 * Wait on /proc, not on the tables: the kernel only trylocks them to
	 * save a comm, and every read of saved_cmdlines holds that lock.
	 */
	for (int waited = 0, alive = n; alive && waited < ms; waited += 5) {
		alive = 0;
		for (int i = 0; i < n; i++)
			alive += task_running(tids[i]);
		nanosleep(&tick, NULL);	/* a zombie is a moment from its last switch */
	}
	load_tables(ctx);
	for (int i = 0; i < n; i++) {
		struct finit_event ev = { .tid = tids[i] };
		struct entry *e = lookup(ctx, tids[i], false);

		clear(&ev);
		if (e)
			judge(ctx, e);
		resolve(ctx, &ev, true);
		if (ev.comm[0])
			finit_buf_printf(comms, "%d %s\n", ev.tid, ev.comm);
		if (ev.pid > 0)
			finit_buf_printf(tgids, "%d %d\n", ev.tid, ev.pid);
	}
}

void finit_context_preload(struct finit_context *ctx)
{
	if (!ctx->offline && !ctx->loaded)
		load_tables(ctx);
}

void finit_context_fill(struct finit_context *ctx, struct finit_event *ev, bool procfs)
{
	struct entry *e;

	if (ctx->offline) {
		fill_offline(ctx, ev);
		return;
	}
	clear(ev);
	if (!ctx->loaded)
		load_tables(ctx);
	resolve(ctx, ev, false);
	if (procfs && check_live(ev))
		return;
	/*
	 * Gone, or not looked up in /proc: the tables, and of them only what
	 * this task wrote (the entry of a pid handed out again keeps the last
	 * holder's values until the new one is switched out after a record).
	 * A read is made when the last began before the tid was handed out.
	 */
	clear(ev);
	e = lookup(ctx, ev->tid, false);
	if (!e || e->fresh != ctx->gen) {
		if (!read_serves(ctx, ev->tid))
			load_tables(ctx);
		e = lookup(ctx, ev->tid, true);
		if (e)
			judge(ctx, e);
	}
	resolve(ctx, ev, true);
}

/* set_string - store @str (copied) as the event's user string with @origin */
static void set_string(struct finit_event *ev, const char *str, enum finit_origin origin,
		       bool truncated)
{
	char *copy = str ? strdup(str) : NULL;

	if (ev->sys == FINIT_SYS_DELETE_MODULE) {
		free(ev->module);
		ev->module = copy;
		ev->origin_module = copy ? origin : FINIT_ORIGIN_NONE;
	} else {
		free(ev->param_values);
		ev->param_values = copy;
	}
	ev->origin_str = copy || origin != FINIT_ORIGIN_KERNEL ? origin : FINIT_ORIGIN_NONE;
	if (!copy && ev->sys == FINIT_SYS_DELETE_MODULE)
		ev->origin_module = ev->origin_str;
	ev->truncated = copy && truncated;
}

void finit_context_strings(struct finit_event *ev, const struct finit_record *r, bool live)
{
	int arg = finit_names_str_arg(ev->sys);
	bool cut = false;
	char *mem;

	if (arg < 0)
		return;
	if (r->str_state == FINIT_STR_OK) {
		set_string(ev, r->str, FINIT_ORIGIN_KERNEL, false);
		return;
	}
	/* the kernel's copy is missing, faulted or cut: read it while in flight */
	mem = live ? finit_procfs_string(ev->tid, ev->args[arg], &cut) : NULL;
	if (mem && (r->str_state != FINIT_STR_TRUNCATED ||
		    !strncmp(mem, r->str, strlen(r->str) - 3))) {
		set_string(ev, mem, FINIT_ORIGIN_PROCFS, cut);
	} else if (r->str_state == FINIT_STR_TRUNCATED) {
		set_string(ev, r->str, FINIT_ORIGIN_KERNEL, true);
	} else {
		set_string(ev, NULL, r->str_state == FINIT_STR_FAULT ? FINIT_ORIGIN_FAULT :
			   live ? FINIT_ORIGIN_NONE : FINIT_ORIGIN_OFFLINE, false);
	}
	free(mem);
}

void finit_context_recorded_comm(struct finit_event *ev, const char *comm)
{
	if (!comm || !comm[0])
		return;
	snprintf(ev->comm, sizeof(ev->comm), "%s", comm);
	ev->origin_comm = FINIT_ORIGIN_KERNEL;
}

void finit_context_exact(struct finit_event *ev, const struct finit_record *r)
{
	if (!ev || ev->sys != r->sys)
		return;
	if (r->str_state == FINIT_STR_OK)
		set_string(ev, r->str, FINIT_ORIGIN_KERNEL, false);
	finit_context_recorded_comm(ev, r->comm);
}

void finit_context_procfs(struct finit_event *ev, bool hash, bool ids)
{
	finit_procfs_proc(ev->tid, &ev->proc, ids);
	if (ev->sys != FINIT_SYS_FINIT_MODULE)
		return;
	ev->path = finit_procfs_fd_path(ev->tid, (long long)ev->args[0]);
	ev->origin_path = ev->path ? FINIT_ORIGIN_PROCFS : FINIT_ORIGIN_NONE;
	if (hash && ev->path)
		ev->sha256 = finit_procfs_sha256(ev->tid, (long long)ev->args[0]);
}
