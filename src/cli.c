// SPDX-License-Identifier: MIT
/*
 * cli.c - what the subcommands share: the option table and its parser and
 * help, and how messages reach the user.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "emit.h"
#include "finit.h"

/* Every shared option, each the override of one config key. */
static const struct finit_cli_opt shared[] = {
	{ 'f', "filter", "EXPR", "capture", "filter", NULL,
	  "kernel filter syntax on fd, uargs, flags, common_pid\n"
	  "(e.g. 'flags & 4', 'fd > 2 && flags != 0');\n"
	  "it applies to finit_module calls" },
	{ 'e', "events", "LIST", "capture", "events", NULL,
	  "finit_module,init_module,delete_module,module_free\nor all (default)" },
	{ 'H', "hash", NULL, "capture", "hash", "true",
	  "add the sha256 of the module file (best effort)" },
	{ 'C', "no-compat", NULL, "capture", "compat", "false",
	  "leave 32-bit callers out (costs nothing to keep where\n"
	  "the kernel has kprobe events)" },
	{ 'P', "path", "PATH", "capture", "path", NULL,
	  "auto (syscalls, else raw_syscalls), syscalls, kprobe\n"
	  "(no syscall tracepoint: nothing on other syscalls)\n"
	  "or raw_syscalls" },
	{ 'b', "buffer-size", "KB", "tracefs", "buffer_size_kb", NULL,
	  "per-CPU ring buffer of our instance" },
	{ 't', "tracefs", "DIR", "tracefs", "path", NULL,
	  "tracefs mount point (default: find or mount it)" },
	{ 'p', "prefix", "NAME", "tracefs", "instance_prefix", NULL,
	  "instance name prefix (instances are NAME-<pid>)" },
	{ 'F', "format", "FMT", "output", "format", NULL, NULL /* from the format table */ },
	{ 'o', "output", "FILE", "output", "file", NULL,
	  "write events to FILE instead of stdout" },
	{ 'S', "sink", "LIST", "output", "sink", NULL,
	  "stdout (default), file (-o FILE), journal, syslog,\n"
	  "or several: e.g. file,journal" },
	{ 'h', "help", NULL, NULL, NULL, NULL, "this help" },
	{ 0 },
};

/* find - option @c in @list, or NULL */
static const struct finit_cli_opt *find(const struct finit_cli_opt *list, int c)
{
	for (; list && list->c; list++)
		if (list->c == c)
			return list;
	return NULL;
}

/* each - call @fn on @cmd's options in help order: own first, then shared */
static int each(const struct finit_cli_cmd *cmd,
		int (*fn)(const struct finit_cli_opt *o, void *arg), void *arg)
{
	int n = 0;

	for (const struct finit_cli_opt *o = cmd->own; o && o->c; o++)
		n += fn(o, arg);
	for (const char *l = cmd->shared; *l; l++)
		if (find(shared, *l) && !find(cmd->own, *l))
			n += fn(find(shared, *l), arg);
	return n;
}

/* format_help - -F's help from the format table (check: its formats only) */
static void format_help(const struct finit_cli_cmd *cmd, char *buf, size_t len)
{
	char names[192];

	if (!strcmp(cmd->name, "check")) {
		finit_emit_format_list(names, sizeof(names), true);
		snprintf(buf, len, "%s (default text)", names);
	} else {
		finit_emit_format_help(names, sizeof(names));
		snprintf(buf, len, "%s;\ndefault text", names);
	}
}

/* print_opt - "  -x, --long ARG" padded to 26 columns, then the help lines */
static int print_opt(const struct finit_cli_opt *o, void *arg)
{
	const struct { const struct finit_cli_cmd *cmd; FILE *f; } *a = arg;
	char head[64], fmt_help[320];
	const char *help = o->help, *nl;

	if (o->c == 'F' && !help) {
		format_help(a->cmd, fmt_help, sizeof(fmt_help));
		help = fmt_help;
	}
	snprintf(head, sizeof(head), "  -%c, --%s%s%s", o->c, o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	fprintf(a->f, "%-24s", head);
	for (int first = 1; help; first = 0, help = nl ? nl + 1 : NULL) {
		nl = strchr(help, '\n');
		fprintf(a->f, "%s%.*s\n", first ? (strlen(head) >= 24 ? "\n" "                        "
						   : "") : "                        ",
			nl ? (int)(nl - help) : (int)strlen(help), help);
	}
	return 1;
}

/* finit_cli_usage - synopsis, about, and the option lines */
void finit_cli_usage(const struct finit_cli_cmd *cmd, FILE *f)
{
	const struct { const struct finit_cli_cmd *cmd; FILE *f; } a = { cmd, f };

	fprintf(f, "usage: finit-ftrace [-c FILE] %s %s\n\n%s\n", cmd->name, cmd->synopsis,
		cmd->about);
	each(cmd, print_opt, (void *)&a);
}

/* The getopt tables being built. */
struct getopt_build {
	struct option	*longs;
	char		*shorts;
	int		n;
};

/* add_getopt - one option into the getopt tables */
static int add_getopt(const struct finit_cli_opt *o, void *arg)
{
	struct getopt_build *g = arg;
	size_t len = strlen(g->shorts);

	g->longs[g->n++] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					    NULL, o->c };
	g->shorts[len++] = (char)o->c;
	if (o->arg)
		g->shorts[len++] = ':';
	g->shorts[len] = '\0';
	return 0;
}

/* apply - one parsed option: help, the command's own, or a config override */
static int apply(const struct finit_cli_cmd *cmd, int c, const char *arg,
		 struct finit_config *cfg, void *ctx)
{
	const struct finit_cli_opt *o;
	char err[512], opt[64];

	if (c == 'h') {
		finit_cli_usage(cmd, stdout);
		return FINIT_EXIT_OK;
	}
	if (find(cmd->own, c))
		return cmd->on_own(c, arg, ctx);
	o = find(shared, c);
	if (!o || !strchr(cmd->shared, c)) {
		finit_cli_usage(cmd, stderr);
		return FINIT_EXIT_USAGE;
	}
	if (!finit_config_set(cfg, o->section, o->key, o->arg ? arg : o->value, err, sizeof(err)))
		return -1;
	snprintf(opt, sizeof(opt), "--%s", o->name);
	return finit_cli_error(FINIT_EXIT_USAGE, "%s: %s", opt, err);
}

/* finit_cli_parse - the getopt loop over the command's table */
int finit_cli_parse(const struct finit_cli_cmd *cmd, int argc, char **argv,
		    struct finit_config *cfg, void *ctx)
{
	struct option longs[32] = { { 0 } };
	char shorts[80] = "";
	struct getopt_build g = { longs, shorts + 1, 0 };
	int c, ret = -1;

	shorts[0] = '+';	/* used with stop_at_word only */
	each(cmd, add_getopt, &g);
	optind = 0;
	while (ret < 0 && (c = getopt_long(argc, argv, cmd->stop_at_word ? shorts : shorts + 1,
					   longs, NULL)) != -1)
		ret = c == '?' || c == ':' ? (finit_cli_usage(cmd, stderr), FINIT_EXIT_USAGE) :
		      apply(cmd, c, optarg, cfg, ctx);
	if (ret >= 0 || cmd->words || optind >= argc)
		return ret;
	return finit_cli_error(FINIT_EXIT_USAGE, "%s: unexpected argument '%s' (try --help)",
			       cmd->name, argv[optind]);
}

/* finit_cli_error - one message on stderr */
int finit_cli_error(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("finit-ftrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}
