// SPDX-License-Identifier: MIT
/*
 * cli.c - what the subcommands share: error messages, option overrides of
 * the config, and the capture options of watch and record.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "finit.h"

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

int finit_cli_set(struct finit_config *cfg, const char *option, const char *section,
		  const char *key, const char *value)
{
	char err[512];

	if (!finit_config_set(cfg, section, key, value, err, sizeof(err)))
		return 0;
	return finit_cli_error(FINIT_EXIT_USAGE, "%s: %s", option, err);
}

const char finit_cli_capture_help[] =
	"  -f, --filter EXPR       kernel filter syntax on fd, uargs, flags, common_pid\n"
	"                          (e.g. 'flags & 4', 'fd > 2 && flags != 0');\n"
	"                          it applies to finit_module calls\n"
	"  -e, --events LIST       finit_module,init_module,delete_module,module_free\n"
	"                          or all (default)\n"
	"  -H, --hash              add the sha256 of the module file (best effort)\n"
	"  -C, --no-compat         leave 32-bit callers out (no raw_syscalls beside\n"
	"                          the syscalls events: cheaper for every syscall)\n"
	"  -b, --buffer-size KB    per-CPU ring buffer of our instance\n"
	"  -t, --tracefs DIR       tracefs mount point (default: find or mount it)\n"
	"  -p, --prefix NAME       instance name prefix (instances are NAME-<pid>)\n";

int finit_cli_capture_option(struct finit_config *cfg, int c, const char *arg, int *ret)
{
	static const struct {
		int c;
		const char *opt, *section, *key;
	} map[] = {
		{ 'f', "--filter", "capture", "filter" },
		{ 'e', "--events", "capture", "events" },
		{ 'H', "--hash", "capture", "hash" },
		{ 'C', "--no-compat", "capture", "compat" },
		{ 'b', "--buffer-size", "tracefs", "buffer_size_kb" },
		{ 't', "--tracefs", "tracefs", "path" },
		{ 'p', "--prefix", "tracefs", "instance_prefix" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].c != c)
			continue;
		*ret = finit_cli_set(cfg, map[i].opt, map[i].section, map[i].key,
				     c == 'H' ? "true" : c == 'C' ? "false" : arg);
		return 1;
	}
	return 0;
}


int finit_cli_extra_arg(const char *cmd, int argc, char **argv)
{
	if (optind >= argc)
		return 0;
	return finit_cli_error(FINIT_EXIT_USAGE, "%s: unexpected argument '%s' (try --help)",
			       cmd, argv[optind]);
}
