// SPDX-License-Identifier: MIT
/*
 * cmd-cleanup.c - `finit-ftrace cleanup`: remove the stale instances of dead runs.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "cli.h"
#include "finit.h"
#include "log.h"
#include "reclaim.h"
#include "session.h"

/* on_log - what was removed goes to stdout, problems to stderr */
static void on_log(enum finit_log_level level, const char *msg, void *ctx)
{
	if (level == FINIT_LOG_INFO)
		printf("finit-ftrace: %s\n", msg);
	else
		finit_log_stderr(level, msg, ctx);
}

static const struct finit_cli_cmd cleanup_cli = {
	.name = "cleanup",
	.synopsis = "[--prefix NAME] [--tracefs DIR]",
	.about = "Remove every tracefs instance named <prefix>-<pid>, and dynamic event group\n"
		 "<prefix>_<pid>, whose pid no longer runs finit-ftrace, report each one\n"
		 "removed, and put syscall_user_buf_size back once no run of ours is left.\n"
		 "What a killed record's instance still holds is first saved into its\n"
		 "recovery directory (per CPU, said), other unread entries are said to be\n"
		 "discarded, and each dead record's recovery directory is listed with the\n"
		 "'record --recover' command that makes its trace.dat. Live runs are left alone.\n",
	.shared = "pth",
};

int finit_cmd_cleanup(int argc, char **argv, struct finit_config *cfg)
{
	struct finit_probe probe = { 0 };
	char err[512];
	int ret, removed;

	ret = finit_cli_parse(&cleanup_cli, argc, argv, cfg, NULL);
	if (ret >= 0)
		return ret;
	if (finit_probe_locate(cfg->tracefs_path, true, &probe, err, sizeof(err)) < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "%s", err);
	finit_log_set_hook(on_log, NULL);
	removed = finit_reclaim_stale(cfg->instance_prefix, true);
	if (removed < 0)
		return FINIT_EXIT_FAIL;
	printf("finit-ftrace: cleanup removed %d stale instance(s)\n", removed);
	return FINIT_EXIT_OK;
}
