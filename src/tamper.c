// SPDX-License-Identifier: MIT
/*
 * tamper.c - a snapshot of the instance files that decide what the kernel
 * records, compared with the same files at the end of the run.
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
	struct tracefs_instance	*inst;
	int			n;		/* files */
	char			**file;		/* relative to the instance */
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

/* watch_file - an inotify watch for writes to @file of the instance, or -1 */
static int watch_file(const struct finit_tamper *t, const char *file)
{
	char *path;
	int wd;

	if (t->ifd < 0)
		return -1;
	path = tracefs_instance_get_file(t->inst, file);
	if (!path)
		return -1;
	wd = inotify_add_watch(t->ifd, path, IN_MODIFY);
	tracefs_put_tracing_file(path);
	return wd;
}

/* add_file - one more watched file (its name, its value now, its watch); -1 */
static int add_file(struct finit_tamper *t, char *file)
{
	if (!file)
		return -1;
	t->file[t->n] = file;
	t->value[t->n] = read_value(t->inst, file);
	t->wd[t->n] = watch_file(t, file);
	t->n++;
	return t->value[t->n - 1] ? 0 : -1;
}

/* event_file - "events/SYS/NAME/WHAT", allocated */
static char *event_file(const struct finit_evsel *e, const char *what)
{
	char *f;

	return asprintf(&f, "events/%s/%s/%s", e->sys, e->name, what) < 0 ? NULL : f;
}

struct finit_tamper *finit_tamper_take(struct tracefs_instance *inst,
				       const struct finit_evsel *ev, int n)
{
	struct finit_tamper *t = calloc(1, sizeof(*t));
	int max = TOP_FILES + 2 * n;

	if (!t)
		return NULL;
	t->inst = inst;
	t->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	t->file = calloc(max, sizeof(*t->file));
	t->value = calloc(max, sizeof(*t->value));
	t->wd = calloc(max, sizeof(*t->wd));
	t->said = calloc(max, 1);
	if (!t->file || !t->value || !t->wd || !t->said || add_file(t, strdup("tracing_on")) < 0 ||
	    add_file(t, strdup("buffer_size_kb")) < 0)
		goto fail;
	for (int i = 0; i < n; i++)
		if (add_file(t, event_file(&ev[i], "enable")) < 0 ||
		    add_file(t, event_file(&ev[i], "filter")) < 0)
			goto fail;
	return t;
fail:
	finit_tamper_free(t);
	return NULL;
}

int finit_tamper_check(const struct finit_tamper *t, char *what, size_t len)
{
	int changed = 0;

	for (int i = 0; t && i < t->n; i++) {
		char *now = read_value(t->inst, t->file[i]);

		if (now && !strcmp(now, t->value[i])) {
			free(now);
			continue;
		}
		if (!changed++)
			snprintf(what, len, "%s was '%s', now '%s'", t->file[i], t->value[i],
				 now ? now : "(out of memory)");
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
			char *now;

			if (i < 0 || !(ev->mask & IN_MODIFY))
				continue;
			writes++;
			if (t->said[i] || *what)
				continue;	/* each file described once */
			t->said[i] = 1;
			now = read_value(t->inst, t->file[i]);
			snprintf(what, len, "%s (armed with '%s', reads '%s' now)", t->file[i], t->value[i],
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
	free(t->file);
	free(t->value);
	free(t->wd);
	free(t->said);
	free(t);
}
