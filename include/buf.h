/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growable output buffer and the string escapes of the formats.
 */
#ifndef FINIT_BUF_H
#define FINIT_BUF_H

#include <stddef.h>
#include <string.h>

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

/* finit_buf_digits - @n decimal digits of @v (zero-padded) ending before @end */
void finit_buf_digits(char *end, unsigned long long v, int n);
void finit_buf_free(struct finit_buf *b);

/*
 * finit_buf_json_string - a JSON string literal that every strict parser
 * takes (RFC 8259 8.1, I-JSON): quotes, backslashes and control bytes
 * escaped (\n \r \t \u00XX), valid UTF-8 as it is, and each maximal
 * ill-formed subpart of invalid UTF-8 (overlong forms, surrogates, past
 * U+10FFFF, cut sequences) one \ufffd, as Python's errors="replace" does.
 * Exact unless something was replaced: finit_buf_json_raw carries those
 * bytes. NULL gives null.
 */
void finit_buf_json_string(struct finit_buf *b, const char *s);

/*
 * finit_buf_json_raw - the raw_b64 object: {"KEY":"BASE64",...} with the
 * exact bytes (RFC 4648 base64) of each of the @n strings @strs that is not
 * valid UTF-8, under its name in @keys; NULL strings and valid ones (whose
 * JSON string is exact, control bytes too) are left out; {} when none is.
 */
void finit_buf_json_raw(struct finit_buf *b, const char *const *keys,
			const char *const *strs, int n);

/*
 * finit_buf_c_string - the bytes with C escapes (\\ \" \n \t \r \xNN for
 * other control bytes, DEL and invalid UTF-8); valid UTF-8 passes through.
 */
void finit_buf_c_string(struct finit_buf *b, const char *s);

/* finit_buf_csv_field - a CSV field: C escapes, then RFC 4180 quoting */
void finit_buf_csv_field(struct finit_buf *b, const char *s);

#endif
