// SPDX-License-Identifier: MIT
/*
 * buf.c - a growable output buffer, and the string escapes the formats
 * need (strict JSON and the raw_b64 of what it cannot carry, C-style for
 * text, CSV).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "buf.h"

int finit_buf_grow(struct finit_buf *b, size_t more)
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

	/* format into the spare room; only what did not fit is formatted again */
	if (finit_buf_grow(b, 0) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (finit_buf_grow(b, n) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += n;
}

static const char pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* finit_buf_digits - @n decimal digits of @v ending before @end, zero-padded */
void finit_buf_digits(char *end, unsigned long long v, int n)
{
	/* two digits per division */
	for (; n >= 2; n -= 2, v /= 100)
		memcpy(end -= 2, pairs + 2 * (v % 100), 2);
	if (n)
		end[-1] = (char)('0' + v % 10);
}

/* digits - how many decimal digits @v has */
static int digits(unsigned long long v)
{
	static const unsigned long long pow10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
		100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
		1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
		1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
		1000000000000000000ULL, 10000000000000000000ULL,
	};
	/* log10 from log2 (1233 / 4096 ~ log10(2)), then one comparison */
	int t = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12;
	int n = t + (v >= pow10[t]);

	return n ? n : 1;
}

void finit_buf_uint(struct finit_buf *b, unsigned long long v)
{
	size_t n = digits(v);

	if (b->len + n + 1 > b->cap && finit_buf_grow(b, n) < 0)
		return;
	/* written in place from the end */
	b->data[b->len + n] = '\0';
	finit_buf_digits(b->data + b->len + n, v, (int)n);
	b->len += n;
}

void finit_buf_int(struct finit_buf *b, long long v)
{
	if (v < 0) {
		finit_buf_putc(b, '-');
		finit_buf_uint(b, 0ULL - (unsigned long long)v);
		return;
	}
	finit_buf_uint(b, (unsigned long long)v);
}

void finit_buf_free(struct finit_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/*
 * utf8_len - length of the well-formed UTF-8 sequence at @s, or minus the
 * length of its maximal ill-formed subpart (Unicode table 3-7: overlong
 * forms, surrogates D800-DFFF and code points past U+10FFFF are ill-formed)
 */
static int utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return -1;
	if (s[0] == 0xe0)
		lo = 0xa0;		/* overlong below U+0800 */
	else if (s[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;		/* overlong below U+10000 */
	else if (s[0] == 0xf4)
		hi = 0x8f;		/* past U+10FFFF */
	/* the NUL at the end is out of every range: no read past it */
	for (int i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
		if (s[i] < lo || s[i] > hi)
			return -i;
	return n;
}

/* escape_byte - an ASCII byte the printable run stopped at, escaped */
static void escape_byte(struct finit_buf *b, unsigned char c, bool json)
{
	switch (c) {
	case '"':  finit_buf_puts(b, "\\\""); break;
	case '\\': finit_buf_puts(b, "\\\\"); break;
	case '\n': finit_buf_puts(b, "\\n"); break;
	case '\r': finit_buf_puts(b, "\\r"); break;
	case '\t': finit_buf_puts(b, "\\t"); break;
	default: finit_buf_printf(b, json ? "\\u%04x" : "\\x%02x", c);
	}
}

/*
 * escape - valid UTF-8 passes; quotes, backslashes and \n \r \t get their
 * usual escapes; other control bytes and DEL become \u00XX (JSON) or \xNN;
 * each maximal ill-formed subpart becomes one \ufffd (JSON: U+FFFD, as
 * Python's errors="replace" does), each of its bytes \xNN (text)
 */
static void escape(struct finit_buf *b, const unsigned char *s, bool json)
{
	while (*s) {
		const unsigned char *run = s;
		int n;

		/* the common case: a run of printable ASCII, copied at once */
		while (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			s++;
		if (s > run)
			finit_buf_putn(b, (const char *)run, s - run);
		if (!*s)
			break;
		n = utf8_len(s);
		if (n > 1) {
			finit_buf_putn(b, (const char *)s, n);
			s += n;
		} else if (n == 1) {
			escape_byte(b, *s++, json);
		} else if (json) {
			finit_buf_puts(b, "\\ufffd");
			s -= n;
		} else {
			for (; n < 0; n++)
				finit_buf_printf(b, "\\x%02x", *s++);
		}
	}
}

/* utf8_valid - @s is well-formed UTF-8: its JSON string carries it exactly */
static bool utf8_valid(const unsigned char *s)
{
	int n;

	for (; *s; s += n) {
		n = utf8_len(s);
		if (n < 0)
			return false;
	}
	return true;
}

/* base64 - @n bytes of @data, RFC 4648 with padding */
static void base64(struct finit_buf *b, const unsigned char *data, size_t n)
{
	/* whole 3-byte groups per call, so the pieces join into one encoding */
	const size_t piece = 3 << 20;

	while (n) {
		size_t take = n < piece ? n : piece;

		/* room for the encoding and the NUL EVP_EncodeBlock ends it with */
		if (finit_buf_grow(b, (take + 2) / 3 * 4) < 0)
			return;
		b->len += EVP_EncodeBlock((unsigned char *)b->data + b->len, data, (int)take);
		data += take;
		n -= take;
	}
}

/* finit_buf_json_raw - the raw_b64 object of the strings JSON cannot carry */
void finit_buf_json_raw(struct finit_buf *b, const char *const *keys,
			const char *const *strs, int n)
{
	bool first = true;

	finit_buf_putc(b, '{');
	for (int i = 0; i < n; i++) {
		if (!strs[i] || utf8_valid((const unsigned char *)strs[i]))
			continue;
		finit_buf_puts(b, first ? "\"" : ",\"");
		finit_buf_puts(b, keys[i]);
		finit_buf_puts(b, "\":\"");
		base64(b, (const unsigned char *)strs[i], strlen(strs[i]));
		finit_buf_putc(b, '"');
		first = false;
	}
	finit_buf_putc(b, '}');
}

void finit_buf_json_string(struct finit_buf *b, const char *str)
{
	if (!str) {
		finit_buf_puts(b, "null");
		return;
	}
	finit_buf_putc(b, '"');
	escape(b, (const unsigned char *)str, true);
	finit_buf_putc(b, '"');
}

void finit_buf_c_string(struct finit_buf *b, const char *str)
{
	escape(b, (const unsigned char *)str, false);
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

