/* SPDX-License-Identifier: MIT */
/*
 * origin.h - the "origin" object of a record: where each field's value came
 * from. The JSON format and the Tracee format carry the same object.
 */
#ifndef FINIT_ORIGIN_H
#define FINIT_ORIGIN_H

#include "buf.h"
#include "finit.h"

/* The object's fields: pid, tid, comm, args, param_values, ret, module, path, sha256, context */
#define FINIT_ORIGIN_FIELDS	10

/* finit_origin_of - where each field of @ev came from, in the order above */
void finit_origin_of(const struct finit_event *ev, enum finit_origin o[FINIT_ORIGIN_FIELDS]);

/* finit_origin_json - {"pid":"kernel",...,"context":"procfs"} of @ev into @b */
void finit_origin_json(struct finit_buf *b, const struct finit_event *ev);

#endif
