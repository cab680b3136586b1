// SPDX-License-Identifier: MIT
/*
 * fuzz-emit.c - libFuzzer target: any bytes as the strings of an event
 * (param_values or delete_module's name, comm, path, module, exe, cgroup),
 * through the real JSON, text and CSV emitters. Aborts unless the JSON line
 * is strict (one object, valid UTF-8, no raw control byte, no \uD800-\uDFFF
 * escape: RFC 8259 8.1, I-JSON) and every string's exact bytes come back:
 * from its JSON string when raw_b64 has no entry for it, else from that
 * entry (and then the string had invalid UTF-8, shown as U+FFFD); text and
 * CSV must be valid UTF-8 lines without control bytes. The same event's
 * journal fields must carry each string as the JSON line decodes it, and
 * the Tracee line must be one valid UTF-8 line.
 *
 * Input: byte 0 picks the event (finit_module, init_module, delete_module,
 * module_load); the rest, split at NUL bytes, are the strings in the order
 * of the field table below (comm cut to 15 bytes, as the kernel's).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "emit.h"
#include "sink-journal.h"

/* The string fields: their JSON key, and whether they live in "args". */
enum { F_PARAMS, F_COMM, F_PATH, F_MODULE, F_EXE, F_CGROUP, F_NAME, F_NR };
static const struct {
	const char	*key;
	int		in_args;
} fields[F_NR] = {
	[F_PARAMS] = { "param_values", 1 }, [F_COMM] = { "comm", 0 },
	[F_PATH] = { "path", 0 }, [F_MODULE] = { "module", 0 },
	[F_EXE] = { "exe", 0 }, [F_CGROUP] = { "cgroup", 0 },
	[F_NAME] = { "name", 1 },
};

/* What the JSON line said: each field's decoded string and raw_b64 entry. */
struct seen {
	struct finit_buf	val[F_NR];
	int			has_val[F_NR];
	struct finit_buf	raw[F_NR];
	int			has_raw[F_NR];
};

struct parser {
	const unsigned char	*p, *end;
	struct seen		*seen;
};

/* bad - a property failed: say which, and abort for libFuzzer */
static void bad(const char *why, const char *line)
{
	fprintf(stderr, "fuzz-emit: %s\n  line: %s\n", why, line ? line : "");
	abort();
}

/* utf8_seq - length of the valid UTF-8 sequence at @p, 0 if it is not one */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	static const unsigned int least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 :
		   (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	unsigned int cp;

	if (!n || (size_t)(end - p) < n)
		return 0;
	cp = n == 1 ? p[0] : p[0] & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < least[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* valid_utf8 - all of @s is valid UTF-8 */
static int valid_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = utf8_seq(s + i, s + len)))
			return 0;
	return 1;
}

/* put_cp - code point @cp as UTF-8 */
static void put_cp(struct finit_buf *b, unsigned int cp)
{
	char u[4];
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;

	if (n == 1)
		u[0] = (char)cp;
	else if (n == 2)
		u[0] = (char)(0xc0 | cp >> 6);
	else
		u[0] = (char)(0xe0 | cp >> 12);
	for (int i = 1; i < n; i++)
		u[i] = (char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3f));
	finit_buf_putn(b, u, n);
}

/* hex4 - the 4 hex digits of a \u escape; -1 if they are not */
static long hex4(const unsigned char *p, const unsigned char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int c = p[i], d = c >= '0' && c <= '9' ? c - '0' :
				  c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				  c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* parse_string - a JSON string into @out; 0 if it is not strict */
static int parse_string(struct parser *ps, struct finit_buf *out)
{
	static const char esc[] = "\"\\/bfnrt", val[] = "\"\\/\b\f\n\r\t";

	if (ps->p >= ps->end || *ps->p++ != '"')
		return 0;
	while (ps->p < ps->end && *ps->p != '"') {
		const unsigned char *q = ps->p;
		size_t n;

		if (*q == '\\') {
			const char *e = q + 1 < ps->end && q[1] ? strchr(esc, q[1]) : NULL;
			long cp;

			if (e) {
				finit_buf_putc(out, val[e - esc]);
				ps->p += 2;
				continue;
			}
			if (q + 1 >= ps->end || q[1] != 'u' || (cp = hex4(q + 2, ps->end)) < 0 ||
			    (cp >= 0xd800 && cp <= 0xdfff))
				return 0;	/* the emitter never writes a pair */
			put_cp(out, (unsigned int)cp);
			ps->p += 6;
			continue;
		}
		if (*q < 0x20 || !(n = utf8_seq(q, ps->end)))
			return 0;
		finit_buf_putn(out, (const char *)q, n);
		ps->p += n;
	}
	if (ps->p >= ps->end)
		return 0;
	ps->p++;
	return 1;
}

static int parse_value(struct parser *ps, const char *parent, const char *key, int depth);

/* parse_container - an object or array; @key, the object's own key, is its members' parent */
static int parse_container(struct parser *ps, const char *key, int depth)
{
	int obj = *ps->p == '{';
	char close = obj ? '}' : ']';

	ps->p++;
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 1;
	}
	for (;;) {
		struct finit_buf k = { 0 };
		int ok = 1;

		if (obj) {
			ok = parse_string(ps, &k) && ps->p < ps->end && *ps->p++ == ':';
			finit_buf_putc(&k, '\0');
		}
		ok = ok && parse_value(ps, obj ? key : NULL, obj ? k.data : NULL, depth + 1);
		finit_buf_free(&k);
		if (!ok || ps->p >= ps->end)
			return 0;
		if (*ps->p == close) {
			ps->p++;
			return 1;
		}
		if (*ps->p++ != ',')
			return 0;
	}
}

/* field_of - the field a string at @parent.@key is (top level: ""), F_NR when none */
static int field_of(const char *parent, const char *key, int *raw)
{
	*raw = parent && !strcmp(parent, "raw_b64");
	if (!parent || !key)
		return F_NR;
	for (int f = 0; f < F_NR; f++)
		if (!strcmp(fields[f].key, key) &&
		    (*raw || !strcmp(parent, fields[f].in_args ? "args" : "")))
			return f;
	return F_NR;
}

/* parse_scalar - a string (kept when it is a field's), number or literal */
static int parse_scalar(struct parser *ps, const char *parent, const char *key)
{
	static const char *const lit[] = { "true", "false", "null" };
	int raw, f = field_of(parent, key, &raw);

	if (*ps->p == '"') {
		struct finit_buf tmp = { 0 }, *out = &tmp;

		if (f < F_NR) {
			out = raw ? &ps->seen->raw[f] : &ps->seen->val[f];
			*(raw ? &ps->seen->has_raw[f] : &ps->seen->has_val[f]) += 1;
		} else if (raw) {
			return 0;		/* raw_b64 names no string field */
		}
		int ok = parse_string(ps, out);
		finit_buf_free(&tmp);
		return ok;
	}
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(lit[i]);

		if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, lit[i], n)) {
			ps->p += n;
			return 1;
		}
	}
	/* numbers: the emitter writes integers only */
	if (*ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return 0;
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return 1;
}

/* parse_value - any JSON value at @parent.@key (the top level's members: parent "") */
static int parse_value(struct parser *ps, const char *parent, const char *key, int depth)
{
	if (ps->p >= ps->end || depth > 4)
		return 0;
	if (*ps->p == '{' || *ps->p == '[')
		return parse_container(ps, key, depth);
	return parse_scalar(ps, parent, key);
}

/* b64_decode - @b's base64 decoded into @out (a fresh buffer); 0 if not base64 */
static int b64_decode(const struct finit_buf *b, struct finit_buf *out)
{
	int n, pad;

	if (!b->len || b->len % 4)
		return 0;
	if (finit_buf_grow(out, b->len) < 0)
		abort();
	n = EVP_DecodeBlock((unsigned char *)out->data, (const unsigned char *)b->data,
			    (int)b->len);
	pad = (b->data[b->len - 1] == '=') + (b->data[b->len - 2] == '=');
	if (n < 0)
		return 0;
	out->len = (size_t)(n - pad);
	return 1;
}

/* emit - @ev in @fmt, all the emitter wrote (malloc'd, NUL-terminated) */
static char *emit(enum finit_format fmt, const struct finit_event *ev, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	struct finit_sink *sink = f ? finit_sink_stream(f, "memory") : NULL;
	struct finit_emitter *em = sink ? finit_emit_open(fmt, sink, false) : NULL;

	if (!em || finit_emit_event(em, ev) < 0)
		abort();
	finit_emit_close(em);
	finit_sink_close(sink);
	fclose(f);
	return out;
}

/* check_field - field @f of the line holds @want exactly, or says where it is */
static void check_field(const struct seen *s, int f, const char *want, const char *line)
{
	struct finit_buf raw = { 0 };
	size_t len = want ? strlen(want) : 0;

	if (!want) {
		if (s->has_val[f] || s->has_raw[f])
			bad("a string or raw_b64 entry for a field that has none", line);
		return;
	}
	if (s->has_val[f] != 1 || s->has_raw[f] > 1)
		bad("a string field missing or repeated", line);
	if (!s->has_raw[f]) {
		if (s->val[f].len != len || (len && memcmp(s->val[f].data, want, len)))
			bad("a string without raw_b64 entry is not the exact bytes", line);
		return;
	}
	if (valid_utf8((const unsigned char *)want, len))
		bad("a raw_b64 entry for valid UTF-8", line);
	if (!s->val[f].data || !memmem(s->val[f].data, s->val[f].len, "\xef\xbf\xbd", 3))
		bad("invalid UTF-8 not shown as U+FFFD", line);
	if (!b64_decode(&s->raw[f], &raw) || raw.len != len || memcmp(raw.data, want, len))
		bad("raw_b64 does not decode to the exact bytes", line);
	finit_buf_free(&raw);
}

/*
 * check_journal - the journal's fields of the same event: FINIT_<KEY> holds
 * exactly the string the JSON line decodes to, and is absent for a null
 */
static void check_journal(const struct seen *s, const struct finit_event *ev, const char *line)
{
	struct finit_buf j = { 0 };
	int n = finit_sink_journal_fields(ev, &j);

	if (n < 5)
		bad("no journal fields", line);
	for (int f = 0; f < F_NR; f++) {
		char name[64];
		const char *p = j.data, *hit = NULL;
		size_t k = (size_t)snprintf(name, sizeof(name), "FINIT_%s=", fields[f].key);

		for (size_t i = 6; i < k; i++)
			name[i] = (char)toupper((unsigned char)name[i]);
		for (int i = 0; i < n; i++, p += strlen(p) + 1)
			if (!strncmp(p, name, k))
				hit = p + k;
		if (!s->has_val[f] ? hit != NULL : !hit || strlen(hit) != s->val[f].len ||
		    memcmp(hit, s->val[f].data ? s->val[f].data : "", s->val[f].len))
			bad("a journal field is not the JSON string", line);
	}
	finit_buf_free(&j);
}

/* check_json - one strict JSON line; each field exactly @want[f], the journal's too */
static void check_json(const char *line, size_t len, const char *const *want,
		       const struct finit_event *ev)
{
	struct seen s = { 0 };
	struct parser ps = { (const unsigned char *)line, (const unsigned char *)line + len - 1,
			     &s };

	if (!len || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
		bad("not one line", line);
	if (!parse_value(&ps, NULL, "", 0) || ps.p != ps.end)
		bad("not strict JSON", line);
	check_journal(&s, ev, line);
	for (int f = 0; f < F_NR; f++) {
		check_field(&s, f, want[f], line);
		finit_buf_free(&s.val[f]);
		finit_buf_free(&s.raw[f]);
	}
}

/* check_lines - text or CSV: @lines lines of valid UTF-8, no other control byte */
static void check_lines(const char *out, size_t len, int lines)
{
	int n = 0;

	if (!valid_utf8((const unsigned char *)out, len) || !len || out[len - 1] != '\n')
		bad("text or CSV is not valid UTF-8 lines", out);
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)out[i] < 0x20 && out[i] != '\n')
			bad("a control byte in text or CSV", out);
		n += out[i] == '\n';
	}
	if (n != lines)
		bad("text or CSV: a string broke the line", out);
}

/* split - the NUL-separated pieces of @data into @str (NULL past the end) */
static void split(const uint8_t *data, size_t size, char **str, int n)
{
	for (int i = 0; i < n && size; i++) {
		const uint8_t *nul = memchr(data, '\0', size);
		size_t len = nul ? (size_t)(nul - data) : size;

		str[i] = strndup((const char *)data, len);
		if (!str[i])
			abort();
		data += len + (nul != NULL);
		size -= len + (nul != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum finit_syscall kinds[] = {
		FINIT_SYS_FINIT_MODULE, FINIT_SYS_INIT_MODULE, FINIT_SYS_DELETE_MODULE,
		FINIT_EV_MODULE_LOAD,
	};
	struct finit_event ev = { .tid = 2, .pid = 1, .proc = { .valid = true } };
	char *str[F_NAME] = { 0 }, *out;
	const char *want[F_NR] = { 0 };
	bool del, params;
	size_t len;

	if (!size)
		return 0;
	ev.sys = kinds[data[0] % 4];
	del = ev.sys == FINIT_SYS_DELETE_MODULE;
	params = ev.sys == FINIT_SYS_FINIT_MODULE || ev.sys == FINIT_SYS_INIT_MODULE;
	split(data + 1, size - 1, str, F_NAME);
	/* module_load gets a param_values too: it must not show anywhere */
	ev.param_values = del ? NULL : str[F_PARAMS];
	ev.module = del ? str[F_PARAMS] : str[F_MODULE];
	if (str[F_COMM])
		strncpy(ev.comm, str[F_COMM], 15);
	ev.path = str[F_PATH];
	ev.proc.exe = str[F_EXE];
	ev.proc.cgroup = str[F_CGROUP];
	want[F_PARAMS] = params ? ev.param_values : NULL;
	want[F_NAME] = del ? ev.module : NULL;
	want[F_MODULE] = ev.module;
	want[F_COMM] = ev.comm[0] ? ev.comm : NULL;
	want[F_PATH] = ev.path;
	want[F_EXE] = ev.proc.exe;
	want[F_CGROUP] = ev.proc.cgroup;

	out = emit(FINIT_FMT_JSON, &ev, &len);
	check_json(out, len, want, &ev);
	free(out);
	out = emit(FINIT_FMT_TRACEE, &ev, &len);
	check_lines(out, len, 1);
	free(out);
	out = emit(FINIT_FMT_TEXT, &ev, &len);
	check_lines(out, len, 1);
	free(out);
	out = emit(FINIT_FMT_CSV, &ev, &len);
	check_lines(out, len, 2);
	free(out);
	for (int i = 0; i < F_NAME; i++)
		free(str[i]);
	return 0;
}
