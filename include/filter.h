/* SPDX-License-Identifier: MIT */
/*
 * filter.h - a syntax check of kernel filter expressions, for the paths
 * where the kernel cannot check them (user-space filtering). libtraceevent
 * 1.7 crashes on some malformed expressions, so nothing reaches it unchecked.
 */
#ifndef FINIT_FILTER_H
#define FINIT_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Bounds of every expression: the kernel takes at most 4095 bytes (less
 * than a page), and parentheses and ! nest at most 64 deep ("Too deeply
 * nested"), so the parser's and the evaluator's recursion is bounded.
 */
#define FINIT_FILTER_MAX_LEN	4095
#define FINIT_FILTER_MAX_DEPTH	64

/*
 * finit_filter_check - is @expr a well-formed filter over @fields (a NULL-
 * terminated list)? With @numeric_only every value must be a number.
 * Returns 0, or -1 with a kernel-style message and caret in @err.
 */
int finit_filter_check(const char *expr, const char *const *fields, bool numeric_only,
		       char *err, size_t errlen);

/* A field a compiled expression may test: its values come as u64. */
struct finit_filter_field {
	const char	*name;
	bool		is_signed;	/* < <= > >= compare as signed */
};

struct finit_filter;

/*
 * finit_filter_compile - a numeric expression over @fields (a list ended
 * by a NULL name) for finit_filter_eval, with the kernel's meaning: &&
 * before ||, numbers in base 0, & a bit test. NULL with a kernel-style
 * message and caret in @err.
 */
struct finit_filter *finit_filter_compile(const char *expr,
					  const struct finit_filter_field *fields,
					  char *err, size_t errlen);

/* finit_filter_eval - @values[i] is field i's value */
bool finit_filter_eval(const struct finit_filter *f, const unsigned long long *values);

void finit_filter_free(struct finit_filter *f);

#endif
