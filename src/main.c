// SPDX-License-Identifier: MIT
/*
 * main.c - global options, the config file, and the subcommand table.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "finit.h"

/* The installed config (make install): read when it exists and no -c is given. */
#ifndef FINIT_DEFAULT_CONFIG
#define FINIT_DEFAULT_CONFIG "/usr/local/etc/finit-ftrace/finit-ftrace.ini"
#endif

static const struct finit_cmd commands[] = {
	{ "watch",   finit_cmd_watch,   "stream every module load live (text, json, csv)" },
	{ "record",  finit_cmd_record,  "capture module loads to a trace.dat file" },
	{ "report",  finit_cmd_report,  "read a trace.dat (ours or trace-cmd's) like watch" },
	{ "check",   finit_cmd_check,   "report what this kernel offers and the capture path" },
	{ "cleanup", finit_cmd_cleanup, "remove stale tracefs instances left by dead runs" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: finit-ftrace [-c FILE] <command> [options]\n"
		"\n"
		"Watch every Linux kernel module load (finit_module) with ftrace alone:\n"
		"no eBPF, no BTF, no kernel module of its own.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -c, --config FILE   read settings from an INI file; default:\n"
		"                      %s, if it exists\n"
		"  -h, --help          this help; 'finit-ftrace <command> --help' for a command\n"
		"  -V, --version       print the version\n"
		"\n"
		"Exit codes: 0 ok, 1 runtime failure, 2 bad usage, config or filter,\n"
		"3 the kernel lacks what is needed.\n", FINIT_DEFAULT_CONFIG);
}

/* load_config - @path, else the installed config if it exists; an exit code */
static int load_config(struct finit_config *cfg, const char *path)
{
	char err[768];

	if (!path && access(FINIT_DEFAULT_CONFIG, F_OK) == 0)
		path = FINIT_DEFAULT_CONFIG;
	if (path && finit_config_load(cfg, path, err, sizeof(err)) < 0)
		return finit_cli_error(FINIT_EXIT_USAGE, "%s", err);
	return FINIT_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",  required_argument, NULL, 'c' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct finit_config cfg;
	const char *config = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return FINIT_EXIT_OK;
		case 'V':
			printf("finit-ftrace %s\n", FINIT_VERSION);
			return FINIT_EXIT_OK;
		default:
			usage(stderr);
			return FINIT_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return FINIT_EXIT_USAGE;
	}
	if (finit_config_init(&cfg) < 0)
		return finit_cli_error(FINIT_EXIT_FAIL, "out of memory");
	ret = load_config(&cfg, config);
	if (ret != FINIT_EXIT_OK) {
		finit_config_free(&cfg);
		return ret;
	}
	ret = -1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		optind++;
		/* each command parses its own options from argv[optind - 1] on */
		ret = commands[i].run(argc - optind + 1, argv + optind - 1, &cfg);
		break;
	}
	if (ret < 0)
		ret = finit_cli_error(FINIT_EXIT_USAGE, "unknown command '%s' (try --help)",
				      argv[optind]);
	finit_config_free(&cfg);
	return ret;
}
