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
 * finit_filter_check - is @expr a well-formed filter over @fields (a NULL-
 * terminated list)? With @numeric_only every value must be a number.
 * Returns 0, or -1 with a kernel-style message and caret in @err.
 */
int finit_filter_check(const char *expr, const char *const *fields, bool numeric_only,
		       char *err, size_t errlen);

#endif
