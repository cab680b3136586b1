/* SPDX-License-Identifier: MIT */
/*
 * policy.h - which module events are expected: [policy] default and the
 * [allow NAME] rules of the config file, and the verdict on each event.
 */
#ifndef FINIT_POLICY_H
#define FINIT_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "finit.h"

struct finit_policy;

/* finit_policy_is_section - [policy], or an [allow NAME] section */
bool finit_policy_is_section(const char *section);

/*
 * finit_policy_set - one key of a policy section into *@pp (made on the
 * first): [policy] default = allow|deny; [allow NAME] event, module,
 * sha256, path_prefix, exe, uid, auid, container, each a comma-separated
 * list of alternatives (a key given again adds alternatives). Returns 0,
 * or -1 with "[section] key: problem" in @err.
 */
int finit_policy_set(struct finit_policy **pp, const char *section, const char *key,
		     const char *value, char *err, size_t errlen);

/* finit_policy_wants_hash - some rule names sha256: --hash is implied */
bool finit_policy_wants_hash(const struct finit_policy *p);

/*
 * finit_policy_judge - the verdict and rule of @ev: allowed by
 * the first [allow NAME] whose every key matches (a key whose field is
 * unknown does not), else the default; no policy (NULL): no verdict
 */
void finit_policy_judge(const struct finit_policy *p, struct finit_event *ev);

/* finit_policy_free - the rules and the policy */
void finit_policy_free(struct finit_policy *p);

#endif
