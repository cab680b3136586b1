// SPDX-License-Identifier: MIT
/*
 * cmd-watch.c - `finit-ftrace watch`: stream every module load live.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "emit.h"
#include "finit.h"
#include "live.h"

static const struct finit_cli_cmd watch_cli = {
	.name = "watch",
	.synopsis = "[options]",
	.about = "Stream every module load as it happens, until SIGINT or SIGTERM\n"
		 "(or until the reader of the output goes away).\n",
	.shared = FINIT_CLI_CAPTURE "FohD",
};

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

int finit_cmd_watch(int argc, char **argv, struct finit_config *cfg)
{
	struct finit_live l;
	struct watch w = { 0 };
	struct finit_sink *out;
	char err[512];
	int ret, sig;

	ret = finit_cli_parse(&watch_cli, argc, argv, cfg, NULL);
	if (ret >= 0)
		return ret;
	out = finit_sink_file_open(cfg->output, err, sizeof(err));
	if (!out)
		return finit_cli_error(FINIT_EXIT_FAIL, "%s", err);
	w.em = finit_emit_open(cfg->format, out, false);
	ret = w.em ? finit_live_open(&l, cfg, NULL, on_event, &w) : FINIT_EXIT_FAIL;
	if (ret != FINIT_EXIT_OK)
		goto out;
	sig = finit_live_run(&l, -1, NULL, NULL);
	finit_live_finish(&l);
	finit_live_summary(&l);
	if (w.out_errno && w.out_errno != EPIPE)
		finit_cli_error(FINIT_EXIT_FAIL, "writing events to %s: %s", out->name,
				strerror(w.out_errno));
	ret = sig < 0 || (w.out_errno && w.out_errno != EPIPE) ? FINIT_EXIT_FAIL : FINIT_EXIT_OK;
	ret = finit_pipeline_exit(&l.p, cfg->fail_on_deny, ret);
	if (finit_live_close(&l) < 0)
		ret = FINIT_EXIT_FAIL;
out:
	finit_emit_close(w.em);
	finit_sink_close(out);
	return ret;
}
