// SPDX-License-Identifier: MIT
/*
 * policy.c - the allow rules of the config file and the verdict on each
 * event. A rule ([allow NAME]) allows an event when every key it names
 * matches one of the key's alternatives; the rules are alternatives too.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define NAME_MAX_LEN	64
#define ALT_MAX		256	/* alternatives of one key */

enum key { K_EVENT, K_MODULE, K_SHA256, K_PATH_PREFIX, K_EXE, K_UID, K_AUID, K_CONTAINER,
	   K_NR };

static const char *const key_names[K_NR] = {
	"event", "module", "sha256", "path_prefix", "exe", "uid", "auid", "container",
};

/* One alternative of a key. */
struct alt {
	char			*s;		/* the string keys' value */
	unsigned long long	lo, hi;		/* uid, auid: a range; event: its kind */
	bool			special;	/* auid "unset", container "none" */
};

struct cond {
	struct alt	*alts;
	int		n;		/* 0: the rule does not name the key */
};

struct rule {
	char		*name;
	struct cond	c[K_NR];
};

struct finit_policy {
	enum finit_policy_verdict	def;
	struct rule			*rules;
	int				nrules;
};

/* finit_policy_is_section - [policy] or [allow ...] (a bare [allow] is an error later) */
bool finit_policy_is_section(const char *section)
{
	return !strcmp(section, "policy") || !strncmp(section, "allow", 5);
}

/* rule_name - the NAME of "[allow NAME]"; NULL with why in @err */
static const char *rule_name(const char *section, char *name, char *err, size_t errlen)
{
	const char *s = section + 5;
	size_t n;

	if (*s && !isspace((unsigned char)*s))
		goto bad;
	s += strspn(s, " \t");
	n = strcspn(s, " \t");
	if (!n || n > NAME_MAX_LEN || s[n + strspn(s + n, " \t")] ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-") != n)
		goto bad;
	memcpy(name, s, n);
	name[n] = '\0';
	if (!strcmp(name, "default")) {
		snprintf(err, errlen, "[%s]: 'default' names the policy's default, not a rule",
			 section);
		return NULL;
	}
	return name;
bad:
	snprintf(err, errlen, "[%s]: a rule section is [allow NAME], NAME 1-%d characters of "
		 "[A-Za-z0-9_.:-]", section, NAME_MAX_LEN);
	return NULL;
}

/* find_rule - the rule called @name, made at the end when new */
static struct rule *find_rule(struct finit_policy *p, const char *name)
{
	struct rule *r;

	for (int i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].name, name))
			return &p->rules[i];
	r = realloc(p->rules, (p->nrules + 1) * sizeof(*r));
	if (!r)
		return NULL;
	p->rules = r;
	r = &p->rules[p->nrules];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	if (!r->name)
		return NULL;
	p->nrules++;
	return r;
}

/* parse_range - "N" or "LO-HI" (decimal, at most 4294967295); 0 or -1 */
static int parse_range(const char *s, struct alt *a)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	a->lo = a->hi = strtoull(s, &end, 10);
	if (*end == '-' && isdigit((unsigned char)end[1]))
		a->hi = strtoull(end + 1, &end, 10);
	return errno || *end || a->hi < a->lo || a->hi > FINIT_ID_UNSET ? -1 : 0;
}

/* is_hex - @s is @min to @max hex digits */
static bool is_hex(const char *s, size_t min, size_t max)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return !s[n] && n >= min && n <= max;
}

/* parse_event - an event name, module_load too */
static int parse_event(const char *s, struct alt *a)
{
	int e = finit_names_syscall_parse(s);

	if (!strcmp(s, finit_names_syscall(FINIT_EV_MODULE_LOAD)))
		e = FINIT_EV_MODULE_LOAD;
	a->lo = (unsigned long long)e;
	return e < 0 ? -1 : 0;
}

/* parse_alt - one alternative of key @k; 0, or -1 with what it must be in @want */
static int parse_alt(enum key k, const char *s, struct alt *a, const char **want)
{
	a->special = (k == K_AUID && !strcmp(s, "unset")) ||
		     (k == K_CONTAINER && !strcmp(s, "none"));
	switch (k) {
	case K_EVENT:
		*want = "finit_module, init_module, delete_module, module_free or module_load";
		return parse_event(s, a);
	case K_SHA256:
		*want = "64 hex digits";
		return is_hex(s, 64, 64) ? 0 : -1;
	case K_UID:
	case K_AUID:
		*want = k == K_AUID ? "a number, a range LO-HI, or unset" :
			"a number or a range LO-HI";
		return a->special || !parse_range(s, a) ? 0 : -1;
	case K_CONTAINER:
		*want = "a container id (12 to 64 hex digits) or none";
		return a->special || is_hex(s, 12, 64) ? 0 : -1;
	case K_PATH_PREFIX:
	case K_EXE:
		*want = "an absolute path";
		return *s == '/' ? 0 : -1;
	default:
		*want = "a glob";
		return 0;
	}
}

/* add_alt - one trimmed alternative @s to @c; 0 or -1 with @err */
static int add_alt(struct cond *c, enum key k, char *s, char *err, size_t errlen)
{
	struct alt a = { 0 }, *more;
	const char *want = NULL;

	if (!*s || parse_alt(k, s, &a, &want) < 0) {
		snprintf(err, errlen, "%s: '%s' is not %s", key_names[k], s,
			 *s ? want : "a value (an empty alternative)");
		return -1;
	}
	if (c->n >= ALT_MAX) {
		snprintf(err, errlen, "%s: more than %d alternatives", key_names[k], ALT_MAX);
		return -1;
	}
	if (k == K_SHA256)
		for (char *p = s; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	more = realloc(c->alts, (c->n + 1) * sizeof(*more));
	if (more)
		c->alts = more;
	a.s = more ? strdup(s) : NULL;
	if (!a.s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->alts[c->n++] = a;
	return 0;
}

/* add_alts - the comma-separated alternatives of @value to @c */
static int add_alts(struct cond *c, enum key k, const char *value, char *err, size_t errlen)
{
	char *copy = strdup(value), *s, *next;
	int ret = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (s = copy; s && !ret; s = next) {
		char *end;

		next = strchr(s, ',');
		if (next)
			*next++ = '\0';
		s += strspn(s, " \t");
		end = s + strlen(s);
		while (end > s && isspace((unsigned char)end[-1]))
			*--end = '\0';
		ret = add_alt(c, k, s, err, errlen);
	}
	free(copy);
	return ret;
}

/* set_default - [policy] default = allow|deny */
static int set_default(struct finit_policy *p, const char *key, const char *value,
		       char *err, size_t errlen)
{
	if (strcmp(key, "default")) {
		snprintf(err, errlen, "[policy] %s: unknown key (known: default, fail_on_deny)",
			 key);
		return -1;
	}
	if (strcmp(value, "allow") && strcmp(value, "deny")) {
		snprintf(err, errlen, "[policy] default: '%s' is not allow or deny", value);
		return -1;
	}
	p->def = strcmp(value, "allow") ? FINIT_VERDICT_DENY : FINIT_VERDICT_ALLOW;
	return 0;
}

/* set_rule_key - one key of [allow NAME] */
static int set_rule_key(struct finit_policy *p, const char *section, const char *key,
			const char *value, char *err, size_t errlen)
{
	char name[NAME_MAX_LEN + 1], msg[384];
	struct rule *r;

	if (!rule_name(section, name, err, errlen))
		return -1;
	for (int k = 0; k < K_NR; k++) {
		if (strcmp(key, key_names[k]))
			continue;
		r = find_rule(p, name);
		if (!r) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (!add_alts(&r->c[k], (enum key)k, value, msg, sizeof(msg)))
			return 0;
		snprintf(err, errlen, "[%s] %s", section, msg);
		return -1;
	}
	snprintf(err, errlen, "[%s] %s: unknown key (known: event, module, sha256, "
		 "path_prefix, exe, uid, auid, container)", section, key);
	return -1;
}

/* finit_policy_set - a [policy] or [allow NAME] key */
int finit_policy_set(struct finit_policy **pp, const char *section, const char *key,
		     const char *value, char *err, size_t errlen)
{
	if (!*pp) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		(*pp)->def = FINIT_VERDICT_DENY;
	}
	if (!strcmp(section, "policy"))
		return set_default(*pp, key, value, err, errlen);
	return set_rule_key(*pp, section, key, value, err, errlen);
}

/* finit_policy_wants_hash - a rule names sha256 */
bool finit_policy_wants_hash(const struct finit_policy *p)
{
	for (int i = 0; p && i < p->nrules; i++)
		if (p->rules[i].c[K_SHA256].n)
			return true;
	return false;
}

/* in_range - @v within @a's range */
static bool in_range(const struct alt *a, unsigned long long v)
{
	return !a->special && v >= a->lo && v <= a->hi;
}

/* match_alt - one alternative of key @k against @ev; unknown fields never match */
static bool match_alt(enum key k, const struct alt *a, const struct finit_event *ev)
{
	const struct finit_proc *p = &ev->proc;

	switch (k) {
	case K_EVENT:
		return a->lo == (unsigned long long)ev->sys;
	case K_MODULE:
		return ev->module && !fnmatch(a->s, ev->module, 0);
	case K_SHA256:
		return ev->sha256 && !strcasecmp(a->s, ev->sha256);
	case K_PATH_PREFIX:
		return ev->path && !strncmp(ev->path, a->s, strlen(a->s));
	case K_EXE:
		return p->exe && !strcmp(p->exe, a->s);
	case K_UID:
		return p->valid && p->uid >= 0 && in_range(a, (unsigned long long)p->uid);
	case K_AUID:
		if (!p->valid || !p->has_auid)
			return false;
		return p->auid == FINIT_ID_UNSET ? a->special : in_range(a, p->auid);
	case K_CONTAINER:
		if (!p->valid)
			return false;
		if (!p->container_id)
			return a->special;
		return !a->special && !strncasecmp(p->container_id, a->s, strlen(a->s));
	default:
		return false;
	}
}

/* match_rule - every key @r names has an alternative that matches @ev */
static bool match_rule(const struct rule *r, const struct finit_event *ev)
{
	for (int k = 0; k < K_NR; k++) {
		bool any = false;

		for (int i = 0; i < r->c[k].n && !any; i++)
			any = match_alt((enum key)k, &r->c[k].alts[i], ev);
		if (r->c[k].n && !any)
			return false;
	}
	return true;
}

/* finit_policy_judge - the first rule that allows @ev, else the default */
void finit_policy_judge(const struct finit_policy *p, struct finit_event *ev)
{
	ev->verdict = FINIT_VERDICT_NONE;
	ev->rule = NULL;
	if (!p)
		return;
	ev->verdict = p->def;
	ev->rule = "default";
	for (int i = 0; i < p->nrules; i++) {
		if (match_rule(&p->rules[i], ev)) {
			ev->verdict = FINIT_VERDICT_ALLOW;
			ev->rule = p->rules[i].name;
			break;
		}
	}
}

/* finit_policy_free - every rule, its alternatives, the policy */
void finit_policy_free(struct finit_policy *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nrules; i++) {
		for (int k = 0; k < K_NR; k++) {
			for (int j = 0; j < p->rules[i].c[k].n; j++)
				free(p->rules[i].c[k].alts[j].s);
			free(p->rules[i].c[k].alts);
		}
		free(p->rules[i].name);
	}
	free(p->rules);
	free(p);
}
