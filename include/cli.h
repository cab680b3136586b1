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
int finit_cmd_record(int argc, char **argv, struct finit_config *cfg);
int finit_cmd_report(int argc, char **argv, struct finit_config *cfg);

/* finit_cli_error - "finit-ftrace: <msg>" on stderr; returns @code */
int finit_cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* finit_cli_extra_arg - FINIT_EXIT_USAGE (said on stderr) if argv has words
 * left after getopt, else 0 */
int finit_cli_extra_arg(const char *cmd, int argc, char **argv);

/* finit_cli_set - a command-line override of one config key; 0 or FINIT_EXIT_USAGE */
int finit_cli_set(struct finit_config *cfg, const char *option, const char *section,
		  const char *key, const char *value);

/* The capture options watch and record share: getopt entries and help. */
#define FINIT_CLI_CAPTURE_SHORT	"f:e:HCb:t:p:"
#define FINIT_CLI_CAPTURE_OPTIONS					\
	{ "filter",      required_argument, NULL, 'f' },		\
	{ "events",      required_argument, NULL, 'e' },		\
	{ "hash",        no_argument,       NULL, 'H' },		\
	{ "no-compat",   no_argument,       NULL, 'C' },		\
	{ "buffer-size", required_argument, NULL, 'b' },		\
	{ "tracefs",     required_argument, NULL, 't' },		\
	{ "prefix",      required_argument, NULL, 'p' }

extern const char finit_cli_capture_help[];

/*
 * finit_cli_capture_option - apply capture option @c; returns 1 if it was
 * one (with *ret set to 0 or an exit code), 0 if not.
 */
int finit_cli_capture_option(struct finit_config *cfg, int c, const char *arg, int *ret);

#endif
