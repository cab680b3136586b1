// SPDX-License-Identifier: MIT
/*
 * context.c - resolve comm and tgid for a tid. The kernel's own tables
 * (saved_cmdlines, saved_tgids at the top of tracefs, read only) are tried
 * first and tagged "kernel"; /proc is the fallback and tagged "procfs".
 * The tables are read at most once per read round, on a miss.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "context.h"

struct entry {
	int	tid;
	int	tgid;			/* 0: not in saved_tgids */
	char	comm[FINIT_COMM_LEN];	/* "": not in saved_cmdlines */
};

struct finit_context {
	bool		kernel_tgids;
	bool		loaded;		/* tables read this round */
	struct entry	*tab;
	size_t		n;
	size_t		cap;
};

struct finit_context *finit_context_alloc(bool kernel_tgids)
{
	struct finit_context *ctx = calloc(1, sizeof(*ctx));

	if (ctx)
		ctx->kernel_tgids = kernel_tgids;
	return ctx;
}

void finit_context_free(struct finit_context *ctx)
{
	if (!ctx)
		return;
	free(ctx->tab);
	free(ctx);
}

void finit_context_expire(struct finit_context *ctx)
{
	ctx->loaded = false;
	ctx->n = 0;
}

/* lookup - the table entry of @tid, created when @create */
static struct entry *lookup(struct finit_context *ctx, int tid, bool create)
{
	struct entry *e;

	for (size_t i = 0; i < ctx->n; i++)
		if (ctx->tab[i].tid == tid)
			return &ctx->tab[i];
	if (!create)
		return NULL;
	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 256;

		e = realloc(ctx->tab, cap * sizeof(*e));
		if (!e)
			return NULL;
		ctx->tab = e;
		ctx->cap = cap;
	}
	e = &ctx->tab[ctx->n++];
	memset(e, 0, sizeof(*e));
	e->tid = tid;
	return e;
}

/* load_tables - parse saved_cmdlines ("pid comm") and saved_tgids ("pid tgid") */
static void load_tables(struct finit_context *ctx)
{
	char *buf, *line, *save = NULL;
	int size;

	ctx->loaded = true;
	ctx->n = 0;
	buf = tracefs_instance_file_read(NULL, "saved_cmdlines", &size);
	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		struct entry *e;

		if (!sp || sp[1] == '<')	/* "<...>" means unknown */
			continue;
		e = lookup(ctx, atoi(line), true);
		if (e)
			snprintf(e->comm, sizeof(e->comm), "%s", sp + 1);
	}
	free(buf);
	if (!ctx->kernel_tgids)
		return;
	save = NULL;
	buf = tracefs_instance_file_read(NULL, "saved_tgids", &size);
	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		int tid, tgid;
		struct entry *e;

		if (sscanf(line, "%d %d", &tid, &tgid) != 2 || tgid <= 0)
			continue;
		e = lookup(ctx, tid, true);
		if (e)
			e->tgid = tgid;
	}
	free(buf);
}

int finit_procfs_comm(int tid, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/%d/comm", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, (int)len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ret = 0;
	}
	fclose(f);
	return ret;
}

int finit_procfs_tgid(int tid)
{
	char path[64], line[128];
	int tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* resolve - fill what the cached tables know; returns what is still missing */
static int resolve(struct finit_context *ctx, struct finit_event *ev)
{
	struct entry *e = lookup(ctx, ev->tid, false);

	if (!ev->comm[0] && e && e->comm[0]) {
		snprintf(ev->comm, sizeof(ev->comm), "%s", e->comm);
		ev->origin_comm = FINIT_ORIGIN_KERNEL;
	}
	if (ev->pid < 0 && e && e->tgid > 0) {
		ev->pid = e->tgid;
		ev->origin_pid = FINIT_ORIGIN_KERNEL;
	}
	return !ev->comm[0] || ev->pid < 0;
}

/*
 * finit_context_fill - kernel tables, then /proc. The kernel saves a task's
 * comm and tgid when it is next switched out, so a task that exits between
 * our first table read and the /proc read is found by reading the tables
 * once more.
 */
void finit_context_fill(struct finit_context *ctx, struct finit_event *ev)
{
	ev->pid = -1;
	ev->origin_pid = FINIT_ORIGIN_NONE;
	ev->comm[0] = '\0';
	ev->origin_comm = FINIT_ORIGIN_NONE;
	if (!resolve(ctx, ev))
		return;
	if (!ctx->loaded) {
		load_tables(ctx);
		if (!resolve(ctx, ev))
			return;
	}
	if (!ev->comm[0] && !finit_procfs_comm(ev->tid, ev->comm, sizeof(ev->comm)))
		ev->origin_comm = FINIT_ORIGIN_PROCFS;
	if (ev->pid < 0 && (ev->pid = finit_procfs_tgid(ev->tid)) > 0)
		ev->origin_pid = FINIT_ORIGIN_PROCFS;
	if (ev->comm[0] && ev->pid > 0)
		return;
	ev->pid = ev->pid > 0 ? ev->pid : -1;
	load_tables(ctx);
	resolve(ctx, ev);
}
