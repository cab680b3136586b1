// SPDX-License-Identifier: MIT
/*
 * live.c - arm, stream, stop, drain, summarize and tear down a live capture.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "context.h"
#include "decoder.h"
#include "drain.h"
#include "finit.h"
#include "live.h"
#include "loadguard.h"
#include "tamper.h"
#include "log.h"
#include "metrics.h"
#include "tiers.h"

/* Spooled bytes past which the decoder counts as behind (skips /proc). */
#define BACKLOG_BYTES	(8UL << 20)
/* How often, at most, the protected loads buffer is read while streaming. */
#define GUARD_POLL_NS	20000000LL
/* The longest wait for a record, when the metrics file is due now and then. */
#define METRICS_WAKE_MS	1000

/* block_signals - signals arrive through a signalfd; SIGPIPE becomes EPIPE */
static int block_signals(const int *extra)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	for (; extra && *extra; extra++)
		sigaddset(&set, *extra);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* on_record - every record of the stream goes down the shared pipeline */
static int on_record(struct tep_record *rec, void *arg)
{
	struct finit_live *l = arg;

	/* records wait unread: /proc for each would only fall further behind */
	l->p.backlog = l->drain && finit_drain_waiting(l->drain) > BACKLOG_BYTES;
	finit_loadguard_note(l->guard, rec);
	if (finit_pipeline_record(&l->p, rec) < 0) {
		l->output_failed = 1;
		return -1;
	}
	return 0;
}

/* on_recovered - a load the main buffer lost, from the protected one */
static int on_recovered(struct tep_record *rec, void *arg)
{
	struct finit_live *l = arg;

	if (finit_pipeline_record(&l->p, rec) < 0) {
		l->output_failed = 1;
		return -1;
	}
	return 0;
}

/* has_event - @sys:@name is among the session's events */
static bool has_event(const struct finit_session *s, const char *sys, const char *name)
{
	for (int i = 0; i < s->nevents; i++)
		if (!strcmp(s->events[i].sys, sys) && !strcmp(s->events[i].name, name))
			return true;
	return false;
}

/* take_tamper - our instance's settings and the loads buffer's, as armed; -1 */
static int take_tamper(struct finit_live *l)
{
	const struct finit_evsel *ev;
	struct tracefs_instance *inst;
	int n;

	l->tamper = finit_tamper_take(l->s.inst, l->s.events, l->s.nevents);
	if (!l->tamper || !l->guard)
		return l->tamper ? 0 : -1;
	inst = finit_loadguard_instance(l->guard, &ev, &n);
	return finit_tamper_add(l->tamper, inst, ev, n);
}

/* open_guard - the protected loads buffer, where the kernel has module_load */
static void open_guard(struct finit_live *l)
{
	char err[512];

	if (!has_event(&l->s, "module", "module_load"))
		return;
	l->guard = finit_loadguard_open(&l->s, l->p.dec, err, sizeof(err));
	if (!l->guard)
		finit_log(FINIT_LOG_WARNING, "%s; a flood that overruns the main buffer can "
			  "hide a load", err);
}

/* armed_line - what was armed, in one line */
static void armed_line(const struct finit_live *l, const struct finit_config *cfg)
{
	const struct finit_session *s = &l->s;

	finit_log(FINIT_LOG_INFO, "armed: instance %s, events %s, strings %s%s%s, compat %s, "
		  "filter %s, clock %s", s->name, finit_probe_path_name(s->path),
		  finit_tiers_name(s->tier), s->exact ? "+" : "",
		  s->exact ? finit_tiers_name(s->exact) : "",
		  s->path == FINIT_PATH_RAW ? "raw_syscalls" : finit_selftest_compat_name(s->compat),
		  !cfg->filter ? "none" : s->user_filter && s->path == FINIT_PATH_RAW ?
		  "in user space" : s->user_filter ? "in kernel (user space for 32-bit callers)" :
		  "in kernel", s->clock);
}

/* spool_dropped - sub-buffers the spool dropped after reading them (its file failed) */
static unsigned long long spool_dropped(struct finit_live *l)
{
	struct finit_spool_stats st = { 0 };

	if (l->drain)
		finit_drain_stats(l->drain, &st);
	return st.refused;
}

/*
 * end_lost - what only the end can tell of @cpu (tracing off, the buffers
 * read to the end; while running these are records on their way): records
 * the kernel handed over ("read events") that never reached our decoder,
 * taken by another reader or lost by us, and "entries" still in its buffer.
 * Counters that went back (a buffer cleared by someone else) are tampering.
 */
static unsigned long long end_lost(struct finit_live *l, int cpu,
				   const struct finit_session_cpu *c, bool say)
{
	unsigned long long ours = finit_stream_cpu_records(l->st, cpu);
	unsigned long long gone = c->has_read && c->read > ours ? c->read - ours : 0;

	if (c->has_read && c->read < ours) {
		l->tampered += say;
		if (say)
			finit_log(FINIT_LOG_ERROR, "cpu%d: the kernel's counters went back (%llu "
				  "record(s) handed over, %llu decoded): the buffer was cleared or "
				  "resized by another process; records may be missing", cpu, c->read,
				  ours);
	}
	if (say && gone && l->output_failed)
		finit_log(FINIT_LOG_ERROR, "cpu%d LOST events: %llu record(s) read from the "
			  "kernel were not decoded: the output failed and the run stopped", cpu, gone);
	else if (say && gone && spool_dropped(l))
		finit_log(FINIT_LOG_ERROR, "cpu%d LOST events: the kernel handed over %llu "
			  "record(s), %llu reached the decoder: %llu dropped by the spool (said "
			  "above), or taken by another reader of instance %s", cpu, c->read, ours,
			  gone, l->s.name);
	else if (say && gone)
		finit_log(FINIT_LOG_ERROR, "cpu%d LOST events: the kernel handed over %llu "
			  "record(s), %llu reached the decoder: %llu taken by another reader of "
			  "instance %s, or lost by us (please report it)", cpu, c->read, ours, gone,
			  l->s.name);
	if (say && c->entries)
		finit_log(FINIT_LOG_ERROR, "cpu%d LOST events: %llu record(s) still in the "
			  "kernel's buffer at the end, not read", cpu, c->entries);
	return gone + c->entries;
}

/* cpu_lost - what @cpu lost: headers' count or overrun, drops; at the end, end_lost */
static unsigned long long cpu_lost(struct finit_live *l, int cpu, bool say)
{
	struct finit_session_cpu c = { 0 };
	unsigned long long missed;
	int unknown;

	missed = finit_stream_missed(l->st, cpu, &unknown);
	if (finit_session_cpu_stats(&l->s, cpu, &c) < 0)
		return missed + unknown;
	if (say && (missed || unknown || c.overrun || c.dropped))
		finit_log(FINIT_LOG_ERROR, "cpu%d LOST events: %llu%s in sub-buffer "
			  "headers, overrun %llu, dropped %llu (raise buffer_size_kb)",
			  cpu, missed, unknown ? "+unknown" : "", c.overrun, c.dropped);
	/* overrun counts what the headers report, as far as they know */
	return (c.overrun > missed ? c.overrun : missed) + c.dropped + unknown +
	       (l->finished ? end_lost(l, cpu, &c, say) : 0);
}

/* write_metrics - the metrics file now, if there is one; 0, or -1 with @err */
static int write_metrics(struct finit_live *l, char *err, size_t errlen)
{
	unsigned long long lost[l->s.ncpus > 0 ? l->s.ncpus : 1];
	struct finit_metrics_gauges g = { .ncpus = l->s.ncpus, .lost = lost };
	struct finit_spool_stats st = { 0 };
	char why[1024];

	if (!l->p.metrics)
		return 0;
	for (int cpu = 0; cpu < l->s.ncpus; cpu++)
		lost[cpu] = cpu_lost(l, cpu, false);
	for (int c = 0; l->s.tested && c < FINIT_CHECK_NR; c++)
		g.selftest_failures += l->s.test.tested[c] && !l->s.test.ok[c];
	if (l->drain)
		finit_drain_stats(l->drain, &st);
	g.spool_peak_bytes = st.peak_bytes;
	if (!finit_metrics_write(l->p.metrics, &g, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "metrics file: %s", why);
	return -1;
}

/* set_pipeline - what the pipeline takes from the config and the session */
static void set_pipeline(struct finit_live *l, const struct finit_config *cfg)
{
	l->p.hash = cfg->hash;
	l->p.tracee_ids = cfg->format == FINIT_FMT_TRACEE;
	l->p.live = true;
	l->p.procfs = true;
	l->p.clock_offset_ns = l->s.clock_offset_ns;
	l->p.policy = cfg->policy;
}

/* finit_live_open - signals, session, pipeline, stream; armed */
int finit_live_open(struct finit_live *l, const struct finit_config *cfg,
		    const int *extra, finit_emit_cb on_event, void *ctx)
{
	struct finit_decoder *dec = NULL;
	char err[2048];
	int ret;

	memset(l, 0, sizeof(*l));
	l->sigfd = block_signals(extra);
	if (l->sigfd < 0) {
		finit_log(FINIT_LOG_ERROR, "cannot set up signalfd: %s", strerror(errno));
		return FINIT_EXIT_FAIL;
	}
	ret = finit_session_open(&l->s, cfg, &dec, err, sizeof(err));
	if (ret != FINIT_EXIT_OK) {
		finit_log(FINIT_LOG_ERROR, "%s", err);
		goto fail;
	}
	ret = FINIT_EXIT_FAIL;
	if (finit_pipeline_open(&l->p, dec, finit_context_alloc(l->s.record_tgid), on_event, ctx,
				l->s.probe.kernel) < 0) {
		finit_log(FINIT_LOG_ERROR, "out of memory");
		goto fail;
	}
	set_pipeline(l, cfg);
	if (cfg->metrics_file &&
	    !(l->p.metrics = finit_metrics_open(cfg->metrics_file, cfg->metrics_interval))) {
		finit_log(FINIT_LOG_ERROR, "out of memory");
		goto fail;
	}
	finit_selftest_distrust(&l->s.test, &l->p.verify);
	open_guard(l);
	l->st = finit_stream_open(l->s.inst, l->s.tep, l->s.ncpus, l->s.subbuf_size,
				  err, sizeof(err));
	if (l->st)
		l->drain = finit_drain_start(l->st, (size_t)cfg->spool_mb << 20,
					     (size_t)cfg->spool_mb << 23, err, sizeof(err));
	/* a metrics file that cannot be written is said before anything is traced */
	if (!l->drain || write_metrics(l, err, sizeof(err)) < 0 ||
	    finit_session_enable(&l->s, err, sizeof(err)) < 0) {
		finit_log(FINIT_LOG_ERROR, "%s", err);
		goto fail;
	}
	if (take_tamper(l) < 0) {
		finit_log(FINIT_LOG_ERROR, "out of memory");
		goto fail;
	}
	/* the kernel's tables now: what they say of a pid before its caller
	 * could run is not the caller's (and the first event need not wait) */
	finit_context_preload(l->p.ctx);
	armed_line(l, cfg);
	return FINIT_EXIT_OK;
fail:
	finit_live_close(l);
	return ret;
}

/* The user's round callback, with the live capture it belongs to. */
struct round_ctx {
	struct finit_live	*l;
	finit_round_cb		user;
	void			*ctx;
};

/* poll_guard - the protected loads buffer, at most every GUARD_POLL_NS */
static int poll_guard(struct finit_live *l)
{
	struct timespec now;
	long long ns;

	if (!l->guard)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = now.tv_sec * 1000000000LL + now.tv_nsec;
	if (ns - l->guard_polled < GUARD_POLL_NS)
		return 0;
	l->guard_polled = ns;
	return finit_loadguard_poll(l->guard, 0, on_recovered, l);
}

/* finit_live_set_wakeup - buffer_percent, and the drain told whether poll still means data */
int finit_live_set_wakeup(struct finit_live *l, int percent)
{
	finit_drain_set_watermark(l->drain, percent > 0);
	return finit_session_set_wakeup(&l->s, percent);
}

/* watch_tamper - writes by others to our instance's settings, said as they happen */
static void watch_tamper(struct finit_live *l)
{
	char what[1024];
	int n = finit_tamper_writes(l->tamper, what, sizeof(what));

	if (!n)
		return;
	l->tampered += n;
	if (*what)
		finit_log(FINIT_LOG_ERROR, "instance %s: %s: written by another process; the "
			  "kernel may skip records no counter shows", l->s.name, what);
}

/* on_round - a read round or a timeout: writes to our instance, the guard, the metrics, the user's callback */
static int on_round(void *arg)
{
	struct round_ctx *r = arg;
	char err[1100];

	watch_tamper(r->l);
	if (poll_guard(r->l) < 0) {
		if (!r->l->output_failed)	/* not the output: the read itself */
			r->l->guard_err = errno ? errno : EIO;
		return 1;
	}
	/* a failed write is said and tried again at the next interval */
	if (finit_metrics_due(r->l->p.metrics) && write_metrics(r->l, err, sizeof(err)) < 0)
		finit_log(FINIT_LOG_WARNING, "%s", err);
	return r->user ? r->user(r->ctx) : 0;
}

/* on_record_round - on_record with the round wrapper's context */
static int on_record_round(struct tep_record *rec, void *arg)
{
	struct round_ctx *r = arg;

	return on_record(rec, r->l);
}

int finit_live_run(struct finit_live *l, int timeout_ms, finit_round_cb round, void *ctx)
{
	struct round_ctx r = { .l = l, .user = round, .ctx = ctx };
	int sig;

	if (l->p.metrics && (timeout_ms < 0 || timeout_ms > METRICS_WAKE_MS))
		timeout_ms = METRICS_WAKE_MS;
	sig = finit_drain_run(l->drain, l->sigfd, finit_tamper_fd(l->tamper), timeout_ms, on_round,
			      on_record_round, &r);

	if (!sig && l->guard_err) {
		errno = l->guard_err;
		finit_log(FINIT_LOG_ERROR, "reading the protected loads buffer %s-loads: %s; loads "
			  "are no longer guarded: the run ends (start it again)", l->s.name,
			  strerror(errno));
		return -1;
	}
	if (sig < 0 && finit_drain_failed(l->drain))
		finit_log(FINIT_LOG_ERROR, "the drain thread stopped reading trace_pipe_raw of %s: "
			  "%s; no call made from then on is seen: the run ends (start it again)",
			  l->s.name, strerror(errno));
	else if (sig < 0)
		finit_log(FINIT_LOG_ERROR, "reading trace_pipe_raw of %s: %s", l->s.name,
			  strerror(errno));
	return sig;
}

/* check_tamper - the instance as it was armed? Said, and counted in l->tampered */
static void check_tamper(struct finit_live *l)
{
	char what[1024];
	int n;

	watch_tamper(l);
	n = finit_tamper_check(l->tamper, what, sizeof(what));

	if (!n)
		return;
	l->tampered += n;
	finit_log(FINIT_LOG_ERROR, "instance %s was changed by another process while it ran "
		  "(%d setting(s); %s): the kernel may have skipped records no counter shows",
		  l->s.name, n, what);
}

void finit_live_finish(struct finit_live *l)
{
	check_tamper(l);
	finit_session_stop(&l->s);
	l->finished = true;	/* what is not decoded from now on is lost */
	if (l->output_failed)
		return;
	if (finit_drain_finish(l->drain, on_record, l) < 0 && !l->output_failed)
		finit_log(FINIT_LOG_ERROR, "draining %s: %s", l->s.name, strerror(errno));
	/* every load the main buffer lost, now that it is read to the end */
	if (!l->output_failed)
		finit_loadguard_poll(l->guard, 1, on_recovered, l);
	if (!l->output_failed && finit_correlate_flush(l->p.corr) < 0)
		l->output_failed = 1;
}

/* summarize_spool - how much waited between the drain thread and the decoder */
static void summarize_spool(struct finit_live *l)
{
	struct finit_spool_stats st;

	if (!l->drain)
		return;
	finit_drain_stats(l->drain, &st);
	if (st.file_err)
		finit_log(FINIT_LOG_ERROR, "spool: its file in %s could not be written (%s): "
			  "%llu sub-buffer(s) already read were dropped (counted below), and the "
			  "rest waited in the kernel's buffer from then on; give TMPDIR room",
			  st.dir, strerror(st.file_err), st.refused);
	if (st.peak_bytes < BACKLOG_BYTES && !st.spilled && !st.refused)
		return;
	finit_log(st.refused ? FINIT_LOG_ERROR : FINIT_LOG_INFO, "spool: at most %.1f MiB "
		  "waited; %llu of %llu sub-buffers went through the file%s", st.peak_bytes / 1048576.0,
		  st.spilled, st.pages,
		  st.refused && !st.file_err ? "; it was FULL (raise spool_mb)" : "");
}

/* summarize_guard - loads only the protected buffer had, and its own losses */
static void summarize_guard(struct finit_live *l)
{
	struct finit_loadguard_stats st;

	if (!l->guard)
		return;
	finit_loadguard_stats(l->guard, &st);
	if (st.recovered)
		finit_log(FINIT_LOG_ERROR, "%llu load(s) the main buffer lost were reported "
			  "from the protected loads buffer (module, taints, tid; the call's "
			  "arguments and ret were lost with the flood)", st.recovered);
	if (st.lost)
		finit_log(FINIT_LOG_ERROR, "protected loads buffer LOST %llu load record(s)",
			  st.lost);
}

/*
 * summarize_checks - the self-test's own records, and strings refused by
 * the run-time cross-check or that the kernel could not read
 */
static void summarize_checks(struct finit_live *l)
{
	const struct finit_verify *v = &l->p.verify;
	unsigned long long refused = finit_verify_refused(v);

	if (l->s.tested)
		finit_log(FINIT_LOG_INFO, "self-test: %llu record(s) of our own test calls, "
			  "none reported", l->s.test.records);
	if (refused)
		finit_log(FINIT_LOG_INFO, "%llu probe record(s) refused: their arguments "
			  "differ from the syscall event's (tier marked broken)", refused);
	if (v->faults)
		finit_log(FINIT_LOG_INFO, "%llu string(s) the kernel failed to read "
			  "(taken from the next tier, or null with origin fault)", v->faults);
	if (l->p.skipped)
		finit_log(FINIT_LOG_INFO, "%llu call(s) not enriched from /proc: the decoder was "
			  "behind (origin skipped-backlog)", l->p.skipped);
	if (l->p.unknown_task)
		finit_log(FINIT_LOG_INFO, "%llu event(s) with pid or comm unknown: the task "
			  "was gone and the kernel's tables did not show it (origin unavailable)",
			  l->p.unknown_task);
	summarize_spool(l);
	summarize_guard(l);
}

unsigned long long finit_live_summary(struct finit_live *l)
{
	char err[1100];
	struct finit_corr_stats cs;
	unsigned long long lost_total = 0;
	struct finit_buf b = { 0 };

	finit_correlate_stats(l->p.corr, &cs);
	finit_buf_printf(&b, "%llu event(s), %llu record(s) read", cs.emitted,
			 finit_stream_records(l->st));
	if (cs.unfinished)
		finit_buf_printf(&b, ", %llu without an exit before shutdown", cs.unfinished);
	if (cs.evicted)
		finit_buf_printf(&b, ", %llu emitted early (pending table full)", cs.evicted);
	if (cs.exit_lost)
		finit_buf_printf(&b, ", %llu whose exit was lost", cs.exit_lost);
	finit_log(FINIT_LOG_INFO, "%s", b.data ? b.data : "");
	finit_buf_free(&b);
	summarize_checks(l);
	finit_pipeline_verdicts(&l->p);
	for (int cpu = 0; cpu < l->s.ncpus; cpu++)
		lost_total += cpu_lost(l, cpu, true);
	if (l->tampered)
		finit_log(FINIT_LOG_ERROR, "instance %s: %d write(s) or change(s) by another process "
			  "to the settings that decide what it records: the run cannot vouch that "
			  "every call was recorded", l->s.name, l->tampered);
	if (!lost_total)
		finit_log(FINIT_LOG_INFO, "lost events: 0 on all %d CPUs", l->s.ncpus);
	if (write_metrics(l, err, sizeof(err)) < 0)
		finit_log(FINIT_LOG_ERROR, "%s", err);
	return lost_total;
}

int finit_live_close(struct finit_live *l)
{
	int ret = 0;

	/* the thread reading them, then every trace_pipe_raw fd: the instance
	 * cannot go while one is open */
	finit_drain_free(l->drain);
	l->drain = NULL;
	finit_tamper_free(l->tamper);
	l->tamper = NULL;
	finit_stream_close(l->st);
	l->st = NULL;
	if (finit_loadguard_close(l->guard) < 0) {
		finit_log(FINIT_LOG_ERROR, "cannot remove the protected loads instance: %s; "
			  "run 'finit-ftrace cleanup'", strerror(errno));
		ret = -1;
	}
	l->guard = NULL;
	if (finit_session_close(&l->s) < 0)
		ret = -1;
	finit_metrics_close(l->p.metrics);
	finit_pipeline_close(&l->p);
	if (l->sigfd >= 0)
		close(l->sigfd);
	l->sigfd = -1;
	return ret;
}
