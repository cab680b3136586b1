// SPDX-License-Identifier: MIT
/*
 * filter.c - the kernel's filter grammar, by recursive descent: a check
 * of expressions for the kernel, and a compiler and evaluator of numeric
 * ones for user space (libtraceevent's filter engine frees memory twice on
 * some expressions: it is not used)
 *
 *   expr  := and { "||" and }
 *   and   := term { "&&" term }
 *   term  := "!" term | "(" expr ")" | pred
 *   pred  := FIELD op value
 *   op    := "==" | "!=" | "<" | "<=" | ">" | ">=" | "&" | "~"
 *   value := NUMBER | "STRING" | WORD
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

enum node_kind { N_OR, N_AND, N_NOT, N_PRED };
enum pred_op { OP_EQ, OP_NE, OP_LE, OP_GE, OP_LT, OP_GT, OP_BAND, OP_GLOB };

/* One node of a compiled expression. */
struct node {
	enum node_kind		kind;
	int			l, r;		/* children (nodes), -1 none */
	int			field;		/* predicate: index into the fields */
	enum pred_op		op;
	unsigned long long	val;
};

struct finit_filter {
	const struct finit_filter_field	*fields;
	int				root;
	struct node			nodes[];
};

struct parser {
	const char		*expr;
	const char		*p;
	const char *const	*fields;	/* check: names */
	const struct finit_filter_field	*typed;	/* compile: names and types */
	bool			numeric_only;
	const char		*msg;
	const char		*at;
	struct finit_filter	*out;		/* compile: the nodes, else NULL */
	int			n;
};

/* add_node - one more node when compiling; its index (-1 when only checking) */
static int add_node(struct parser *ps, enum node_kind kind, int l, int r)
{
	struct node *nd;

	if (!ps->out)
		return -1;
	nd = &ps->out->nodes[ps->n];
	memset(nd, 0, sizeof(*nd));
	nd->kind = kind;
	nd->l = l;
	nd->r = r;
	return ps->n++;
}

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

/* number - the value of a NUMBER token as the kernel reads it (base 0) */
static int number(struct parser *ps, const char *start, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = *start == '-' ? (unsigned long long)strtoll(start, &end, 0) :
			     strtoull(start, &end, 0);
	if (errno || end != ps->p)
		return fail(ps, "Invalid number", start);
	return 0;
}

/* parse_value - NUMBER, "STRING" or WORD (*v: a number's value) */
static int parse_value(struct parser *ps, unsigned long long *v)
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
		return number(ps, start, v);
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
static int parse_op(struct parser *ps, enum pred_op *op)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">", "&", "~", NULL };

	skip_ws(ps);
	for (int i = 0; ops[i]; i++) {
		size_t n = strlen(ops[i]);

		if (!strncmp(ps->p, ops[i], n) && !(n == 1 && ps->p[1] == '&')) {
			if (i == OP_GLOB && ps->numeric_only)
				return fail(ps, "~ compares strings: the fields here are numeric",
					    ps->p);
			*op = (enum pred_op)i;
			ps->p += n;
			return 0;
		}
	}
	return fail(ps, "Missing or invalid operator", ps->p);
}

/* field_index - @n bytes at @s name a known field: its index, else -1 */
static int field_index(const struct parser *ps, const char *s, size_t n)
{
	for (int i = 0; ps->typed ? ps->typed[i].name != NULL : ps->fields[i] != NULL; i++) {
		const char *name = ps->typed ? ps->typed[i].name : ps->fields[i];

		if (strlen(name) == n && !strncmp(name, s, n))
			return i;
	}
	return -1;
}

/* parse_pred - FIELD op value, FIELD known; a node when compiling */
static int parse_pred(struct parser *ps, int *node)
{
	enum pred_op op = OP_EQ;
	unsigned long long v = 0;
	const char *start;
	size_t n;
	int field;

	skip_ws(ps);
	start = ps->p;
	n = word_len(ps->p);
	if (!n)
		return fail(ps, *ps->p ? "Expected a field name" : "Missing field name", start);
	field = field_index(ps, start, n);
	if (field < 0)
		return fail(ps, "Field not found", start);
	ps->p += n;
	if (parse_op(ps, &op) < 0)
		return -1;
	skip_ws(ps);
	/* as the kernel: an unsigned field takes no negative number */
	if (ps->typed && !ps->typed[field].is_signed && *ps->p == '-')
		return fail(ps, "Illegal integer value (the field is unsigned)", ps->p);
	if (parse_value(ps, &v) < 0)
		return -1;
	*node = add_node(ps, N_PRED, -1, -1);
	if (*node >= 0) {
		ps->out->nodes[*node].field = field;
		ps->out->nodes[*node].op = op;
		ps->out->nodes[*node].val = v;
	}
	return 0;
}

static int parse_expr(struct parser *ps, int depth, int *node);

/* parse_term - !term, (expr) or a predicate */
static int parse_term(struct parser *ps, int depth, int *node)
{
	int sub = -1;

	skip_ws(ps);
	if (depth > FINIT_FILTER_MAX_DEPTH)
		return fail(ps, "Too deeply nested", ps->p);
	if (*ps->p == '!' && ps->p[1] != '=') {
		ps->p++;
		if (parse_term(ps, depth + 1, &sub) < 0)
			return -1;
		*node = add_node(ps, N_NOT, sub, -1);
		return 0;
	}
	if (*ps->p == '(') {
		const char *open = ps->p++;

		if (parse_expr(ps, depth + 1, node) < 0)
			return -1;
		skip_ws(ps);
		if (*ps->p != ')')
			return fail(ps, "Unbalanced parens", open);
		ps->p++;
		return 0;
	}
	return parse_pred(ps, node);
}

typedef int (*sub_parser)(struct parser *ps, int depth, int *node);

/* parse_chain - @sub { @op @sub }, each @op a node of @kind over the two */
static int parse_chain(struct parser *ps, int depth, int *node, const char *op,
		       enum node_kind kind, sub_parser sub)
{
	int r = -1;

	if (sub(ps, depth, node) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (strncmp(ps->p, op, 2))
			return 0;
		ps->p += 2;
		if (sub(ps, depth, &r) < 0)
			return -1;
		*node = add_node(ps, kind, *node, r);
	}
}

/* parse_and - terms joined by && (it binds tighter than ||, as in the kernel) */
static int parse_and(struct parser *ps, int depth, int *node)
{
	return parse_chain(ps, depth, node, "&&", N_AND, parse_term);
}

/* parse_expr - and-groups joined by || */
static int parse_expr(struct parser *ps, int depth, int *node)
{
	return parse_chain(ps, depth, node, "||", N_OR, parse_and);
}

/* parse - the whole expression, with a kernel-style message and caret */
static int parse(struct parser *ps, int *root, char *err, size_t errlen)
{
	if (!parse_expr(ps, 0, root)) {
		skip_ws(ps);
		if (!*ps->p)
			return 0;
		fail(ps, "Unexpected text (missing && or ||?)", ps->p);
	}
	snprintf(err, errlen, "parse error: %s\n  Command: %s\n%*s^", ps->msg, ps->expr,
		 (int)(ps->at - ps->expr) + 11, "");
	return -1;
}

/* too_long - longer than the kernel takes: -1 with the message in @err */
static int too_long(const char *expr, char *err, size_t errlen)
{
	if (strnlen(expr, FINIT_FILTER_MAX_LEN + 1) <= FINIT_FILTER_MAX_LEN)
		return 0;
	snprintf(err, errlen, "parse error: Filter longer than %d bytes (the kernel's limit): "
		 "shorten it", FINIT_FILTER_MAX_LEN);
	return -1;
}

/* finit_filter_check - parse only */
int finit_filter_check(const char *expr, const char *const *fields, bool numeric_only,
		       char *err, size_t errlen)
{
	struct parser ps = { .expr = expr, .p = expr, .fields = fields,
			     .numeric_only = numeric_only };
	int root;

	if (too_long(expr, err, errlen))
		return -1;
	return parse(&ps, &root, err, errlen);
}

/* finit_filter_compile - parse into nodes (at most one per byte of @expr) */
struct finit_filter *finit_filter_compile(const char *expr,
					  const struct finit_filter_field *fields,
					  char *err, size_t errlen)
{
	struct finit_filter *f;
	struct parser ps = { .expr = expr, .p = expr, .typed = fields, .numeric_only = true };

	if (too_long(expr, err, errlen))
		return NULL;
	f = calloc(1, sizeof(*f) + (strlen(expr) + 1) * sizeof(struct node));
	ps.out = f;
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->fields = fields;
	if (parse(&ps, &f->root, err, errlen) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

/* compare - a predicate on one value, signed or unsigned as its field is */
static bool compare(const struct node *nd, unsigned long long v, bool is_signed)
{
	long long sv = (long long)v, sval = (long long)nd->val;

	switch (nd->op) {
	case OP_EQ:
		return v == nd->val;
	case OP_NE:
		return v != nd->val;
	case OP_BAND:
		return (v & nd->val) != 0;
	case OP_LT:
		return is_signed ? sv < sval : v < nd->val;
	case OP_LE:
		return is_signed ? sv <= sval : v <= nd->val;
	case OP_GT:
		return is_signed ? sv > sval : v > nd->val;
	case OP_GE:
		return is_signed ? sv >= sval : v >= nd->val;
	case OP_GLOB:
		break;
	}
	return false;
}

/* eval - one node (depth bounded by the parser's) */
static bool eval(const struct finit_filter *f, int i, const unsigned long long *values)
{
	const struct node *nd = &f->nodes[i];

	switch (nd->kind) {
	case N_OR:
		return eval(f, nd->l, values) || eval(f, nd->r, values);
	case N_AND:
		return eval(f, nd->l, values) && eval(f, nd->r, values);
	case N_NOT:
		return !eval(f, nd->l, values);
	case N_PRED:
		break;
	}
	return compare(nd, values[nd->field], f->fields[nd->field].is_signed);
}

/* finit_filter_eval - the expression on one set of field values */
bool finit_filter_eval(const struct finit_filter *f, const unsigned long long *values)
{
	return eval(f, f->root, values);
}

/* finit_filter_free - the compiled expression */
void finit_filter_free(struct finit_filter *f)
{
	free(f);
}
