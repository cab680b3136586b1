// SPDX-License-Identifier: MIT
/*
 * emit.c - the text, JSON Lines and CSV emitters and their string escaping.
 * Each event is built in memory and written at once: flushed at every
 * event, so a pipe consumer sees it immediately, or in batches of
 * EMIT_BATCH bytes for an offline reader.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emit.h"
#include "emit-json.h"
#include "emit-policy.h"
#include "tracee.h"

#define EMIT_BATCH	(64 * 1024)

struct finit_emitter {
	enum finit_format	fmt;
	struct finit_sink	*sink;
	bool			batch;
	struct finit_buf	buf;
	int			header_done;
	long long		time_sec;	/* the second time_prefix shows */
	char			time_prefix[32];
	struct finit_emit_json_cache json;	/* the last JSON line's end */
};

/* time_split - seconds and nanoseconds of @wall_ns, nanoseconds >= 0 */
static long long time_split(long long wall_ns, long long *ns)
{
	long long sec = wall_ns / 1000000000LL;

	*ns = wall_ns % 1000000000LL;
	if (*ns < 0) {
		*ns += 1000000000LL;
		sec--;
	}
	return sec;
}

/* time_prefix - "YYYY-MM-DDTHH:MM:SS" of @sec */
static void time_prefix(long long sec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* time_nanos - ".NNNNNNNNNZ" into @buf (12 bytes with the NUL) */
static void time_nanos(long long ns, char *buf)
{
	buf[0] = '.';
	finit_buf_digits(buf + 10, (unsigned long long)ns, 9);
	buf[10] = 'Z';
	buf[11] = '\0';
}

void finit_emit_time(long long wall_ns, char *buf, size_t len)
{
	long long ns, sec = time_split(wall_ns, &ns);
	char nanos[12];

	time_prefix(sec, buf, len);
	time_nanos(ns, nanos);
	snprintf(buf + strlen(buf), len - strlen(buf), "%s", nanos);
}


/* taint_letters - module_load's taints as the kernel prints them */
static void taint_letters(unsigned int t, char *buf)
{
	static const struct { unsigned int bit; char c; } l[] = {
		{ 0, 'P' }, { 12, 'O' }, { 1, 'F' }, { 10, 'C' }, { 13, 'E' },
	};

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		if (t & (1u << l[i].bit))
			*buf++ = l[i].c;
	*buf = '\0';
}

/* hex - "0x..." of @v into @buf (at least 19 bytes) */
static void hex(unsigned long long v, char *buf)
{
	int n = v ? (64 - __builtin_clzll(v) + 3) / 4 : 1;

	buf[0] = '0';
	buf[1] = 'x';
	buf[n + 2] = '\0';
	for (int i = n + 1; i >= 2; i--, v >>= 4)
		buf[i] = "0123456789abcdef"[v & 15];
}

/* view_time - the event's time, the date part formatted once a second */
static void view_time(struct finit_emitter *em, long long wall_ns, struct finit_emit_view *v)
{
	long long ns, sec = time_split(wall_ns, &ns);
	size_t n;

	if (sec != em->time_sec || !em->time_prefix[0]) {
		time_prefix(sec, em->time_prefix, sizeof(em->time_prefix));
		em->time_sec = sec;
	}
	n = strlen(em->time_prefix);
	memcpy(v->time, em->time_prefix, n);
	time_nanos(ns, v->time + n);
}

/* view_call - the call's names: flags, addresses, errno */
static void view_call(const struct finit_event *ev, struct finit_emit_view *v)
{
	int str = finit_names_str_arg(ev->sys);

	v->nflags = v->flags_arg < 0 ? 0 :
		    finit_names_flags(ev->sys, ev->args[v->flags_arg], v->flag_names, 8,
				      v->unknown_flags, sizeof(v->unknown_flags));
	v->ptr[0] = '\0';
	if (str >= 0)
		hex(ev->args[str], v->ptr);
	v->umod[0] = '\0';
	if (ev->sys == FINIT_SYS_INIT_MODULE)
		hex(ev->args[0], v->umod);
	v->errname = v->has_ret ? finit_names_errno(ev->ret) : NULL;
	v->call = NULL;
}

/*
 * make_view - the derived values of @ev, computed once for any format;
 * JSON's line asks for the call's names only when its cache misses
 */
static void make_view(struct finit_emitter *em, const struct finit_event *ev, struct finit_emit_view *v)
{
	view_time(em, ev->wall_ns, v);
	v->fd_arg = ev->sys == FINIT_SYS_FINIT_MODULE ? 0 : -1;
	v->flags_arg = ev->sys == FINIT_SYS_FINIT_MODULE ? 2 :
		       ev->sys == FINIT_SYS_DELETE_MODULE ? 1 : -1;
	v->json = &em->json;
	v->has_ret = ev->origin_ret == FINIT_ORIGIN_KERNEL;
	v->taints[0] = '\0';
	if (ev->has_taints)
		taint_letters(ev->taints, v->taints);
	if (em->fmt == FINIT_FMT_JSON)
		v->call = view_call;
	else
		view_call(ev, v);
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

/* text_flags - NAME|NAME or 0 */
static void text_flags(struct finit_buf *b, const struct finit_emit_view *v)
{
	for (int i = 0; i < v->nflags; i++)
		finit_buf_printf(b, "%s%s", i ? "|" : "", v->flag_names[i]);
	if (!v->nflags)
		finit_buf_putc(b, '0');
}

/* text_args - the call's arguments inside the parentheses */
static void text_args(struct finit_buf *b, const struct finit_event *ev, const struct finit_emit_view *v)
{
	switch (ev->sys) {
	case FINIT_SYS_FINIT_MODULE:
		finit_buf_printf(b, "fd=%lld, param_values=", (long long)ev->args[0]);
		text_quoted(b, ev->param_values);
		finit_buf_printf(b, ", flags=");
		text_flags(b, v);
		break;
	case FINIT_SYS_INIT_MODULE:
		finit_buf_printf(b, "umod=0x%llx, len=%llu, param_values=", ev->args[0],
				 ev->args[1]);
		text_quoted(b, ev->param_values);
		break;
	case FINIT_SYS_DELETE_MODULE:
		finit_buf_printf(b, "name=");
		text_quoted(b, ev->module);
		finit_buf_printf(b, ", flags=");
		text_flags(b, v);
		break;
	default:
		text_quoted(b, ev->module);
		break;
	}
}

/* format_text - one readable line, strace-like */
static void format_text(struct finit_buf *b, const struct finit_event *ev,
			const struct finit_emit_view *v)
{
	finit_buf_printf(b, "%s cpu%d ", v->time, ev->cpu);
	finit_buf_c_string(b, ev->comm[0] ? ev->comm : "?");
	if (ev->pid >= 0)
		finit_buf_printf(b, "[%d/%d]", ev->pid, ev->tid);
	else
		finit_buf_printf(b, "[?/%d]", ev->tid);
	finit_buf_printf(b, "%s %s(", ev->compat ? " compat" : "", finit_names_syscall(ev->sys));
	text_args(b, ev, v);
	if (ev->sys == FINIT_EV_MODULE_FREE || ev->sys == FINIT_EV_MODULE_LOAD)
		finit_buf_putc(b, ')');
	else if (v->has_ret)
		finit_buf_printf(b, ") = %lld%s%s", ev->ret, v->errname ? " " : "",
				 v->errname ? v->errname : "");
	else
		finit_buf_printf(b, ") = ? (%s)", finit_names_origin(ev->origin_ret));
	if (ev->truncated)
		finit_buf_printf(b, " truncated");
	if (ev->sys == FINIT_EV_MODULE_LOAD && ev->has_taints && v->taints[0])
		finit_buf_printf(b, " taints=%s", v->taints);
	if (ev->module && ev->sys < FINIT_SYS_NR && ev->sys != FINIT_SYS_DELETE_MODULE) {
		finit_buf_printf(b, " module=");
		text_quoted(b, ev->module);
		if (ev->has_taints && v->taints[0])
			finit_buf_printf(b, " taints=%s", v->taints);
	}
	if (ev->path) {
		finit_buf_printf(b, " path=");
		text_quoted(b, ev->path);
	}
	if (ev->sha256)
		finit_buf_printf(b, " sha256=%s", ev->sha256);
	if (ev->proc.container_id) {
		finit_buf_printf(b, " container=");
		finit_buf_c_string(b, ev->proc.container_id);
	}
	finit_emit_policy_text(b, ev);
	finit_buf_putc(b, '\n');
}

static const char csv_header[] =
	"time,ts_ns,cpu,event,pid,tid,comm,compat,fd,param_values,flags,"
	"flags_names,uargs_ptr,ret,errno,module,taints,path,sha256,truncated,"
	"ppid,uid,gid,exe,cgroup,container_id" FINIT_EMIT_POLICY_CSV "\n";

/* csv_int - N, or an empty field */
static void csv_int(struct finit_buf *b, long long v, bool known)
{
	if (known)
		finit_buf_printf(b, "%lld", v);
	finit_buf_putc(b, ',');
}

/* csv_str - a quoted-as-needed field and its comma */
static void csv_str(struct finit_buf *b, const char *s)
{
	finit_buf_csv_field(b, s);
	finit_buf_putc(b, ',');
}

/* format_csv - one CSV row, columns as csv_header */
static void format_csv(struct finit_buf *b, const struct finit_event *ev,
		       const struct finit_emit_view *v)
{
	const struct finit_proc *p = &ev->proc;

	finit_buf_printf(b, "%s,%llu,%d,%s,", v->time, ev->ts, ev->cpu,
			 finit_names_syscall(ev->sys));
	csv_int(b, ev->pid, ev->pid >= 0);
	finit_buf_printf(b, "%d,", ev->tid);
	csv_str(b, ev->comm[0] ? ev->comm : NULL);
	finit_buf_printf(b, "%s,", ev->compat ? "true" : "false");
	csv_int(b, v->fd_arg < 0 ? 0 : (long long)ev->args[v->fd_arg], v->fd_arg >= 0);
	csv_str(b, ev->param_values);
	csv_int(b, v->flags_arg < 0 ? 0 : (long long)ev->args[v->flags_arg], v->flags_arg >= 0);
	for (int i = 0; i < v->nflags; i++)
		finit_buf_printf(b, "%s%s", i ? "|" : "", v->flag_names[i]);
	finit_buf_printf(b, ",%s,", v->ptr);
	csv_int(b, ev->ret, v->has_ret);
	finit_buf_printf(b, "%s,", v->errname ? v->errname : "");
	csv_str(b, ev->module);
	finit_buf_printf(b, "%s,", v->taints);
	csv_str(b, ev->path);
	finit_buf_printf(b, "%s,%s,", ev->sha256 ? ev->sha256 : "",
			 ev->truncated ? "true" : "false");
	csv_int(b, p->ppid, p->valid);
	csv_int(b, p->uid, p->valid);
	csv_int(b, p->gid, p->valid);
	csv_str(b, p->exe);
	csv_str(b, p->cgroup);
	finit_buf_csv_field(b, p->container_id);
	finit_emit_policy_csv(b, ev);
	finit_buf_putc(b, '\n');
}

typedef void (*finit_line_fn)(struct finit_buf *b, const struct finit_event *ev,
			      const struct finit_emit_view *v);

/* format_tracee - Tracee's trace.Event (tracee.c) */
static void format_tracee(struct finit_buf *b, const struct finit_event *ev,
			  const struct finit_emit_view *v)
{
	(void)v;
	finit_tracee_line(b, ev);
}

/* The formats: one row each (a new format is one line function and one row). */
static const struct {
	const char	*name;
	const char	*help;
	const char	*header;	/* written once before the first line */
	bool		check;		/* `check` prints its report in it */
	finit_line_fn	line;
} formats[FINIT_FMT_NR] = {
	[FINIT_FMT_TEXT] = { "text", "one line per call", NULL, true, format_text },
	[FINIT_FMT_JSON] = { "json", "JSON Lines", NULL, true, finit_emit_json_line },
	[FINIT_FMT_CSV] = { "csv", "RFC 4180, a header row first", csv_header, false, format_csv },
	[FINIT_FMT_TRACEE] = { "tracee", "Tracee's trace.Event JSON", NULL, false, format_tracee },
};

/* finit_emit_format_parse - by name */
int finit_emit_format_parse(const char *s, enum finit_format *fmt)
{
	for (int i = 0; i < FINIT_FMT_NR; i++) {
		if (!strcmp(s, formats[i].name)) {
			*fmt = (enum finit_format)i;
			return 0;
		}
	}
	return -1;
}

/* finit_emit_format_name - by value */
const char *finit_emit_format_name(enum finit_format fmt)
{
	return fmt < FINIT_FMT_NR ? formats[fmt].name : "?";
}

/* finit_emit_format_for_check - by the table */
bool finit_emit_format_for_check(enum finit_format fmt)
{
	return fmt < FINIT_FMT_NR && formats[fmt].check;
}

/* list - the names (with @help, their help), "a, b or c" */
static void list(char *buf, size_t len, bool check_only, bool help)
{
	size_t n = 0;
	int last = -1, k = 0;

	for (int i = 0; i < FINIT_FMT_NR; i++)
		if (!check_only || formats[i].check)
			last = i;
	buf[0] = '\0';
	for (int i = 0; i < FINIT_FMT_NR && n < len; i++) {
		if (check_only && !formats[i].check)
			continue;
		n += snprintf(buf + n, len - n, "%s%s%s%s%s%s", k ? i == last ? " or" : "," : "",
			      k ? help ? "\n" : " " : "", formats[i].name, help ? " (" : "",
			      help ? formats[i].help : "", help ? ")" : "");
		k++;
	}
}

/* finit_emit_format_list - for messages */
void finit_emit_format_list(char *buf, size_t len, bool check_only)
{
	list(buf, len, check_only, false);
}

/* finit_emit_format_help - for --help: one format per line */
void finit_emit_format_help(char *buf, size_t len)
{
	list(buf, len, false, true);
}

/* finit_emit_open - an emitter of @fmt on @sink */
struct finit_emitter *finit_emit_open(enum finit_format fmt, struct finit_sink *sink,
				      bool batch)
{
	struct finit_emitter *em = calloc(1, sizeof(*em));

	if (!em)
		return NULL;
	em->fmt = fmt < FINIT_FMT_NR ? fmt : FINIT_FMT_TEXT;
	em->sink = sink;
	em->batch = batch;
	return em;
}

/* finit_emit_flush - the batch to the sink, and the sink flushed */
int finit_emit_flush(struct finit_emitter *em)
{
	size_t len = em->buf.len;

	em->buf.len = 0;
	if (em->buf.oom) {
		errno = ENOMEM;
		return -1;
	}
	if (len && finit_sink_write(em->sink, em->buf.data, len) < 0)
		return -1;
	return finit_sink_flush(em->sink);
}

/* finit_emit_line - one line of @fmt, without its header, into @b */
int finit_emit_line(enum finit_format fmt, const struct finit_event *ev, struct finit_buf *b)
{
	struct finit_emitter em = { .fmt = fmt < FINIT_FMT_NR ? fmt : FINIT_FMT_TEXT };
	struct finit_emit_view v;

	make_view(&em, ev, &v);
	formats[em.fmt].line(b, ev, &v);
	return b->oom ? -1 : 0;
}

/* finit_emit_event - the format's header once, then its line for @ev */
int finit_emit_event(struct finit_emitter *em, const struct finit_event *ev)
{
	struct finit_emit_view v;

	make_view(em, ev, &v);
	if (formats[em->fmt].header && !em->header_done) {
		finit_buf_puts(&em->buf, formats[em->fmt].header);
		em->header_done = 1;
	}
	formats[em->fmt].line(&em->buf, ev, &v);
	if (em->batch && em->buf.len < EMIT_BATCH && !em->buf.oom)
		return 0;
	return finit_emit_flush(em);
}

/* finit_emit_close - free the emitter (not its sink) */
void finit_emit_close(struct finit_emitter *em)
{
	if (!em)
		return;
	finit_buf_free(&em->buf);
	free(em);
}
