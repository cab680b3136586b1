// SPDX-License-Identifier: MIT
/*
 * filter.c - recursive-descent check of the kernel's filter grammar:
 *
 *   expr  := term { ("&&" | "||") term }
 *   term  := "!" term | "(" expr ")" | pred
 *   pred  := FIELD op value
 *   op    := "==" | "!=" | "<" | "<=" | ">" | ">=" | "&" | "~"
 *   value := NUMBER | "STRING" | WORD
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"

struct parser {
	const char		*expr;
	const char		*p;
	const char *const	*fields;
	bool			numeric_only;
	const char		*msg;
	const char		*at;
};

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

/* fail - remember the first error and where it is */
static int fail(struct parser *ps, const char *msg, const char *at)
{
	if (!ps->msg) {
		ps->msg = msg;
		ps->at = at;
	}
	return -1;
}

/* word_len - length of an identifier at @s */
static size_t word_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* parse_value - NUMBER, "STRING" or WORD */
static int parse_value(struct parser *ps)
{
	const char *start;
	size_t n;

	skip_ws(ps);
	start = ps->p;
	if (*ps->p == '"') {
		const char *end = strchr(ps->p + 1, '"');

		if (!end)
			return fail(ps, "Unterminated string", start);
		if (ps->numeric_only)
			return fail(ps, "Expected a number: the fields here are numeric", start);
		ps->p = end + 1;
		return 0;
	}
	if (*ps->p == '-')
		ps->p++;
	if (isdigit((unsigned char)*ps->p)) {
		while (isalnum((unsigned char)*ps->p))
			ps->p++;
		return 0;
	}
	n = word_len(ps->p);
	if (!*ps->p || (!n && !ps->numeric_only))
		return fail(ps, "Missing value", start);
	if (!n || ps->numeric_only)
		return fail(ps, "Expected a number", start);
	ps->p += n;
	return 0;
}

/* parse_op - a comparison operator (a lone & is the bit test) */
static int parse_op(struct parser *ps)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">", "&", "~", NULL };

	skip_ws(ps);
	for (int i = 0; ops[i]; i++) {
		size_t n = strlen(ops[i]);

		if (!strncmp(ps->p, ops[i], n) && !(n == 1 && ps->p[1] == '&')) {
			ps->p += n;
			return 0;
		}
	}
	return fail(ps, "Missing or invalid operator", ps->p);
}

/* parse_pred - FIELD op value, FIELD known */
static int parse_pred(struct parser *ps)
{
	const char *start;
	size_t n;
	int known = 0;

	skip_ws(ps);
	start = ps->p;
	n = word_len(ps->p);
	if (!n)
		return fail(ps, *ps->p ? "Expected a field name" : "Missing field name", start);
	for (int i = 0; ps->fields[i]; i++)
		if (strlen(ps->fields[i]) == n && !strncmp(ps->fields[i], start, n))
			known = 1;
	if (!known)
		return fail(ps, "Field not found", start);
	ps->p += n;
	if (parse_op(ps) < 0)
		return -1;
	return parse_value(ps);
}

static int parse_expr(struct parser *ps, int depth);

/* parse_term - !term, (expr) or a predicate */
static int parse_term(struct parser *ps, int depth)
{
	skip_ws(ps);
	if (*ps->p == '!' && ps->p[1] != '=') {
		ps->p++;
		return parse_term(ps, depth);
	}
	if (*ps->p == '(') {
		const char *open = ps->p++;

		if (depth > 64)
			return fail(ps, "Too many nested parentheses", open);
		if (parse_expr(ps, depth + 1) < 0)
			return -1;
		skip_ws(ps);
		if (*ps->p != ')')
			return fail(ps, "Unbalanced parens", open);
		ps->p++;
		return 0;
	}
	return parse_pred(ps);
}

/* parse_expr - terms joined by && and || */
static int parse_expr(struct parser *ps, int depth)
{
	if (parse_term(ps, depth) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (strncmp(ps->p, "&&", 2) && strncmp(ps->p, "||", 2))
			return 0;
		ps->p += 2;
		if (parse_term(ps, depth) < 0)
			return -1;
	}
}

int finit_filter_check(const char *expr, const char *const *fields, bool numeric_only,
		       char *err, size_t errlen)
{
	struct parser ps = { .expr = expr, .p = expr, .fields = fields,
			     .numeric_only = numeric_only };

	if (!parse_expr(&ps, 0)) {
		skip_ws(&ps);
		if (!*ps.p)
			return 0;
		fail(&ps, "Unexpected text (missing && or ||?)", ps.p);
	}
	snprintf(err, errlen, "parse error: %s\n  Command: %s\n%*s^", ps.msg, expr,
		 (int)(ps.at - expr) + 11, "");
	return -1;
}
