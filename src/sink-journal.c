// SPDX-License-Identifier: MIT
/*
 * sink-journal.c - the journal sink. The FINIT_<KEY> fields come from the
 * JSON record itself (read back by a small reader of our own output), so
 * the journal carries exactly the keys of the schema.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>

/* no CODE_FILE/CODE_LINE/CODE_FUNC of ours in every entry */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "emit.h"
#include "sink-journal.h"

#define JOURNAL_IDENT	"finit-ftrace"
#define JOURNAL_MAX_FIELDS	64

/* One fixed MESSAGE_ID per event kind (README lists them). */
static const char *const message_ids[] = {
	[FINIT_SYS_FINIT_MODULE] = "f439a48dc3104c8f9a4bd19556f8c126",
	[FINIT_SYS_INIT_MODULE] = "93e5fc174f3f4d3499894b4c9432bcb0",
	[FINIT_SYS_DELETE_MODULE] = "4a4c607c85d7494a823f0f4c239ecf12",
	[FINIT_EV_MODULE_FREE] = "da76f0ff8ce54fb9a85c83431f0b8421",
	[FINIT_EV_MODULE_LOAD] = "e23ec3bb2038459ca538d6f5f3558f73",
};

/* utf8 - code point @c as UTF-8 (below U+10000: our JSON escapes no more) */
static void utf8(struct finit_buf *b, unsigned int c)
{
	if (c < 0x80) {
		finit_buf_putc(b, (char)c);
	} else if (c < 0x800) {
		finit_buf_putc(b, (char)(0xc0 | c >> 6));
		finit_buf_putc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		finit_buf_putc(b, (char)(0xe0 | c >> 12));
		finit_buf_putc(b, (char)(0x80 | (c >> 6 & 0x3f)));
		finit_buf_putc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/* unquote - the JSON string at @p (its opening quote) decoded into @b; past its end */
static const char *unquote(const char *p, struct finit_buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned int c;

	for (p++; *p && *p != '"'; p++) {
		if (*p != '\\') {
			finit_buf_putc(b, *p);
		} else if (p[1] == 'u' && sscanf(p + 2, "%4x", &c) == 1) {
			utf8(b, c);
			p += 5;
		} else if (p[1] && strchr(from, p[1])) {
			finit_buf_putc(b, to[strchr(from, p[1]) - from]);
			p++;
		}
	}
	return *p ? p + 1 : p;
}

/* skip_string - past the JSON string at @p (its opening quote) */
static const char *skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* skip - past the JSON value at @p: a string, an object, an array or a literal */
static const char *skip(const char *p)
{
	int depth = 0;

	while (*p) {
		if (*p == '"') {
			p = skip_string(p);
			if (!depth)
				return p;
			continue;
		}
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (!depth)
				return p;	/* the end of the object around a literal */
			if (!--depth)
				return p + 1;
		} else if (*p == ',' && !depth) {
			return p;
		}
		p++;
	}
	return p;
}

/* field - FINIT_<KEY>=value and its NUL */
static void field(struct finit_buf *out, const char *key, const char *v, size_t n)
{
	finit_buf_puts(out, "FINIT_");
	for (; *key; key++)
		finit_buf_putc(out, (char)toupper((unsigned char)*key));
	finit_buf_putc(out, '=');
	finit_buf_putn(out, v, n);
	finit_buf_putc(out, '\0');
}

/* members - FINIT_<KEY> for each member of the object at @p ("args" flattened) */
static int members(const char *p, struct finit_buf *out)
{
	int n = 0;

	while ((*p == '{' || *p == ',') && p[1] == '"') {
		struct finit_buf key = { 0 }, val = { 0 };
		const char *v = unquote(p + 1, &key) + 1, *end = skip(v);

		if (key.data && !strcmp(key.data, "args") && *v == '{') {
			n += members(v, out);
		} else if (*v == '"') {
			unquote(v, &val);
			field(out, key.data ? key.data : "", val.data ? val.data : "", val.len);
			n++;
		} else if (strncmp(v, "null", 4)) {
			field(out, key.data ? key.data : "", v, (size_t)(end - v));
			n++;
		}
		finit_buf_free(&key);
		finit_buf_free(&val);
		p = end;
	}
	return n;
}

/* finit_sink_journal_fields - the header fields, then the record's */
int finit_sink_journal_fields(const struct finit_event *ev, struct finit_buf *out)
{
	struct finit_buf text = { 0 }, json = { 0 };
	unsigned int sys = ev->sys;
	int n = -1;

	if (finit_emit_line(FINIT_FMT_TEXT, ev, &text) < 0 ||
	    finit_emit_line(FINIT_FMT_JSON, ev, &json) < 0)
		goto out;
	finit_buf_puts(out, "MESSAGE=");
	finit_buf_putn(out, text.data, text.len - 1);	/* without its newline */
	finit_buf_putc(out, '\0');
	finit_buf_printf(out, "PRIORITY=%d", finit_sink_priority(ev));
	finit_buf_putc(out, '\0');
	finit_buf_puts(out, "SYSLOG_IDENTIFIER=" JOURNAL_IDENT);
	finit_buf_putc(out, '\0');
	finit_buf_puts(out, "MESSAGE_ID=");
	finit_buf_puts(out, sys < sizeof(message_ids) / sizeof(message_ids[0]) ?
		       message_ids[sys] : FINIT_SINK_JOURNAL_LOST_ID);
	finit_buf_putc(out, '\0');
	n = 4 + members(json.data, out);
	if (out->oom)
		n = -1;
out:
	finit_buf_free(&text);
	finit_buf_free(&json);
	return n;
}

/* send - the NUL-ended fields of @b, @n of them, as one entry */
static int send(const struct finit_buf *b, int n)
{
	struct iovec iov[JOURNAL_MAX_FIELDS];
	const char *p = b->data;
	int ret;

	if (n > JOURNAL_MAX_FIELDS)
		n = JOURNAL_MAX_FIELDS;
	for (int i = 0; i < n; i++) {
		iov[i].iov_base = (void *)p;
		iov[i].iov_len = strlen(p);
		p += iov[i].iov_len + 1;
	}
	ret = sd_journal_sendv(iov, n);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/* journal_event - one entry */
static int journal_event(struct finit_sink *s, const struct finit_event *ev)
{
	struct finit_buf b = { 0 };
	int n = finit_sink_journal_fields(ev, &b), ret;

	(void)s;
	if (n < 0) {
		finit_buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	ret = send(&b, n);
	finit_buf_free(&b);
	return ret;
}

/* journal_lost - an err entry with the number */
static void journal_lost(struct finit_sink *s, unsigned long long n)
{
	(void)s;
	sd_journal_send("MESSAGE=%llu event(s) LOST: raise buffer_size_kb", n,
			"PRIORITY=%d", LOG_ERR, "SYSLOG_IDENTIFIER=" JOURNAL_IDENT,
			"MESSAGE_ID=" FINIT_SINK_JOURNAL_LOST_ID, "FINIT_LOST=%llu", n, NULL);
}

static const struct finit_sink_ops journal_ops = {
	.event = journal_event,
	.lost = journal_lost,
	.flush = finit_sink_noop,
	.reopen = finit_sink_noop,
	.close = finit_sink_free,
};

/* finit_sink_journal_open - nothing to open: each entry is one datagram */
struct finit_sink *finit_sink_journal_open(void)
{
	return finit_sink_alloc(sizeof(struct finit_sink), &journal_ops, "journal");
}
