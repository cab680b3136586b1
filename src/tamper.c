// SPDX-License-Identifier: MIT
/*
 * tamper.c - a snapshot of the instance files that decide what the kernel
 * records (of our instance, and of the protected loads buffer's), compared
 * with the same files at the end of the run.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <tracefs.h>

#include "tamper.h"

#define TOP_FILES	2	/* tracing_on, buffer_size_kb */

struct finit_tamper {
	struct tracefs_instance	*main;		/* files of others are named with theirs */
	int			n;		/* files */
	struct tracefs_instance	**inst;		/* each file's */
	char			**file;		/* relative to its instance */
	char			**value;	/* as read when armed */
	int			*wd;		/* inotify watch per file, -1 none */
	unsigned char		*said;		/* a write to the file was described */
	int			ifd;		/* inotify, -1 if unavailable */
};

/* read_value - @file of @inst, trailing newlines cut; "(unreadable)" if it cannot be read */
static char *read_value(struct tracefs_instance *inst, const char *file)
{
	char *v = tracefs_instance_file_read(inst, file, NULL);
	size_t len;

	if (!v)
		return strdup("(unreadable)");
	len = strlen(v);
	while (len && v[len - 1] == '\n')
		v[--len] = '\0';
	return v;
}

/* watch_file - an inotify watch for writes to file @i, or -1 */
static int watch_file(const struct finit_tamper *t, int i)
{
	char *path;
	int wd;

	if (t->ifd < 0)
		return -1;
	path = tracefs_instance_get_file(t->inst[i], t->file[i]);
	if (!path)
		return -1;
	wd = inotify_add_watch(t->ifd, path, IN_MODIFY);
	tracefs_put_tracing_file(path);
	return wd;
}

/* grow - room for @more files; -1 */
static int grow(struct finit_tamper *t, int more)
{
	int cap = t->n + more;
	void *p[5] = {
		reallocarray(t->inst, cap, sizeof(*t->inst)),
		reallocarray(t->file, cap, sizeof(*t->file)),
		reallocarray(t->value, cap, sizeof(*t->value)),
		reallocarray(t->wd, cap, sizeof(*t->wd)),
		reallocarray(t->said, cap, 1),
	};

	/* each that moved is kept, so that a failure frees what is there */
	t->inst = p[0] ? p[0] : t->inst;
	t->file = p[1] ? p[1] : t->file;
	t->value = p[2] ? p[2] : t->value;
	t->wd = p[3] ? p[3] : t->wd;
	t->said = p[4] ? p[4] : t->said;
	return p[0] && p[1] && p[2] && p[3] && p[4] ? 0 : -1;
}

/* add_file - one more watched file of @inst (its name, its value now, its watch); -1 */
static int add_file(struct finit_tamper *t, struct tracefs_instance *inst, char *file)
{
	if (!file)
		return -1;
	t->inst[t->n] = inst;
	t->file[t->n] = file;
	t->value[t->n] = read_value(inst, file);
	t->said[t->n] = 0;
	t->wd[t->n] = watch_file(t, t->n);
	t->n++;
	return t->value[t->n - 1] ? 0 : -1;
}

/* event_file - "events/SYS/NAME/WHAT", allocated */
static char *event_file(const struct finit_evsel *e, const char *what)
{
	char *f;

	return asprintf(&f, "events/%s/%s/%s", e->sys, e->name, what) < 0 ? NULL : f;
}

/* finit_tamper_add - tracing_on, buffer_size_kb, each event's enable and filter of @inst */
int finit_tamper_add(struct finit_tamper *t, struct tracefs_instance *inst,
		     const struct finit_evsel *ev, int n)
{
	if (grow(t, TOP_FILES + 2 * n) < 0 || add_file(t, inst, strdup("tracing_on")) < 0 ||
	    add_file(t, inst, strdup("buffer_size_kb")) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (add_file(t, inst, event_file(&ev[i], "enable")) < 0 ||
		    add_file(t, inst, event_file(&ev[i], "filter")) < 0)
			return -1;
	return 0;
}

struct finit_tamper *finit_tamper_take(struct tracefs_instance *inst,
				       const struct finit_evsel *ev, int n)
{
	struct finit_tamper *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->main = inst;
	t->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (finit_tamper_add(t, inst, ev, n) < 0) {
		finit_tamper_free(t);
		return NULL;
	}
	return t;
}

/* name_of - file @i as said: "FILE" of our instance, "INSTANCE/FILE" of another */
static const char *name_of(const struct finit_tamper *t, int i, char *buf, size_t len)
{
	if (t->inst[i] == t->main)
		return t->file[i];
	snprintf(buf, len, "%s/%s", tracefs_instance_get_name(t->inst[i]), t->file[i]);
	return buf;
}

int finit_tamper_check(const struct finit_tamper *t, char *what, size_t len)
{
	int changed = 0;

	for (int i = 0; t && i < t->n; i++) {
		char *now = read_value(t->inst[i], t->file[i]), name[256];

		if (now && !strcmp(now, t->value[i])) {
			free(now);
			continue;
		}
		if (!changed++)
			snprintf(what, len, "%s was '%s', now '%s'", name_of(t, i, name, sizeof(name)),
				 t->value[i], now ? now : "(out of memory)");
		free(now);
	}
	return changed;
}

int finit_tamper_fd(const struct finit_tamper *t)
{
	return t ? t->ifd : -1;
}

/* file_of - the index of inotify watch @wd, or -1 */
static int file_of(const struct finit_tamper *t, int wd)
{
	for (int i = 0; i < t->n; i++)
		if (t->wd[i] == wd)
			return i;
	return -1;
}

int finit_tamper_writes(struct finit_tamper *t, char *what, size_t len)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int writes = 0;
	ssize_t n;

	*what = '\0';
	while (t && t->ifd >= 0 && (n = read(t->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n; p += sizeof(struct inotify_event) +
		     ((struct inotify_event *)p)->len) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			int i = file_of(t, ev->wd);
			char *now, name[256];

			if (i < 0 || !(ev->mask & IN_MODIFY))
				continue;
			writes++;
			if (t->said[i] || *what)
				continue;	/* each file described once */
			t->said[i] = 1;
			now = read_value(t->inst[i], t->file[i]);
			snprintf(what, len, "%s (armed with '%s', reads '%s' now)",
				 name_of(t, i, name, sizeof(name)), t->value[i],
				 now ? now : "(out of memory)");
			free(now);
		}
	}
	return writes;
}

void finit_tamper_free(struct finit_tamper *t)
{
	if (!t)
		return;
	if (t->ifd >= 0)
		close(t->ifd);
	for (int i = 0; i < t->n; i++) {
		free(t->file[i]);
		free(t->value[i]);
	}
	free(t->inst);
	free(t->file);
	free(t->value);
	free(t->wd);
	free(t->said);
	free(t);
}
