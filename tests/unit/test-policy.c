// SPDX-License-Identifier: MIT
/*
 * test-policy.c - the [policy] and [allow NAME] sections: parsing with
 * FILE:LINE errors, the verdict and rule of each event, the metrics file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "finit.h"
#include "metrics.h"
#include "policy.h"
#include "sink.h"
#include "unit.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SUM "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"

static const char policy_text[] =
	"[policy]\n"
	"default = deny\n"
	"[allow distro]\n"
	"path_prefix = /lib/modules/, /usr/lib/modules/\n"
	"exe = /usr/bin/kmod, /usr/sbin/modprobe\n"
	"[allow unloads]\n"
	"event = delete_module, module_free\n"
	"module = loop*, dm_?\n"
	"[allow admins]\n"
	"uid = 0\n"
	"auid = 1000-1999, 0\n"
	"[allow boot]\n"
	"auid = unset\n"
	"container = none\n"
	"event = finit_module\n"
	"[allow images]\n"
	"container = 0123456789ab\n"
	"[allow pinned]\n"
	"sha256 = " SUM "\n";

/* call - a finit_module event by a live task with @exe, loading @path */
static struct finit_event call(const char *exe, const char *path)
{
	struct finit_event ev = { .sys = FINIT_SYS_FINIT_MODULE, .path = (char *)path };

	ev.proc = (struct finit_proc){ .valid = true, .uid = 1000, .euid = 1000,
				       .exe = (char *)exe, .has_auid = true, .auid = 1000 * 1000,
				       .container_id = NULL };
	return ev;
}

/* judged - @ev's verdict and rule under @p are @verdict and @rule */
static void judged(const struct finit_policy *p, struct finit_event ev,
		   enum finit_policy_verdict verdict, const char *rule)
{
	finit_policy_judge(p, &ev);
	CU_ASSERT_EQUAL(ev.verdict, verdict);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev.rule);
	CU_ASSERT_STRING_EQUAL(ev.rule, rule);
	/* the journal and syslog sinks log a denial as a warning */
	CU_ASSERT_EQUAL(finit_sink_priority(&ev), verdict == FINIT_VERDICT_DENY ? LOG_WARNING :
			LOG_NOTICE);
}

static void test_verdicts(void)
{
	struct finit_config cfg;
	struct finit_event ev;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(unit_config_load(&cfg, policy_text, err), 0);
	CU_ASSERT_EQUAL(cfg.hash, 1);		/* a rule names sha256 */
	/* every key of a rule must match: path and exe */
	judged(cfg.policy, call("/usr/sbin/modprobe", "/usr/lib/modules/6.1/loop.ko"),
	       FINIT_VERDICT_ALLOW, "distro");
	judged(cfg.policy, call("/tmp/evil", "/usr/lib/modules/6.1/loop.ko"),
	       FINIT_VERDICT_DENY, "default");
	judged(cfg.policy, call("/usr/bin/kmod", "/tmp/lib/modules/x.ko"),
	       FINIT_VERDICT_DENY, "default");
	/* an unknown field matches nothing */
	judged(cfg.policy, call("/usr/bin/kmod", NULL), FINIT_VERDICT_DENY, "default");
	ev = call("/usr/bin/kmod", "/lib/modules/x.ko");
	ev.proc = (struct finit_proc){ .valid = false };	/* the caller was gone */
	judged(cfg.policy, ev, FINIT_VERDICT_DENY, "default");
	/* globs on the module, for the events named */
	ev = call(NULL, NULL);
	ev.sys = FINIT_SYS_DELETE_MODULE;
	ev.module = (char *)"loop";
	judged(cfg.policy, ev, FINIT_VERDICT_ALLOW, "unloads");
	ev.module = (char *)"dm_x";
	judged(cfg.policy, ev, FINIT_VERDICT_ALLOW, "unloads");
	ev.module = (char *)"dm_xy";
	judged(cfg.policy, ev, FINIT_VERDICT_DENY, "default");
	ev.sys = FINIT_EV_MODULE_LOAD;
	ev.module = (char *)"loop";
	judged(cfg.policy, ev, FINIT_VERDICT_DENY, "default");
	/* uid and auid ranges; an unset auid is matched by "unset" only */
	ev = call(NULL, NULL);
	ev.proc.uid = 0;
	ev.proc.auid = 1999;
	judged(cfg.policy, ev, FINIT_VERDICT_ALLOW, "admins");
	ev.proc.auid = 2000;
	judged(cfg.policy, ev, FINIT_VERDICT_DENY, "default");
	ev.proc.auid = FINIT_ID_UNSET;
	ev.proc.container_id = (char *)"fedcba9876543210" CID;
	judged(cfg.policy, ev, FINIT_VERDICT_DENY, "default");	/* in a container */
	ev.proc.container_id = NULL;
	judged(cfg.policy, ev, FINIT_VERDICT_ALLOW, "boot");
	ev.proc.has_auid = false;	/* no loginuid file: unknown, not unset */
	judged(cfg.policy, ev, FINIT_VERDICT_DENY, "default");
	/* a container id or its first 12+ digits; sha256 in any case */
	ev = call(NULL, NULL);
	ev.proc.container_id = (char *)CID;
	judged(cfg.policy, ev, FINIT_VERDICT_ALLOW, "images");
	ev = call(NULL, NULL);
	ev.sha256 = (char *)"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	judged(cfg.policy, ev, FINIT_VERDICT_ALLOW, "pinned");
	finit_config_free(&cfg);
}

static void test_default_and_none(void)
{
	struct finit_config cfg;
	struct finit_event ev = call("/bin/x", "/x.ko");
	char err[512];

	/* no policy: no verdict, no rule */
	CU_ASSERT_EQUAL_FATAL(unit_config_load(&cfg, "[output]\nformat = json\n", err), 0);
	CU_ASSERT_PTR_NULL(cfg.policy);
	ev.verdict = FINIT_VERDICT_DENY;
	finit_policy_judge(cfg.policy, &ev);
	CU_ASSERT_EQUAL(ev.verdict, FINIT_VERDICT_NONE);
	CU_ASSERT_PTR_NULL(ev.rule);
	finit_config_free(&cfg);
	/* default allow; a continuation line adds alternatives; no hash implied */
	CU_ASSERT_EQUAL_FATAL(unit_config_load(&cfg, "[policy]\ndefault = allow\nfail_on_deny = "
					      "true\n[allow a]\nexe = /a\n  /bin/x\n", err), 0);
	CU_ASSERT_EQUAL(cfg.hash, 0);
	CU_ASSERT_EQUAL(cfg.fail_on_deny, 1);
	judged(cfg.policy, ev, FINIT_VERDICT_ALLOW, "a");
	judged(cfg.policy, call("/bin/y", NULL), FINIT_VERDICT_ALLOW, "default");
	finit_config_free(&cfg);
	/* [allow NAME] alone: default deny */
	CU_ASSERT_EQUAL_FATAL(unit_config_load(&cfg, "[allow a]\nexe = /a\n", err), 0);
	judged(cfg.policy, ev, FINIT_VERDICT_DENY, "default");
	finit_config_free(&cfg);
}

static void test_errors(void)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "[policy]\ndefault = maybe\n", ":2: [policy] default: 'maybe' is not allow or deny" },
		{ "[policy]\nstrict = yes\n", ":2: [policy] strict: unknown key" },
		{ ";\n[allow a]\nuid = 0, root\n", ":3: [allow a] uid: 'root' is not a number" },
		{ "[allow a]\nuid = 5-2\n", ":2: [allow a] uid: '5-2' is not a number" },
		{ "[allow a]\nauid = -1\n", ":2: [allow a] auid: '-1' is not a number, a range" },
		{ "[allow a]\nuid = unset\n", ":2: [allow a] uid: 'unset' is not" },
		{ "[allow a]\nmodule = a,,b\n", ":2: [allow a] module: '' is not a value" },
		{ "[allow a]\nevent = open\n", ":2: [allow a] event: 'open' is not finit_module" },
		{ "[allow a]\nexe = kmod\n", ":2: [allow a] exe: 'kmod' is not an absolute path" },
		{ "[allow a]\ncontainer = abc\n", ":2: [allow a] container: 'abc' is not a container" },
		{ "[allow a]\nsha256 = 12\n", ":2: [allow a] sha256: '12' is not 64 hex digits" },
		{ "[allow a]\ncolour = red\n", ":2: [allow a] colour: unknown key (known: event" },
		{ "\n\n[allow]\nexe = /a\n", ":4: [allow]: a rule section is [allow NAME]" },
		{ "[allow a b]\nexe = /a\n", ":2: [allow a b]: a rule section is [allow NAME]" },
		{ "[allowed]\nexe = /a\n", ":2: [allowed]: a rule section is [allow NAME]" },
		{ "[allow default]\nexe = /a\n", ":2: [allow default]: 'default' names the policy's" },
	};
	struct finit_config cfg;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(unit_config_load(&cfg, bad[i].text, err), -1);
		if (!strstr(err, bad[i].want))
			fprintf(stderr, "\n  policy error %zu: '%s' lacks '%s'\n", i, err, bad[i].want);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].want));
		finit_config_free(&cfg);
	}
}

static const char metrics_text[] =
	"# HELP finit_ftrace_events_total Module events reported, by event, result (ok, the "
	"errno, or none) and policy verdict (allow, deny, none).\n"
	"# TYPE finit_ftrace_events_total counter\n"
	"finit_ftrace_events_total{event=\"finit_module\",result=\"ENOSYS\",verdict=\"deny\"} 2\n"
	"finit_ftrace_events_total{event=\"finit_module\",result=\"ok\",verdict=\"allow\"} 1\n"
	"finit_ftrace_events_total{event=\"module_load\",result=\"none\",verdict=\"none\"} 1\n"
	"finit_ftrace_events_total{event=\"delete_module\",result=\"E4095\",verdict=\"deny\"} 1\n"
	"# HELP finit_ftrace_lost_records_total Trace records the kernel lost, by CPU.\n"
	"# TYPE finit_ftrace_lost_records_total counter\n"
	"finit_ftrace_lost_records_total{cpu=\"0\"} 0\n"
	"finit_ftrace_lost_records_total{cpu=\"1\"} 58425\n"
	"# HELP finit_ftrace_selftest_failures Self-test checks that failed before arming.\n"
	"# TYPE finit_ftrace_selftest_failures gauge\n"
	"finit_ftrace_selftest_failures 1\n"
	"# HELP finit_ftrace_spool_peak_bytes Most bytes that waited in the spool between the "
	"drain thread and the decoder.\n"
	"# TYPE finit_ftrace_spool_peak_bytes gauge\n"
	"finit_ftrace_spool_peak_bytes 4096\n";

/* only_file - @dir holds @name and nothing else */
static bool only_file(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, found = 0;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		found += !strcmp(e->d_name, name);
	}
	if (d)
		closedir(d);
	return n == 1 && found == 1;
}

static void test_metrics(void)
{
	static const unsigned long long lost[] = { 0, 58425 };
	const struct finit_metrics_gauges g = { .ncpus = 2, .lost = lost, .selftest_failures = 1,
						.spool_peak_bytes = 4096 };
	struct finit_event ev = { .sys = FINIT_SYS_FINIT_MODULE, .ret = -38,
				  .origin_ret = FINIT_ORIGIN_KERNEL, .verdict = FINIT_VERDICT_DENY };
	char dir[] = "/tmp/finit-unit-XXXXXX", path[64], err[512], *text;
	struct finit_metrics *m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/finit.prom", dir);
	m = finit_metrics_open(path, 15);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(finit_metrics_due(m));
	finit_metrics_count(m, &ev);
	finit_metrics_count(m, &ev);
	finit_metrics_count(NULL, &ev);		/* no metrics: nothing */
	ev.ret = 0;
	ev.verdict = FINIT_VERDICT_ALLOW;
	finit_metrics_count(m, &ev);
	ev.sys = FINIT_EV_MODULE_LOAD;
	ev.origin_ret = FINIT_ORIGIN_NONE;
	ev.verdict = FINIT_VERDICT_NONE;
	finit_metrics_count(m, &ev);
	ev.sys = FINIT_SYS_DELETE_MODULE;
	ev.origin_ret = FINIT_ORIGIN_KERNEL;
	ev.ret = -4095;			/* no errno name */
	ev.verdict = FINIT_VERDICT_DENY;
	finit_metrics_count(m, &ev);
	CU_ASSERT_EQUAL(finit_metrics_write(m, &g, err, sizeof(err)), 0);
	CU_ASSERT(!finit_metrics_due(m));	/* 15 s from now */
	text = unit_read(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, metrics_text);
	CU_ASSERT(only_file(dir, "finit.prom"));	/* the temporary name is gone */
	free(text);
	unlink(path);
	rmdir(dir);
	/* a directory that is gone: the error names the file */
	CU_ASSERT_EQUAL(finit_metrics_write(m, &g, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	finit_metrics_close(m);
}

int unit_add_policy(void)
{
	CU_pSuite s = CU_add_suite("policy", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "verdicts of the allow rules", test_verdicts) ||
	       !CU_add_test(s, "no policy, default allow, continuation", test_default_and_none) ||
	       !CU_add_test(s, "errors name file:line", test_errors) ||
	       !CU_add_test(s, "the metrics textfile", test_metrics);
}
