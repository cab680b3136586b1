// SPDX-License-Identifier: MIT
/*
 * main.c - global options, the config file, and the subcommand table.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "finit.h"

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
		"  -c, --config FILE   read settings from an INI file (see configs/finit-ftrace.ini)\n"
		"  -h, --help          this help; 'finit-ftrace <command> --help' for a command\n"
		"  -V, --version       print the version\n"
		"\n"
		"Exit codes: 0 ok, 1 runtime failure, 2 bad usage, config or filter,\n"
		"3 the kernel lacks what is needed, 4 --fail-on-deny and the policy\n"
		"denied an event.\n");
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
	char err[768];
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
	if (config && finit_config_load(&cfg, config, err, sizeof(err)) < 0) {
		finit_config_free(&cfg);
		return finit_cli_error(FINIT_EXIT_USAGE, "%s", err);
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
