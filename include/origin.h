/* SPDX-License-Identifier: MIT */
/*
 * origin.h - the "origin" object of a record: where each field's value came
 * from. The JSON format and the Tracee format carry the same object.
 */
#ifndef FINIT_ORIGIN_H
#define FINIT_ORIGIN_H

#include "buf.h"
#include "finit.h"

/* finit_origin_json - {"pid":"kernel",...,"context":"procfs"} of @ev into @b */
void finit_origin_json(struct finit_buf *b, const struct finit_event *ev);

#endif
