/* SPDX-License-Identifier: MIT */
/*
 * userfilter.h - the user's filter expression (kernel syntax, on the
 * fields of sys_enter_finit_module), evaluated in user space.
 */
#ifndef FINIT_USERFILTER_H
#define FINIT_USERFILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "decoder.h"
#include "finit.h"

struct finit_userfilter;

/* finit_userfilter_alloc - a filter for records of @sysnr's architecture */
struct finit_userfilter *finit_userfilter_alloc(const struct finit_sysnr *sysnr);
void finit_userfilter_free(struct finit_userfilter *f);

/*
 * finit_userfilter_set - evaluate @expr on finit_module enters: only on
 * raw_syscalls and 32-bit records with @raw_only (live: the kernel filtered
 * the rest), on all of them otherwise (offline). 0, or -1 with why in @err.
 */
int finit_userfilter_set(struct finit_userfilter *f, const char *expr, bool raw_only,
			 char *err, size_t errlen);

/* finit_userfilter_match - 1 if @r passes, or the filter does not apply to it */
int finit_userfilter_match(const struct finit_userfilter *f, const struct finit_record *r);

#endif
