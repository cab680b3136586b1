/* SPDX-License-Identifier: MIT */
/*
 * emit.h - emitters: one finit_event to a text line, a JSON line or a CSV row.
 */
#ifndef FINIT_EMIT_H
#define FINIT_EMIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "finit.h"

struct finit_emitter;

/*
 * finit_emit_open - an emitter writing @fmt to @out (not closed by us):
 * each event written and flushed at once, or with @batch in blocks of
 * 64 KiB (then finit_emit_flush at the end).
 */
struct finit_emitter *finit_emit_open(enum finit_format fmt, FILE *out, bool batch);

/* finit_emit_event - format one event and write it (or batch it); -1 with errno */
int finit_emit_event(struct finit_emitter *em, const struct finit_event *ev);

/* finit_emit_flush - write and flush what is batched; -1 with errno */
int finit_emit_flush(struct finit_emitter *em);

void finit_emit_close(struct finit_emitter *em);

/* A growable output buffer, shared by the emitters and `check`. */
struct finit_buf {
	char	*data;
	size_t	len;
	size_t	cap;
	int	oom;
};

void finit_buf_printf(struct finit_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* finit_buf_grow - room for @more bytes plus a NUL; -1 when out of memory */
int finit_buf_grow(struct finit_buf *b, size_t more);

/* finit_buf_putn - append @n bytes (inline: the emitters' hot path) */
static inline void finit_buf_putn(struct finit_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap && finit_buf_grow(b, n) < 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void finit_buf_putc(struct finit_buf *b, char c)
{
	finit_buf_putn(b, &c, 1);
}

static inline void finit_buf_puts(struct finit_buf *b, const char *s)
{
	finit_buf_putn(b, s, strlen(s));
}
void finit_buf_int(struct finit_buf *b, long long v);
void finit_buf_uint(struct finit_buf *b, unsigned long long v);
void finit_buf_free(struct finit_buf *b);

/*
 * finit_buf_json_string - a JSON string literal. Control bytes become \u00XX
 * and each byte of invalid UTF-8 becomes \udcXX (Python's surrogateescape),
 * so the original bytes can be recovered exactly. NULL gives null.
 */
void finit_buf_json_string(struct finit_buf *b, const char *s);

/*
 * finit_buf_c_string - the bytes with C escapes (\\ \" \n \t \r \xNN for
 * other control bytes, DEL and invalid UTF-8); valid UTF-8 passes through.
 */
void finit_buf_c_string(struct finit_buf *b, const char *s);

/* finit_buf_csv_field - a CSV field: C escapes, then RFC 4180 quoting */
void finit_buf_csv_field(struct finit_buf *b, const char *s);

/* finit_format_time - RFC 3339 UTC with nanoseconds */
void finit_format_time(long long wall_ns, char *buf, size_t len);

#endif
