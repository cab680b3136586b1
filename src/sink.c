// SPDX-License-Identifier: MIT
/*
 * sink.c - the sink interface, and its first implementation: a file or
 * standard output. A file is opened with O_APPEND (fopen's "a") and opened
 * again by reopen, after logrotate renamed it (SIGHUP).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "sink.h"

struct file_sink {
	struct finit_sink	s;
	FILE			*f;
	char			*path;	/* NULL: not ours to open or close */
};

/* file_write - one fwrite of the whole block */
static int file_write(struct finit_sink *s, const char *data, size_t len)
{
	struct file_sink *fs = (struct file_sink *)s;

	return fwrite(data, 1, len, fs->f) == len ? 0 : -1;
}

/* file_flush - down to the kernel */
static int file_flush(struct finit_sink *s)
{
	return fflush(((struct file_sink *)s)->f) == EOF ? -1 : 0;
}

/* file_reopen - the path again, for a file renamed away; a stream stays */
static int file_reopen(struct finit_sink *s)
{
	struct file_sink *fs = (struct file_sink *)s;
	FILE *f;

	if (!fs->path)
		return 0;
	f = fopen(fs->path, "a");
	if (!f)
		return -1;
	fclose(fs->f);
	fs->f = f;
	return 0;
}

/* file_close - close what we opened, free the sink */
static void file_close(struct finit_sink *s)
{
	struct file_sink *fs = (struct file_sink *)s;

	if (fs->path)
		fclose(fs->f);
	else
		fflush(fs->f);
	free(fs->path);
	free(fs->s.name);
	free(fs);
}

static const struct finit_sink_ops file_ops = {
	.write = file_write,
	.flush = file_flush,
	.reopen = file_reopen,
	.close = file_close,
};

/* file_sink_new - a file sink on @f; @path when we own the stream */
static struct finit_sink *file_sink_new(FILE *f, const char *path, const char *name)
{
	struct file_sink *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->s.ops = &file_ops;
	fs->f = f;
	fs->s.name = strdup(name);
	fs->path = path ? strdup(path) : NULL;
	if (!fs->s.name || (path && !fs->path)) {
		free(fs->s.name);
		free(fs->path);
		free(fs);
		return NULL;
	}
	return &fs->s;
}

/* finit_sink_stream - wrap a stream we do not own */
struct finit_sink *finit_sink_stream(FILE *f, const char *name)
{
	return file_sink_new(f, NULL, name);
}

/* finit_sink_file_open - @path appended to (never truncated: a restart keeps the log), or stdout */
struct finit_sink *finit_sink_file_open(const char *path, char *err, size_t errlen)
{
	struct finit_sink *s;
	FILE *f;

	if (!path)
		return finit_sink_stream(stdout, "stdout");
	f = fopen(path, "a");
	if (!f) {
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		return NULL;
	}
	s = file_sink_new(f, path, path);
	if (!s) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
	}
	return s;
}

/* finit_sink_write - through the sink's operation */
int finit_sink_write(struct finit_sink *s, const char *data, size_t len)
{
	return s->ops->write(s, data, len);
}

/* finit_sink_flush - through the sink's operation */
int finit_sink_flush(struct finit_sink *s)
{
	return s->ops->flush(s);
}

/* finit_sink_reopen - through the sink's operation */
int finit_sink_reopen(struct finit_sink *s)
{
	return s->ops->reopen(s);
}

/* finit_sink_event - through the sink's operation */
int finit_sink_event(struct finit_sink *s, const struct finit_event *ev)
{
	return s->ops->event(s, ev);
}

/* finit_sink_lost - through the sink's operation, if it has one */
void finit_sink_lost(struct finit_sink *s, unsigned long long n)
{
	if (s->ops->lost)
		s->ops->lost(s, n);
}

/* finit_sink_priority - warning for a failed load, notice for the rest */
int finit_sink_priority(const struct finit_event *ev)
{
	bool load = ev->sys == FINIT_SYS_FINIT_MODULE || ev->sys == FINIT_SYS_INIT_MODULE;

	return load && ev->origin_ret == FINIT_ORIGIN_KERNEL && ev->ret < 0 ? LOG_WARNING :
	       LOG_NOTICE;
}

/* finit_sink_alloc - the common part of every sink */
struct finit_sink *finit_sink_alloc(size_t size, const struct finit_sink_ops *ops,
				    const char *name)
{
	struct finit_sink *s = calloc(1, size);

	if (!s)
		return NULL;
	s->ops = ops;
	s->name = strdup(name);
	if (!s->name) {
		free(s);
		return NULL;
	}
	return s;
}

/* finit_sink_free - its name, then itself */
void finit_sink_free(struct finit_sink *s)
{
	free(s->name);
	free(s);
}

/* finit_sink_noop - nothing to do */
int finit_sink_noop(struct finit_sink *s)
{
	(void)s;
	return 0;
}

/* finit_sink_close - through the sink's operation */
void finit_sink_close(struct finit_sink *s)
{
	if (s)
		s->ops->close(s);
}
