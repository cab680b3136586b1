// SPDX-License-Identifier: MIT
/*
 * cmd-watch.c - `finit-ftrace watch`: stream every module load live.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "emit.h"
#include "finit.h"
#include "live.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: finit-ftrace [-c FILE] watch [options]\n"
		"\n"
		"Stream every module load as it happens, until SIGINT or SIGTERM\n"
		"(or until the reader of the output goes away).\n"
		"\n"
		"%s"
		"  -F, --format FMT        text (default), json (JSON Lines) or csv\n"
		"  -o, --output FILE       write events to FILE instead of stdout\n"
		"  -h, --help              this help\n", finit_cli_capture_help);
}

struct watch {
	struct finit_emitter	*em;
	int			out_errno;	/* first output error */
};

/* on_event - the correlator's output: one finished call to the emitter */
static int on_event(const struct finit_event *ev, void *arg)
{
	struct watch *w = arg;

	if (finit_emit_event(w->em, ev) < 0) {
		w->out_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* parse_args - options over the config; returns -1 to go on, else an exit code */
static int parse_args(int argc, char **argv, struct finit_config *cfg)
{
	static const struct option opts[] = {
		FINIT_CLI_CAPTURE_OPTIONS,
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	optind = 0;
	while (!ret && (c = getopt_long(argc, argv, FINIT_CLI_CAPTURE_SHORT "F:o:h", opts,
					NULL)) != -1) {
		switch (c) {
		case 'F':
			ret = finit_cli_set(cfg, "--format", "output", "format", optarg);
			break;
		case 'o':
			ret = finit_cli_set(cfg, "--output", "output", "file", optarg);
			break;
		case 'h':
			usage(stdout);
			return FINIT_EXIT_OK;
		default:
			if (finit_cli_capture_option(cfg, c, optarg, &ret))
				break;
			usage(stderr);
			return FINIT_EXIT_USAGE;
		}
	}
	if (ret || (ret = finit_cli_extra_arg("watch", argc, argv)))
		return ret;
	return -1;
}

int finit_cmd_watch(int argc, char **argv, struct finit_config *cfg)
{
	struct finit_live l;
	struct watch w = { 0 };
	FILE *out = stdout;
	int ret, sig;

	ret = parse_args(argc, argv, cfg);
	if (ret >= 0)
		return ret;
	if (cfg->output && !(out = fopen(cfg->output, "w")))
		return finit_cli_error(FINIT_EXIT_FAIL, "cannot open output %s: %s",
				       cfg->output, strerror(errno));
	w.em = finit_emit_open(cfg->format, out, false);
	ret = w.em ? finit_live_open(&l, cfg, NULL, on_event, &w) : FINIT_EXIT_FAIL;
	if (ret != FINIT_EXIT_OK)
		goto out;
	sig = finit_live_run(&l, -1, NULL, NULL);
	finit_live_finish(&l);
	finit_live_summary(&l);
	if (w.out_errno && w.out_errno != EPIPE)
		finit_cli_error(FINIT_EXIT_FAIL, "writing events to %s: %s",
				cfg->output ? cfg->output : "stdout", strerror(w.out_errno));
	ret = sig < 0 || (w.out_errno && w.out_errno != EPIPE) ? FINIT_EXIT_FAIL : FINIT_EXIT_OK;
	if (finit_live_close(&l) < 0)
		ret = FINIT_EXIT_FAIL;
out:
	finit_emit_close(w.em);
	if (out != stdout)
		fclose(out);
	return ret;
}
