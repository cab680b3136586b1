// SPDX-License-Identifier: MIT
/*
 * cmd-cleanup.c - `finit-ftrace cleanup`: remove the stale instances of dead runs.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "finit.h"
#include "reclaim.h"
#include "session.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: finit-ftrace [-c FILE] cleanup [--prefix NAME] [--tracefs DIR]\n"
		"\n"
		"Remove every tracefs instance named <prefix>-<pid> whose pid no longer\n"
		"runs finit-ftrace, and report each one removed. Live runs are left alone.\n");
}

int finit_cmd_cleanup(int argc, char **argv, struct finit_config *cfg)
{
	static const struct option opts[] = {
		{ "prefix",  required_argument, NULL, 'p' },
		{ "tracefs", required_argument, NULL, 't' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct finit_probe probe = { 0 };
	char err[512];
	int c, ret = 0, removed;

	optind = 0;
	while (!ret && (c = getopt_long(argc, argv, "p:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			ret = finit_cli_set(cfg, "--prefix", "tracefs", "instance_prefix", optarg);
			break;
		case 't':
			ret = finit_cli_set(cfg, "--tracefs", "tracefs", "path", optarg);
			break;
		case 'h':
			usage(stdout);
			return FINIT_EXIT_OK;
		default:
			usage(stderr);
			return FINIT_EXIT_USAGE;
		}
	}
	if (ret || (ret = finit_cli_extra_arg("cleanup", argc, argv)))
		return ret;
	if (finit_tracefs_locate(cfg->tracefs_path, true, &probe, err, sizeof(err)) < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "%s", err);
	removed = finit_reclaim_stale(cfg->instance_prefix, stdout);
	if (removed < 0)
		return FINIT_EXIT_FAIL;
	printf("finit-ftrace: cleanup removed %d stale instance(s)\n", removed);
	return FINIT_EXIT_OK;
}
