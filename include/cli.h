/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the subcommands and what they share.
 */
#ifndef FINIT_CLI_H
#define FINIT_CLI_H

#include "config.h"

/* A subcommand: argv[0] is its name; returns an exit code. */
struct finit_cmd {
	const char	*name;
	int		(*run)(int argc, char **argv, struct finit_config *cfg);
	const char	*summary;
};

int finit_cmd_watch(int argc, char **argv, struct finit_config *cfg);
int finit_cmd_check(int argc, char **argv, struct finit_config *cfg);
int finit_cmd_cleanup(int argc, char **argv, struct finit_config *cfg);

/* finit_cli_error - "finit-ftrace: <msg>" on stderr; returns @code */
int finit_cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* finit_cli_set - a command-line override of one config key; 0 or FINIT_EXIT_USAGE */
int finit_cli_set(struct finit_config *cfg, const char *option, const char *section,
		  const char *key, const char *value);

#endif
