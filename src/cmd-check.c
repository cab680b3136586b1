// SPDX-License-Identifier: MIT
/*
 * cmd-check.c - `finit-ftrace check`: what this kernel offers, which
 * capture path `watch` will use, and (as root) the self-test's verdicts.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "emit.h"
#include "finit.h"
#include "session.h"
#include "tiers.h"

static const struct finit_cli_cmd check_cli = {
	.name = "check",
	.synopsis = "[--format text|json] [--tracefs DIR]",
	.about = "Report the tracefs mount, privileges, kernel version, the events and\n"
		 "probe types the kernel offers, and the capture path watch will use.\n"
		 "As root, also run the self-test watch runs before arming (a temporary\n"
		 "instance and probes, removed again) and print each tier's verdict.\n"
		 "Exit code 3 when no capture path exists.\n",
	.shared = "FtPh",
};

struct item {
	const char	*key;
	bool		value;
	const char	*label;
};

/* json_selftest - "selftest":{check: "ok" or why} of the checks run */
static void json_selftest(struct finit_buf *b, const struct finit_session *s)
{
	int n = 0;

	finit_buf_puts(b, ",\"selftest\":");
	if (!s->tested) {
		finit_buf_puts(b, "null");
		return;
	}
	finit_buf_putc(b, '{');
	for (int c = 0; c < FINIT_CHECK_NR; c++) {
		if (!s->test.tested[c])
			continue;
		finit_buf_printf(b, "%s\"%s\":", n++ ? "," : "", finit_selftest_check_name(c));
		finit_buf_json_string(b, s->test.ok[c] ? "ok" : s->test.why[c]);
	}
	finit_buf_putc(b, '}');
}

/* text_selftest - one line per check run */
static void text_selftest(struct finit_buf *b, const struct finit_session *s)
{
	if (!s->tested) {
		finit_buf_puts(b, "self-test:      not run (needs root and a capture path)\n");
		return;
	}
	for (int c = 0; c < FINIT_CHECK_NR; c++)
		if (s->test.tested[c])
			finit_buf_printf(b, "self-test:      %-14s %s%s\n", finit_selftest_check_name(c),
					 s->test.ok[c] ? "ok" : "FAILED: ",
					 s->test.ok[c] ? "" : s->test.why[c]);
}

/* The events check reports, as a table. */
#define CHECK_ITEMS(p) {							\
	{ "syscalls:sys_enter_finit_module", (p)->sys_enter_finit, "syscall entry event" },\
	{ "syscalls:sys_exit_finit_module", (p)->sys_exit_finit, "syscall exit event" },	\
	{ "module:module_load", (p)->module_load, "module name event" },		\
	{ "raw_syscalls:sys_enter", (p)->raw_enter, "fallback entry event" },		\
	{ "raw_syscalls:sys_exit", (p)->raw_exit, "fallback exit event" },		\
}
#define NITEMS	5

/* compat_name - how 32-bit callers are caught ("none" without a capture path) */
static const char *compat_name(const struct finit_session *s)
{
	return s->probe.path == FINIT_PATH_NONE ? "none" : finit_selftest_compat_name(s->compat);
}

/* check_json - the report as one JSON object */
static void check_json(struct finit_buf *b, const struct finit_session *s)
{
	const struct finit_probe *p = &s->probe;
	const struct item items[NITEMS] = CHECK_ITEMS(p);
	static const char *const raw_keys[] = { "tracefs", "kernel", "machine" };
	const char *raw[] = { p->tracing_dir, p->kernel, p->machine };

	finit_buf_printf(b, "{\"tracefs\":");
	finit_buf_json_string(b, p->tracing_dir);
	finit_buf_printf(b, ",\"mounted_by_us\":%s,\"root\":%s,\"kernel\":",
			 p->mounted_by_us ? "true" : "false", p->root ? "true" : "false");
	finit_buf_json_string(b, p->kernel);
	finit_buf_printf(b, ",\"machine\":");
	finit_buf_json_string(b, p->machine);
	finit_buf_printf(b, ",\"events\":{");
	for (size_t i = 0; i < NITEMS; i++)
		finit_buf_printf(b, "%s\"%s\":%s", i ? "," : "", items[i].key,
				 items[i].value ? "true" : "false");
	finit_buf_printf(b, "},\"dynamic_events\":%s,\"eprobe\":%s,\"kprobe\":%s,"
			 "\"uargs_field\":%s,\"btf\":%s,\"capture_path\":\"%s\","
			 "\"string_tier\":%d,\"string_tier_name\":\"%s\",\"exact_strings\":",
			 p->dynamic_events ? "true" : "false", p->eprobe ? "true" : "false",
			 p->kprobe ? "true" : "false", p->uargs_field ? "true" : "false",
			 p->btf ? "true" : "false", finit_probe_path_name(p->path), s->tier,
			 finit_tiers_name(s->tier));
	finit_buf_json_string(b, s->exact ? finit_tiers_name(s->exact) : NULL);
	finit_buf_printf(b, ",\"compat_path\":\"%s\",\"kprobe_path\":%s", compat_name(s),
			 p->kprobe_path ? "true" : "false");
	json_selftest(b, s);
	finit_buf_puts(b, ",\"raw_b64\":");
	finit_buf_json_raw(b, raw_keys, raw, sizeof(raw) / sizeof(raw[0]));
	finit_buf_puts(b, "}\n");
}

/* check_text - the report as aligned lines */
static void check_text(struct finit_buf *b, const struct finit_session *s)
{
	const struct finit_probe *p = &s->probe;
	const struct item items[NITEMS] = CHECK_ITEMS(p);

	finit_buf_printf(b, "tracefs:        %s%s\n", p->tracing_dir,
			 p->mounted_by_us ? " (mounted by us)" : "");
	finit_buf_printf(b, "root:           %s\n", p->root ? "yes" : "no");
	finit_buf_printf(b, "kernel:         %s %s\n", p->kernel, p->machine);
	for (size_t i = 0; i < NITEMS; i++)
		finit_buf_printf(b, "  %-34s %s  (%s)\n", items[i].key,
				 items[i].value ? "yes" : "no ", items[i].label);
	finit_buf_printf(b, "  %-34s %s\n", "dynamic_events", p->dynamic_events ? "yes" : "no");
	finit_buf_printf(b, "  %-34s %s\n", "eprobe (e: in README)", p->eprobe ? "yes" : "no");
	finit_buf_printf(b, "  %-34s %s\n", "kprobe_events", p->kprobe ? "yes" : "no");
	finit_buf_printf(b, "  %-34s %s\n", "__uargs_val in syscall event",
			 p->uargs_field ? "yes" : "no");
	finit_buf_printf(b, "  %-34s %s  (information only: never needed)\n", "BTF",
			 p->btf ? "yes" : "no");
	finit_buf_printf(b, "capture path:   %s\n", finit_probe_path_name(p->path));
	finit_buf_printf(b, "kprobe path:    %s\n", p->kprobe_path ?
			 "available (--path kprobe: no syscall tracepoint)" :
			 "not available (no kprobe events, or no syscall ABI known for this machine)");
	finit_buf_printf(b, "string tier:    %d (%s)\n", s->tier, finit_tiers_name(s->tier));
	if (s->exact)
		finit_buf_printf(b, "exact strings:  %s beside it (the native field is cut "
				 "and sanitized)\n", finit_tiers_name(s->exact));
	finit_buf_printf(b, "32-bit callers: %s\n", compat_name(s));
	text_selftest(b, s);
}

/* print_check - the report in text or JSON */
static void print_check(const struct finit_session *s, enum finit_format fmt)
{
	struct finit_buf b = { 0 };

	if (fmt == FINIT_FMT_JSON)
		check_json(&b, s);
	else
		check_text(&b, s);
	if (b.data)
		fputs(b.data, stdout);
	finit_buf_free(&b);
}

int finit_cmd_check(int argc, char **argv, struct finit_config *cfg)
{
	struct finit_session s;
	char err[2048];
	int ret;

	ret = finit_cli_parse(&check_cli, argc, argv, cfg, NULL);
	if (ret >= 0)
		return ret;
	if (!finit_emit_format_for_check(cfg->format)) {
		char names[128];

		finit_emit_format_list(names, sizeof(names), true);
		return finit_cli_error(FINIT_EXIT_USAGE, "check: --format is %s", names);
	}
	ret = finit_session_test(&s, cfg, err, sizeof(err));
	if (ret != FINIT_EXIT_OK && !s.probe.tracing_dir[0])
		return finit_cli_error(ret, "%s", err);
	if (ret != FINIT_EXIT_OK)
		finit_cli_error(ret, "%s", err);
	print_check(&s, cfg->format);
	if (s.probe.path == FINIT_PATH_NONE)
		return FINIT_EXIT_UNSUPPORTED;
	return ret;
}
