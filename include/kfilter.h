/* SPDX-License-Identifier: MIT */
/*
 * kfilter.h - the kernel filters of a session's events.
 */
#ifndef FINIT_KFILTER_H
#define FINIT_KFILTER_H

#include <stddef.h>

#include "session.h"

struct finit_decoder;

/*
 * finit_kfilter_apply - write the fixed filters and the user's @expr (may
 * be NULL) to @s's events; the part the kernel cannot evaluate is set on
 * @dec for user space. Returns FINIT_EXIT_OK, or FINIT_EXIT_USAGE (a bad
 * expression) / FINIT_EXIT_FAIL with the kernel's error_log in @err.
 */
int finit_kfilter_apply(struct finit_session *s, const char *expr,
			struct finit_decoder *dec, char *err, size_t errlen);

#endif
