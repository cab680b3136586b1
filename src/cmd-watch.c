// SPDX-License-Identifier: MIT
/*
 * cmd-watch.c - `finit-ftrace watch`: stream every module load live.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "cli.h"
#include "emit.h"
#include "finit.h"
#include "live.h"
#include "log.h"
#include "outputs.h"

static const struct finit_cli_cmd watch_cli = {
	.name = "watch",
	.synopsis = "[options]",
	.about = "Stream every module load as it happens, until SIGINT or SIGTERM\n"
		 "(or until the reader of the output goes away). SIGHUP reopens the\n"
		 "outputs (logrotate). Under systemd (Type=notify) it says READY=1 once\n"
		 "armed, RELOADING=1 and READY=1 around a SIGHUP, STOPPING=1 at the end.\n",
	.shared = FINIT_CLI_CAPTURE "FoShD",
};

/* on_event - the correlator's output: one finished call to every sink */
static int on_event(const struct finit_event *ev, void *arg)
{
	return finit_outputs_event(arg, ev);
}

/* run - stream until a signal other than SIGHUP, which reopens the outputs */
static int run(struct finit_live *l, struct finit_outputs *o)
{
	int sig;

	/* no-ops unless systemd runs us (NOTIFY_SOCKET) */
	sd_notifyf(0, "READY=1\nSTATUS=armed: instance %s", l->s.name);
	while ((sig = finit_live_run(l, -1, NULL, NULL)) == SIGHUP) {
		sd_notify(0, "RELOADING=1");
		finit_outputs_reopen(o);
		finit_log(FINIT_LOG_INFO, "SIGHUP: outputs reopened");
		sd_notify(0, "READY=1");
	}
	sd_notify(0, "STOPPING=1");
	return sig;
}

int finit_cmd_watch(int argc, char **argv, struct finit_config *cfg)
{
	struct finit_outputs_spec spec;
	struct finit_outputs *o;
	unsigned long long lost;
	struct finit_live l;
	char err[512];
	int ret, sig;

	ret = finit_cli_parse(&watch_cli, argc, argv, cfg, NULL);
	if (ret >= 0)
		return ret;
	spec = (struct finit_outputs_spec){ cfg->sinks, cfg->output, cfg->format,
					    cfg->syslog_facility };
	o = finit_outputs_open(&spec, err, sizeof(err));
	if (!o)
		return finit_cli_error(FINIT_EXIT_FAIL, "%s", err);
	ret = finit_live_open(&l, cfg, NULL, on_event, o);
	if (ret != FINIT_EXIT_OK)
		goto out;
	sig = run(&l, o);
	finit_live_finish(&l);
	lost = finit_live_summary(&l);
	if (lost)
		finit_outputs_lost(o, lost);
	ret = sig < 0 || finit_outputs_summary(o) || l.tampered ? FINIT_EXIT_FAIL : FINIT_EXIT_OK;
	ret = finit_pipeline_exit(&l.p, cfg->fail_on_deny, ret);
	if (finit_live_close(&l) < 0)
		ret = FINIT_EXIT_FAIL;
out:
	finit_outputs_close(o);
	return ret;
}
