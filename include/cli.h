/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the subcommands and what they share: one table of options (the
 * config keys they override, their help), one parser, error messages.
 */
#ifndef FINIT_CLI_H
#define FINIT_CLI_H

#include <stdbool.h>

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

/* An option: of the shared table (a config key) or a command's own. */
struct finit_cli_opt {
	int		c;		/* short option; 0 ends a list */
	const char	*name;		/* long option */
	const char	*arg;		/* its argument, as help shows it; NULL: none */
	const char	*section;	/* the config key it overrides (shared ones) */
	const char	*key;
	const char	*value;		/* what a flag without argument sets */
	const char	*help;		/* lines after the first start with "\n" */
};

/* How a command parses and explains its options. */
struct finit_cli_cmd {
	const char			*name;
	const char			*synopsis;	/* after "finit-ftrace [-c FILE] NAME " */
	const char			*about;		/* the paragraph under usage */
	const char			*shared;	/* letters of shared options it takes */
	const struct finit_cli_opt	*own;		/* its own options, or NULL */
	/* @own's option @c with @arg: 0 or an exit code (said on stderr) */
	int				(*on_own)(int c, const char *arg, void *ctx);
	bool				words;		/* words may follow the options */
	bool				stop_at_word;	/* they are a command line (record) */
};

/*
 * finit_cli_parse - getopt over @cmd's options: shared ones set their
 * config key, own ones go to on_own, -h prints the help. Returns -1 to go
 * on (words left from optind when @cmd->words), else an exit code.
 */
int finit_cli_parse(const struct finit_cli_cmd *cmd, int argc, char **argv,
		    struct finit_config *cfg, void *ctx);

/* finit_cli_usage - @cmd's help, generated from the option tables */
void finit_cli_usage(const struct finit_cli_cmd *cmd, FILE *f);

/* finit_cli_error - "finit-ftrace: <msg>" on stderr; returns @code */
int finit_cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The shared capture options of watch and record. */
#define FINIT_CLI_CAPTURE	"feHCPbtp"

#endif
