// SPDX-License-Identifier: MIT
/*
 * config.c - parse configs/finit-ftrace.ini with libinih; reject anything unknown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "finit.h"
#include "outputs.h"
#include "sink-syslog.h"

#define DEFAULT_PREFIX		"finit-ftrace"
#define DEFAULT_BUFFER_KB	4096UL	/* per CPU, as Tracee's perf buffers */
#define DEFAULT_SPOOL_MB	256UL
#define MAX_SPOOL_MB		(64UL * 1024)	/* 64 GiB in memory */
#define MAX_BUFFER_KB		(4UL * 1024 * 1024)	/* 4 GiB per CPU */
#define DEFAULT_METRICS_S	15UL
#define MAX_METRICS_S		86400UL

/* finit_config_events_parse - a comma-separated list, or "all" */
int finit_config_events_parse(const char *s, unsigned int *mask)
{
	char *copy = strdup(s), *tok, *save = NULL;
	unsigned int m = 0;
	int ret = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int e = finit_names_syscall_parse(tok);

		if (!strcmp(tok, "all"))
			m |= FINIT_EVENTS_ALL;
		else if (e < 0)
			ret = -1;
		else
			m |= 1u << e;
	}
	free(copy);
	if (ret < 0 || !m)
		return -1;
	*mask = m;
	return 0;
}

/* set_bool - "true" or "false", else an error naming [section] key */
static int set_bool(int *dst, const char *section, const char *key, const char *value,
		    char *err, size_t errlen)
{
	if (strcmp(value, "true") && strcmp(value, "false")) {
		snprintf(err, errlen, "[%s] %s: '%s' is not true or false", section, key, value);
		return -1;
	}
	*dst = !strcmp(value, "true");
	return 0;
}

int finit_config_init(struct finit_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->instance_prefix = strdup(DEFAULT_PREFIX);
	cfg->buffer_size_kb = DEFAULT_BUFFER_KB;
	cfg->format = FINIT_FMT_TEXT;
	cfg->events = FINIT_EVENTS_ALL;
	cfg->compat = 1;
	cfg->selftest = 1;
	cfg->spool_mb = DEFAULT_SPOOL_MB;
	cfg->metrics_interval = DEFAULT_METRICS_S;
	cfg->syslog_facility = LOG_AUTHPRIV;
	return cfg->instance_prefix ? 0 : -1;
}

void finit_config_free(struct finit_config *cfg)
{
	free(cfg->tracefs_path);
	free(cfg->instance_prefix);
	free(cfg->filter);
	free(cfg->output);
	free(cfg->metrics_file);
	finit_policy_free(cfg->policy);
	memset(cfg, 0, sizeof(*cfg));
}

/* set_string - replace *dst; an empty value means "unset" (NULL) */
static int set_string(char **dst, const char *value)
{
	char *copy = NULL;

	if (*value) {
		copy = strdup(value);
		if (!copy)
			return -1;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

/* valid_prefix - instance names become directory names: keep them plain */
static int valid_prefix(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!(*s == '-' || *s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* set_path - an absolute path, or empty for auto-detection */
static int set_path(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	if (*value && *value != '/') {
		snprintf(err, errlen, "[tracefs] path: '%s' is not an absolute path", value);
		return -1;
	}
	return set_string(&cfg->tracefs_path, value);
}

/* set_prefix - a plain instance name prefix */
static int set_prefix(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	if (!valid_prefix(value)) {
		snprintf(err, errlen,
			 "[tracefs] instance_prefix: '%s' must be 1-64 characters of [A-Za-z0-9_-]",
			 value);
		return -1;
	}
	return set_string(&cfg->instance_prefix, value);
}

/* set_number - *dst from @value, a whole number from 1 to @max; else an error */
static int set_number(unsigned long *dst, unsigned long max, const char *what,
		      const char *value, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || end == value || *end || *value == '-' || !v || v > max) {
		snprintf(err, errlen, "%s: '%s' is not a number from 1 to %lu", what, value, max);
		return -1;
	}
	*dst = v;
	return 0;
}

/* set_buffer - KiB per CPU, 1 to MAX_BUFFER_KB */
static int set_buffer(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	return set_number(&cfg->buffer_size_kb, MAX_BUFFER_KB, "[tracefs] buffer_size_kb",
			  value, err, errlen);
}

/* set_spool - MiB of spool in memory, 1 to MAX_SPOOL_MB */
static int set_spool(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	return set_number(&cfg->spool_mb, MAX_SPOOL_MB, "[capture] spool_mb", value, err, errlen);
}

/* set_filter - any expression: the kernel (or user space) checks it later */
static int set_filter(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return set_string(&cfg->filter, value);
}

/* set_events - the calls to report */
static int set_events(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	if (finit_config_events_parse(value, &cfg->events) == 0)
		return 0;
	snprintf(err, errlen, "[capture] events: '%s' is not a list of finit_module, "
		 "init_module, delete_module, module_free (or all)", value);
	return -1;
}

/* set_capture_path - auto, syscalls, kprobe or raw_syscalls */
static int set_capture_path(struct finit_config *cfg, const char *value, char *err,
			    size_t errlen)
{
	if (finit_probe_path_parse(value, &cfg->path) == 0)
		return 0;
	snprintf(err, errlen, "[capture] path: '%s' is not one of auto, syscalls, kprobe, "
		 "raw_syscalls", value);
	return -1;
}

/* set_format - a name from the emitters' format table */
static int set_format(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	char names[128];

	if (finit_emit_format_parse(value, &cfg->format) == 0)
		return 0;
	finit_emit_format_list(names, sizeof(names), false);
	snprintf(err, errlen, "[output] format: '%s' is not one of %s", value, names);
	return -1;
}

/* set_output - a file, or empty for stdout */
static int set_output(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return set_string(&cfg->output, value);
}

/* set_metrics_file - the Prometheus textfile, or empty for none */
static int set_metrics_file(struct finit_config *cfg, const char *value, char *err,
			    size_t errlen)
{
	(void)err;
	(void)errlen;
	return set_string(&cfg->metrics_file, value);
}

/* set_metrics_interval - seconds between two writes of the metrics file */
static int set_metrics_interval(struct finit_config *cfg, const char *value, char *err,
				size_t errlen)
{
	return set_number(&cfg->metrics_interval, MAX_METRICS_S, "[output] metrics_interval",
			  value, err, errlen);
}

/* set_sink - a list of sink names; empty: the default (file if set, else stdout) */
static int set_sink(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	char names[96];

	if (!*value)
		cfg->sinks = 0;
	if (!*value || finit_outputs_parse(value, &cfg->sinks) == 0)
		return 0;
	finit_outputs_names(names, sizeof(names));
	snprintf(err, errlen, "[output] sink: '%s' is not a list of %s", value, names);
	return -1;
}

/* set_facility - a syslog facility by name */
static int set_facility(struct finit_config *cfg, const char *value, char *err, size_t errlen)
{
	char names[192];
	int f = finit_sink_syslog_facility(value);

	if (f >= 0) {
		cfg->syslog_facility = f;
		return 0;
	}
	finit_sink_syslog_facilities(names, sizeof(names));
	snprintf(err, errlen, "[output] syslog_facility: '%s' is not one of %s", value, names);
	return -1;
}

/* Every key: a setter, or the offset of a boolean. */
static const struct {
	const char	*section, *key;
	int		(*set)(struct finit_config *cfg, const char *value, char *err,
			       size_t errlen);
	size_t		flag;
} keys[] = {
	{ "tracefs", "path", set_path, 0 },
	{ "tracefs", "instance_prefix", set_prefix, 0 },
	{ "tracefs", "buffer_size_kb", set_buffer, 0 },
	{ "capture", "filter", set_filter, 0 },
	{ "capture", "events", set_events, 0 },
	{ "capture", "hash", NULL, offsetof(struct finit_config, hash) },
	{ "capture", "compat", NULL, offsetof(struct finit_config, compat) },
	{ "capture", "selftest", NULL, offsetof(struct finit_config, selftest) },
	{ "capture", "spool_mb", set_spool, 0 },
	{ "capture", "path", set_capture_path, 0 },
	{ "output", "format", set_format, 0 },
	{ "output", "file", set_output, 0 },
	{ "output", "sink", set_sink, 0 },
	{ "output", "syslog_facility", set_facility, 0 },
	{ "output", "metrics_file", set_metrics_file, 0 },
	{ "output", "metrics_interval", set_metrics_interval, 0 },
	{ "policy", "fail_on_deny", NULL, offsetof(struct finit_config, fail_on_deny) },
};

/* finit_config_set - one key through its row of the table */
int finit_config_set(struct finit_config *cfg, const char *section,
		     const char *key, const char *value, char *err, size_t errlen)
{
	bool known_section = false;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(section, keys[i].section))
			continue;
		known_section = true;
		if (strcmp(key, keys[i].key))
			continue;
		if (keys[i].set)
			return keys[i].set(cfg, value, err, errlen);
		return set_bool((int *)((char *)cfg + keys[i].flag), section, key, value,
				err, errlen);
	}
	/* [policy] default and the [allow NAME] rules */
	if (finit_policy_is_section(section))
		return finit_policy_set(&cfg->policy, section, key, value, err, errlen);
	if (!known_section)
		snprintf(err, errlen, "unknown section [%s] (key '%s'); known: tracefs, capture, "
			 "output, policy, allow NAME", section, key);
	else
		snprintf(err, errlen, "[%s] %s: unknown key", section, key);
	return -1;
}
/* The longest line libinih takes whole (INI_MAX_LINE 200, with newline and NUL). */
#define LINE_MAX_BYTES	198
#define CONFIG_MAX	(1 << 20)

struct load_ctx {
	struct finit_config	*cfg;
	char			msg[512];
	int			failed;
	int			err_line;	/* the line of the first key error */
	const char		*buf;		/* the file, read whole */
	size_t			len, pos;
	int			line;		/* lines handed to libinih so far */
};

/* config_handler - libinih callback: apply one key, remember the first error */
static int config_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct load_ctx *ctx = user;
	char msg[sizeof(ctx->msg)];

	if (!finit_config_set(ctx->cfg, section, name, value, msg, sizeof(msg)))
		return 1;
	if (!ctx->failed) {
		memcpy(ctx->msg, msg, sizeof(msg));
		ctx->err_line = ctx->line;
	}
	ctx->failed = 1;
	return 0;
}

/* reader - libinih's line reader over the buffer, counting lines */
static char *reader(char *str, int num, void *stream)
{
	struct load_ctx *ctx = stream;
	size_t n = 0;

	if (ctx->pos >= ctx->len)
		return NULL;
	while (ctx->pos < ctx->len && n + 1 < (size_t)num) {
		char c = ctx->buf[ctx->pos++];

		str[n++] = c;
		if (c == '\n')
			break;
	}
	str[n] = '\0';
	ctx->line++;
	return str;
}

/* read_config - a regular file, read whole; NULL with why in @err */
static char *read_config(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);	/* a FIFO must not block */
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read config: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file: give an INI file", path);
	} else if (st.st_size > CONFIG_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes: not a config", path, CONFIG_MAX);
	} else {
		buf = malloc((size_t)st.st_size + 1);
		n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
		if (n >= 0) {
			*len = (size_t)n;
		} else {
			snprintf(err, errlen, "%s: cannot read config: %s", path,
				 strerror(buf ? errno : ENOMEM));
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	return buf;
}

/* check_lines - no NUL byte, no line libinih would split; 0, or -1 with FILE:LINE */
static int check_lines(const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	size_t col = 0;
	int line = 1;

	for (size_t i = 0; i < len; i++, col++) {
		if (buf[i] == '\0') {
			snprintf(err, errlen, "%s:%d: a NUL byte: not a text file", path, line);
			return -1;
		}
		if (col >= LINE_MAX_BYTES && buf[i] != '\n') {
			snprintf(err, errlen, "%s:%d: longer than %d bytes, the parser's limit: "
				 "shorten it", path, line, LINE_MAX_BYTES);
			return -1;
		}
		if (buf[i] == '\n') {
			line++;
			col = (size_t)-1;
		}
	}
	return 0;
}

/* finit_config_load - read, check, parse; the error names FILE:LINE */
int finit_config_load(struct finit_config *cfg, const char *path,
		      char *err, size_t errlen)
{
	struct load_ctx ctx = { .cfg = cfg };
	char *buf;
	int line;

	buf = read_config(path, &ctx.len, err, errlen);
	if (!buf)
		return -1;
	ctx.buf = buf;
	line = check_lines(path, buf, ctx.len, err, errlen) ? -2 :
	       ini_parse_stream(reader, &ctx, config_handler, &ctx);
	free(buf);
	if (line == 0) {
		/* a rule on sha256 needs the hash of every module file */
		if (finit_policy_wants_hash(cfg->policy))
			cfg->hash = 1;
		return 0;
	}
	if (line == -1)
		snprintf(err, errlen, "%s: cannot parse config (out of memory)", path);
	else if (line == -2)
		return -1;
	else if (ctx.failed && ctx.err_line <= line)
		snprintf(err, errlen, "%s:%d: %s", path, ctx.err_line, ctx.msg);
	else
		snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)",
			 path, line);
	return -1;
}
