// SPDX-License-Identifier: MIT
/*
 * tamper.c - a snapshot of the instance files that decide what the kernel
 * records (of our instance, and of the protected loads buffer's), compared
 * with the same files at the end of the run.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <tracefs.h>

#include "tamper.h"

/* One watched file. */
struct watched {
	struct tracefs_instance	*inst;		/* its instance */
	char			*file;		/* relative to it */
	char			*value;		/* as read when armed */
	int			wd;		/* inotify watch, -1 none */
	bool			said;		/* a write to it was described */
};

struct finit_tamper {
	struct tracefs_instance	*main;		/* files of others are named with theirs */
	struct watched		*w;
	int			n;		/* files */
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

/* watch_file - an inotify watch for writes to @w's file, or -1 */
static int watch_file(const struct finit_tamper *t, const struct watched *w)
{
	char *path;
	int wd;

	if (t->ifd < 0)
		return -1;
	path = tracefs_instance_get_file(w->inst, w->file);
	if (!path)
		return -1;
	wd = inotify_add_watch(t->ifd, path, IN_MODIFY);
	tracefs_put_tracing_file(path);
	return wd;
}

/* add_file - one more watched file of @inst (its name, its value now, its watch); -1 */
static int add_file(struct finit_tamper *t, struct tracefs_instance *inst, char *file)
{
	struct watched *w = file ? reallocarray(t->w, t->n + 1, sizeof(*t->w)) : NULL;

	if (!w) {
		free(file);
		return -1;
	}
	t->w = w;
	w += t->n;
	*w = (struct watched){ .inst = inst, .file = file, .value = read_value(inst, file) };
	w->wd = watch_file(t, w);
	t->n++;
	return w->value ? 0 : -1;
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
	if (add_file(t, inst, strdup("tracing_on")) < 0 ||
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

/* name_of - @w's file as said: "FILE" of our instance, "INSTANCE/FILE" of another */
static const char *name_of(const struct finit_tamper *t, const struct watched *w, char *buf,
			   size_t len)
{
	if (w->inst == t->main)
		return w->file;
	snprintf(buf, len, "%s/%s", tracefs_instance_get_name(w->inst), w->file);
	return buf;
}

int finit_tamper_check(const struct finit_tamper *t, char *what, size_t len)
{
	int changed = 0;

	for (int i = 0; t && i < t->n; i++) {
		const struct watched *w = &t->w[i];
		char *now = read_value(w->inst, w->file), name[256];

		if (now && !strcmp(now, w->value)) {
			free(now);
			continue;
		}
		if (!changed++)
			snprintf(what, len, "%s was '%s', now '%s'", name_of(t, w, name, sizeof(name)),
				 w->value, now ? now : "(out of memory)");
		free(now);
	}
	return changed;
}

int finit_tamper_fd(const struct finit_tamper *t)
{
	return t ? t->ifd : -1;
}

/* watched_of - the file of inotify watch @wd, or NULL */
static struct watched *watched_of(const struct finit_tamper *t, int wd)
{
	for (int i = 0; i < t->n; i++)
		if (t->w[i].wd == wd)
			return &t->w[i];
	return NULL;
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
			struct watched *w = watched_of(t, ev->wd);
			char *now, name[256];

			if (!w || !(ev->mask & IN_MODIFY))
				continue;
			writes++;
			if (w->said || *what)
				continue;	/* each file described once */
			w->said = true;
			now = read_value(w->inst, w->file);
			snprintf(what, len, "%s (armed with '%s', reads '%s' now)",
				 name_of(t, w, name, sizeof(name)), w->value,
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
		free(t->w[i].file);
		free(t->w[i].value);
	}
	free(t->w);
	free(t);
}
