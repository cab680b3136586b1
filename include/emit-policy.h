/* SPDX-License-Identifier: MIT */
/*
 * emit-policy.h - the fields policies use, in each format: the caller's
 * identity (euid, auid, sessionid, cap_effective) and the verdict and rule.
 */
#ifndef FINIT_EMIT_POLICY_H
#define FINIT_EMIT_POLICY_H

#include "buf.h"
#include "finit.h"

/* The CSV columns finit_emit_policy_csv adds, each after a comma. */
#define FINIT_EMIT_POLICY_CSV	",euid,auid,sessionid,cap_effective,verdict,rule"

/* finit_emit_policy_json - ,"euid":…,"auid":…,"sessionid":…,"cap_effective":[…],"verdict":…,"rule":… */
void finit_emit_policy_json(struct finit_buf *b, const struct finit_event *ev);

/* finit_emit_policy_origin - ,"euid":"procfs",… inside the origin object */
void finit_emit_policy_origin(struct finit_buf *b, const struct finit_event *ev);

/* finit_emit_policy_text - " verdict=deny rule=NAME" when there is a policy */
void finit_emit_policy_text(struct finit_buf *b, const struct finit_event *ev);

/* finit_emit_policy_csv - the FINIT_EMIT_POLICY_CSV fields, each after a comma */
void finit_emit_policy_csv(struct finit_buf *b, const struct finit_event *ev);

#endif
