// SPDX-License-Identifier: MIT
/*
 * emit.c - the text, JSON Lines and CSV emitters and their string escaping.
 * Each event is built in memory, written at once and flushed, so a pipe
 * consumer sees it immediately.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emit.h"

struct finit_emitter {
	enum finit_format	fmt;
	FILE			*out;
	struct finit_buf	buf;
	int			header_done;
};

/* buf_reserve - room for @more bytes plus a NUL */
static int buf_reserve(struct finit_buf *b, size_t more)
{
	size_t want = b->len + more + 1;
	char *p;

	if (b->oom)
		return -1;
	if (want <= b->cap)
		return 0;
	if (want < 2 * b->cap)
		want = 2 * b->cap;
	if (want < 256)
		want = 256;
	p = realloc(b->data, want);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->cap = want;
	return 0;
}

void finit_buf_printf(struct finit_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void finit_buf_putc(struct finit_buf *b, char c)
{
	if (buf_reserve(b, 1) < 0)
		return;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void finit_buf_free(struct finit_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/*
 * utf8_len - length of the valid UTF-8 sequence at @s, 0 if invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid).
 */
static int utf8_len(const unsigned char *s)
{
	unsigned int cp;
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void finit_buf_json_string(struct finit_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	if (!s) {
		finit_buf_printf(b, "null");
		return;
	}
	finit_buf_putc(b, '"');
	while (*s) {
		int n = utf8_len(s);

		if (!n) {
			finit_buf_printf(b, "\\udc%02x", *s++);
			continue;
		}
		if (n > 1) {
			while (n--)
				finit_buf_putc(b, (char)*s++);
			continue;
		}
		switch (*s) {
		case '"':  finit_buf_printf(b, "\\\""); break;
		case '\\': finit_buf_printf(b, "\\\\"); break;
		case '\n': finit_buf_printf(b, "\\n"); break;
		case '\r': finit_buf_printf(b, "\\r"); break;
		case '\t': finit_buf_printf(b, "\\t"); break;
		case '\b': finit_buf_printf(b, "\\b"); break;
		case '\f': finit_buf_printf(b, "\\f"); break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				finit_buf_printf(b, "\\u%04x", *s);
			else
				finit_buf_putc(b, (char)*s);
		}
		s++;
	}
	finit_buf_putc(b, '"');
}

void finit_buf_c_string(struct finit_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int n = utf8_len(s);

		if (n > 1) {
			while (n--)
				finit_buf_putc(b, (char)*s++);
			continue;
		}
		switch (*s) {
		case '"':  finit_buf_printf(b, "\\\""); break;
		case '\\': finit_buf_printf(b, "\\\\"); break;
		case '\n': finit_buf_printf(b, "\\n"); break;
		case '\r': finit_buf_printf(b, "\\r"); break;
		case '\t': finit_buf_printf(b, "\\t"); break;
		default:
			if (!n || *s < 0x20 || *s == 0x7f)
				finit_buf_printf(b, "\\x%02x", *s);
			else
				finit_buf_putc(b, (char)*s);
		}
		s++;
	}
}

void finit_buf_csv_field(struct finit_buf *b, const char *s)
{
	struct finit_buf tmp = { 0 };
	int quote;

	if (!s)
		return;
	finit_buf_c_string(&tmp, s);
	if (!tmp.data)
		return;
	quote = strpbrk(tmp.data, ",\"") || tmp.data[0] == ' ' ||
		(tmp.len && tmp.data[tmp.len - 1] == ' ');
	if (quote)
		finit_buf_putc(b, '"');
	for (size_t i = 0; i < tmp.len; i++) {
		if (tmp.data[i] == '"')
			finit_buf_putc(b, '"');
		finit_buf_putc(b, tmp.data[i]);
	}
	if (quote)
		finit_buf_putc(b, '"');
	finit_buf_free(&tmp);
}

void finit_format_time(long long wall_ns, char *buf, size_t len)
{
	time_t sec = (time_t)(wall_ns / 1000000000LL);
	long long ns = wall_ns % 1000000000LL;
	struct tm tm;
	size_t n;

	if (ns < 0) {
		ns += 1000000000LL;
		sec--;
	}
	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09lldZ", ns);
}

/* Fields every format shares. */
struct view {
	char		time[48];
	const char	*flag_names[8];
	int		nflags;
	char		unknown_flags[24];
	char		uargs[24];
	int		has_ret;
	const char	*errname;
};

/* make_view - the derived values of @ev, computed once for any format */
static void make_view(const struct finit_event *ev, struct view *v)
{
	finit_format_time(ev->wall_ns, v->time, sizeof(v->time));
	v->nflags = finit_flags_names(ev->flags, v->flag_names, 8,
				      v->unknown_flags, sizeof(v->unknown_flags));
	snprintf(v->uargs, sizeof(v->uargs), "0x%llx", ev->uargs);
	v->has_ret = ev->origin_ret == FINIT_ORIGIN_KERNEL;
	v->errname = v->has_ret ? finit_errno_name(ev->ret) : NULL;
}

/* json_origin - "key":"origin" or "key":null */
static void json_origin(struct finit_buf *b, const char *key, enum finit_origin o, int comma)
{
	finit_buf_printf(b, "%s\"%s\":", comma ? "," : "", key);
	finit_buf_json_string(b, finit_origin_name(o));
}

static void format_json(struct finit_buf *b, const struct finit_event *ev,
			const struct view *v)
{
	finit_buf_printf(b, "{\"time\":\"%s\",\"ts_ns\":%llu,\"cpu\":%d,\"event\":\"%s\",",
			 v->time, ev->ts, ev->cpu, finit_syscall_name(ev->sys));
	if (ev->pid >= 0)
		finit_buf_printf(b, "\"pid\":%d,", ev->pid);
	else
		finit_buf_printf(b, "\"pid\":null,");
	finit_buf_printf(b, "\"tid\":%d,\"comm\":", ev->tid);
	finit_buf_json_string(b, ev->comm[0] ? ev->comm : NULL);
	finit_buf_printf(b, ",\"compat\":%s,\"args\":{\"fd\":%lld,\"param_values\":",
			 ev->compat ? "true" : "false", ev->fd);
	finit_buf_json_string(b, ev->param_values);
	finit_buf_printf(b, ",\"flags\":%llu},\"flags_names\":[", ev->flags);
	for (int i = 0; i < v->nflags; i++)
		finit_buf_printf(b, "%s\"%s\"", i ? "," : "", v->flag_names[i]);
	finit_buf_printf(b, "],\"uargs_ptr\":\"%s\",", v->uargs);
	if (v->has_ret)
		finit_buf_printf(b, "\"ret\":%lld,\"errno\":", ev->ret);
	else
		finit_buf_printf(b, "\"ret\":null,\"errno\":");
	finit_buf_json_string(b, v->errname);
	finit_buf_printf(b, ",\"module\":");
	finit_buf_json_string(b, ev->module);
	finit_buf_printf(b, ",\"path\":");
	finit_buf_json_string(b, ev->path);
	finit_buf_printf(b, ",\"origin\":{");
	json_origin(b, "pid", ev->origin_pid, 0);
	json_origin(b, "tid", FINIT_ORIGIN_KERNEL, 1);
	json_origin(b, "comm", ev->origin_comm, 1);
	json_origin(b, "args", FINIT_ORIGIN_KERNEL, 1);
	json_origin(b, "param_values", ev->param_values ? FINIT_ORIGIN_KERNEL : FINIT_ORIGIN_NONE, 1);
	json_origin(b, "ret", ev->origin_ret, 1);
	json_origin(b, "module", ev->module ? FINIT_ORIGIN_KERNEL : FINIT_ORIGIN_NONE, 1);
	json_origin(b, "path", ev->path ? FINIT_ORIGIN_PROCFS : FINIT_ORIGIN_NONE, 1);
	finit_buf_printf(b, "}}\n");
}

/* text_quoted - "string" with C escapes, or ? when unknown */
static void text_quoted(struct finit_buf *b, const char *s)
{
	if (!s) {
		finit_buf_putc(b, '?');
		return;
	}
	finit_buf_putc(b, '"');
	finit_buf_c_string(b, s);
	finit_buf_putc(b, '"');
}

static void format_text(struct finit_buf *b, const struct finit_event *ev,
			const struct view *v)
{
	finit_buf_printf(b, "%s cpu%d ", v->time, ev->cpu);
	finit_buf_c_string(b, ev->comm[0] ? ev->comm : "?");
	if (ev->pid >= 0)
		finit_buf_printf(b, "[%d/%d]", ev->pid, ev->tid);
	else
		finit_buf_printf(b, "[?/%d]", ev->tid);
	finit_buf_printf(b, "%s %s(fd=%lld, param_values=", ev->compat ? " compat" : "",
			 finit_syscall_name(ev->sys), ev->fd);
	text_quoted(b, ev->param_values);
	finit_buf_printf(b, ", flags=");
	for (int i = 0; i < v->nflags; i++)
		finit_buf_printf(b, "%s%s", i ? "|" : "", v->flag_names[i]);
	if (!v->nflags)
		finit_buf_putc(b, '0');
	if (v->has_ret)
		finit_buf_printf(b, ") = %lld%s%s", ev->ret, v->errname ? " " : "",
				 v->errname ? v->errname : "");
	else
		finit_buf_printf(b, ") = ? (%s)", finit_origin_name(ev->origin_ret));
	if (ev->module) {
		finit_buf_printf(b, " module=");
		text_quoted(b, ev->module);
	}
	if (ev->path) {
		finit_buf_printf(b, " path=");
		text_quoted(b, ev->path);
	}
	finit_buf_putc(b, '\n');
}

static const char csv_header[] =
	"time,ts_ns,cpu,event,pid,tid,comm,compat,fd,param_values,flags,"
	"flags_names,uargs_ptr,ret,errno,module,path\n";

static void format_csv(struct finit_buf *b, const struct finit_event *ev,
		       const struct view *v)
{
	finit_buf_printf(b, "%s,%llu,%d,%s,", v->time, ev->ts, ev->cpu,
			 finit_syscall_name(ev->sys));
	if (ev->pid >= 0)
		finit_buf_printf(b, "%d", ev->pid);
	finit_buf_printf(b, ",%d,", ev->tid);
	finit_buf_csv_field(b, ev->comm[0] ? ev->comm : NULL);
	finit_buf_printf(b, ",%s,%lld,", ev->compat ? "true" : "false", ev->fd);
	finit_buf_csv_field(b, ev->param_values);
	finit_buf_printf(b, ",%llu,", ev->flags);
	for (int i = 0; i < v->nflags; i++)
		finit_buf_printf(b, "%s%s", i ? "|" : "", v->flag_names[i]);
	finit_buf_printf(b, ",%s,", v->uargs);
	if (v->has_ret)
		finit_buf_printf(b, "%lld", ev->ret);
	finit_buf_printf(b, ",%s,", v->errname ? v->errname : "");
	finit_buf_csv_field(b, ev->module);
	finit_buf_putc(b, ',');
	finit_buf_csv_field(b, ev->path);
	finit_buf_putc(b, '\n');
}

struct finit_emitter *finit_emit_open(enum finit_format fmt, FILE *out)
{
	struct finit_emitter *em = calloc(1, sizeof(*em));

	if (!em)
		return NULL;
	em->fmt = fmt;
	em->out = out;
	return em;
}

int finit_emit_event(struct finit_emitter *em, const struct finit_event *ev)
{
	struct view v;

	em->buf.len = 0;
	make_view(ev, &v);
	if (em->fmt == FINIT_FMT_CSV && !em->header_done) {
		finit_buf_printf(&em->buf, "%s", csv_header);
		em->header_done = 1;
	}
	switch (em->fmt) {
	case FINIT_FMT_JSON:
		format_json(&em->buf, ev, &v);
		break;
	case FINIT_FMT_CSV:
		format_csv(&em->buf, ev, &v);
		break;
	case FINIT_FMT_TEXT:
		format_text(&em->buf, ev, &v);
		break;
	}
	if (em->buf.oom) {
		errno = ENOMEM;
		return -1;
	}
	if (fwrite(em->buf.data, 1, em->buf.len, em->out) != em->buf.len ||
	    fflush(em->out) == EOF)
		return -1;
	return 0;
}

void finit_emit_close(struct finit_emitter *em)
{
	if (!em)
		return;
	finit_buf_free(&em->buf);
	free(em);
}
