// SPDX-License-Identifier: MIT
/*
 * stream.c - one thread, one poll() over every CPU's trace_pipe_raw and a
 * signalfd. Each round reads up to ROUND_PAGES sub-buffers per ready CPU and
 * merges their records across CPUs by timestamp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <tracefs.h>

#include "stream.h"
#include "subbuf.h"

#define ROUND_PAGES	32
#define COMMIT_MASK	((1ULL << 27) - 1)	/* a sub-buffer's commit; the rest are flags */

struct cpu_buf {
	int			fd;
	struct finit_subbuf	sb;		/* walks the current page */
	char			*pages;		/* ROUND_PAGES sub-buffers */
	int			npages;		/* loaded this round */
	int			cur;		/* page sb walks, -1 none */
	void			*data;		/* current record, NULL: none */
	unsigned long long	ts;
	long long		page_missed;	/* for the first record of a page */
	unsigned long long	missed;
	int			missed_unknown;
	unsigned long long	records;	/* delivered from this CPU */
};

struct finit_stream {
	struct tep_handle	*tep;
	int			ncpus;
	int			subbuf_size;
	struct cpu_buf		*cpus;
	unsigned long long	records;
	finit_page_cb		page_cb;
	void			*page_ctx;
	finit_refill_cb		refill;
	void			*refill_ctx;
	finit_gate_cb		gate;
	void			*gate_ctx;
};

void finit_stream_set_page_cb(struct finit_stream *st, finit_page_cb cb, void *ctx)
{
	st->page_cb = cb;
	st->page_ctx = ctx;
}

void finit_stream_set_refill(struct finit_stream *st, finit_refill_cb cb, void *ctx)
{
	st->refill = cb;
	st->refill_ctx = ctx;
}

void finit_stream_set_gate(struct finit_stream *st, finit_gate_cb cb, void *ctx)
{
	st->gate = cb;
	st->gate_ctx = ctx;
}

struct finit_stream *finit_stream_alloc(struct tep_handle *tep, int ncpus, int subbuf_size)
{
	struct finit_stream *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->tep = tep;
	st->ncpus = ncpus;
	st->subbuf_size = subbuf_size;
	st->cpus = calloc(ncpus, sizeof(*st->cpus));
	if (!st->cpus)
		goto fail;
	for (int i = 0; i < ncpus; i++) {
		struct cpu_buf *c = &st->cpus[i];

		c->fd = -1;
		c->cur = -1;
		if (finit_subbuf_init(&c->sb, tep, true) < 0)
			goto fail;
	}
	return st;
fail:
	finit_stream_close(st);
	return NULL;
}

struct finit_stream *finit_stream_open(struct tracefs_instance *inst,
				       struct tep_handle *tep, int ncpus,
				       int subbuf_size, char *err, size_t errlen)
{
	struct finit_stream *st = finit_stream_alloc(tep, ncpus, subbuf_size);
	char file[64];

	if (!st) {
		snprintf(err, errlen, "out of memory for %d per-CPU buffers", ncpus);
		return NULL;
	}
	for (int i = 0; i < ncpus; i++) {
		snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", i);
		st->cpus[i].fd = tracefs_instance_file_open(inst, file,
							 O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (st->cpus[i].fd < 0 && tracefs_file_exists(inst, file)) {
			snprintf(err, errlen, "cannot open %s of instance %s: %s", file,
				 tracefs_instance_get_name(inst), strerror(errno));
			finit_stream_close(st);
			return NULL;
		}
	}
	return st;
}

void finit_stream_close(struct finit_stream *st)
{
	if (!st)
		return;
	for (int i = 0; st->cpus && i < st->ncpus; i++) {
		if (st->cpus[i].fd >= 0)
			close(st->cpus[i].fd);
		finit_subbuf_free(&st->cpus[i].sb);
		free(st->cpus[i].pages);
	}
	free(st->cpus);
	free(st);
}

/* next_page - load the next unread page of @c into its walker; 0 at the end */
static int next_page(struct cpu_buf *c, int subbuf_size)
{
	while (++c->cur < c->npages) {
		long long missed;

		if (finit_subbuf_load(&c->sb, c->pages + (size_t)c->cur * subbuf_size,
				      subbuf_size) < 0)
			continue;
		missed = finit_subbuf_missed(&c->sb);
		if (missed > 0)
			c->missed += missed;
		else if (missed < 0)
			c->missed_unknown = 1;
		c->page_missed = missed;
		c->data = finit_subbuf_read(&c->sb, &c->ts);
		if (c->data)
			return 1;
	}
	c->data = NULL;
	return 0;
}

/*
 * pages_of - @c's page buffer, made on first use: a file that claims many
 * CPUs costs memory only for those that have data
 */
static char *pages_of(struct finit_stream *st, struct cpu_buf *c)
{
	if (!c->pages)
		c->pages = malloc((size_t)ROUND_PAGES * st->subbuf_size);
	return c->pages;
}

int finit_stream_load_page(struct finit_stream *st, int cpu, const void *page, size_t len)
{
	struct cpu_buf *c = &st->cpus[cpu];

	if (c->npages == ROUND_PAGES || len > (size_t)st->subbuf_size || !pages_of(st, c))
		return -1;
	memset(c->pages + (size_t)c->npages * st->subbuf_size, 0, st->subbuf_size);
	memcpy(c->pages + (size_t)c->npages * st->subbuf_size, page, len);
	c->npages++;
	return 0;
}

/* advance - the next page with records of @cpu, refilled when used up; 1, 0 or -1 */
static int advance(struct finit_stream *st, int cpu)
{
	struct cpu_buf *c = &st->cpus[cpu];
	int ret;

	while (!next_page(c, st->subbuf_size)) {
		if (!st->refill)
			return 0;
		c->npages = 0;
		c->cur = -1;
		ret = st->refill(st, cpu, st->refill_ctx);
		if (ret <= 0)
			return ret;
	}
	return 1;
}

/*
 * held - may @bi's record go out? Every CPU with nothing loaded is asked
 * through the gate: 0 yes, 1 a CPU was refilled (pick again), -1 not yet
 * (or a refill failed: *err)
 */
static int held(struct finit_stream *st, int bi, int *err)
{
	for (int i = 0; st->gate && i < st->ncpus; i++) {
		int g;

		if (i == bi || st->cpus[i].data)
			continue;
		g = st->gate(st, i, bi, st->gate_ctx);
		if (g == FINIT_GATE_WAIT)
			return -1;
		if (g == FINIT_GATE_REFILL) {
			if (advance(st, i) < 0) {
				*err = -1;
				return -1;
			}
			return 1;
		}
	}
	return 0;
}

/* pick - the CPU whose current record is the oldest, -1 if none has one */
static int pick(const struct finit_stream *st)
{
	int bi = -1;

	for (int i = 0; i < st->ncpus; i++) {
		const struct cpu_buf *c = &st->cpus[i];

		if (c->data && (bi < 0 || c->ts < st->cpus[bi].ts))
			bi = i;
	}
	return bi;
}

/* emit - hand @bi's current record to @cb, then step past it; 1 stopped, -1 */
static int emit(struct finit_stream *st, int bi, finit_record_cb cb, void *ctx)
{
	struct cpu_buf *best = &st->cpus[bi];
	struct tep_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.ts = best->ts;
	rec.cpu = bi;
	rec.data = best->data;
	rec.size = finit_subbuf_size(&best->sb);
	rec.record_size = rec.size;
	rec.missed_events = best->page_missed;
	best->page_missed = 0;
	/* a damaged page can hold an event of no size: not one of ours */
	if (rec.size > 0) {
		st->records++;
		best->records++;
		if (cb(&rec, ctx) < 0)
			return 1;
	}
	best->data = finit_subbuf_next(&best->sb, &best->ts);
	/* events lie in page order: a walker that does not move forward (a
	 * damaged page) would loop, so the page ends here */
	if (best->data && (char *)best->data <= (char *)rec.data)
		best->data = NULL;
	if (!best->data && advance(st, bi) < 0)
		return -1;
	return 0;
}

int finit_stream_deliver(struct finit_stream *st, finit_record_cb cb, void *ctx)
{
	int ret = 0, bi;

	for (int i = 0; i < st->ncpus; i++)
		if (!st->cpus[i].data && advance(st, i) < 0)
			ret = -1;
	while (!ret && (bi = pick(st)) >= 0) {
		int h = held(st, bi, &ret);

		if (h < 0)
			return ret;	/* a gate said wait: the place is kept */
		if (!h)
			ret = emit(st, bi, cb, ctx);
	}
	for (int i = 0; !st->gate && i < st->ncpus; i++) {
		st->cpus[i].npages = 0;
		st->cpus[i].cur = -1;
		st->cpus[i].data = NULL;
	}
	return ret;
}

/* read_cpu - read up to ROUND_PAGES sub-buffers of one CPU; -1 on error */
static int read_cpu(struct finit_stream *st, int cpu)
{
	struct cpu_buf *c = &st->cpus[cpu];

	if (!pages_of(st, c))
		return -1;
	while (c->npages < ROUND_PAGES) {
		char *page = c->pages + (size_t)c->npages * st->subbuf_size;
		ssize_t n = read(c->fd, page, st->subbuf_size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (st->page_cb && st->page_cb(cpu, page, n, st->page_ctx) < 0)
			return -1;
		c->npages++;
	}
	return 0;
}

/*
 * read_round - read every CPU marked in @ready (all when NULL), then deliver.
 * Returns 0, 1 when the callback stopped, -1 on a read error.
 */
static int read_round(struct finit_stream *st, const struct pollfd *ready,
		      finit_record_cb cb, void *ctx, int *more)
{
	*more = 0;
	for (int i = 0; i < st->ncpus; i++) {
		if (st->cpus[i].fd < 0 || (ready && !(ready[i].revents & POLLIN)))
			continue;
		if (read_cpu(st, i) < 0)
			return -1;
		if (st->cpus[i].npages == ROUND_PAGES)
			*more = 1;
	}
	return finit_stream_deliver(st, cb, ctx);
}

int finit_stream_run(struct finit_stream *st, int sigfd, int timeout_ms,
		     finit_round_cb round, finit_record_cb cb, void *ctx)
{
	struct pollfd *pfd = calloc(st->ncpus + 1, sizeof(*pfd));
	int ret = -1, more;

	if (!pfd)
		return -1;
	for (int i = 0; i < st->ncpus; i++) {
		pfd[i].fd = st->cpus[i].fd;	/* negative fds are ignored by poll */
		pfd[i].events = POLLIN;
	}
	pfd[st->ncpus].fd = sigfd;
	pfd[st->ncpus].events = POLLIN;
	for (;;) {
		int n = poll(pfd, st->ncpus + 1, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			if (round && round(ctx)) {
				ret = 0;
				break;
			}
			continue;
		}
		if (pfd[st->ncpus].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				ret = (int)si.ssi_signo;
				break;
			}
		}
		if (round && round(ctx)) {
			ret = 0;
			break;
		}
		n = read_round(st, pfd, cb, ctx, &more);
		if (n) {
			ret = n > 0 ? 0 : -1;
			break;
		}
	}
	free(pfd);
	return ret;
}

int finit_stream_drain(struct finit_stream *st, finit_record_cb cb, void *ctx)
{
	int more;

	int ret;

	do {
		ret = read_round(st, NULL, cb, ctx, &more);
	} while (!ret && more);
	return ret < 0 ? -1 : 0;
}

/* finit_stream_cpus - how many CPUs it reads */
int finit_stream_cpus(const struct finit_stream *st)
{
	return st->ncpus;
}

/* finit_stream_subbuf - bytes per sub-buffer */
int finit_stream_subbuf(const struct finit_stream *st)
{
	return st->subbuf_size;
}

/* finit_stream_fd - @cpu's trace_pipe_raw, -1 if none */
int finit_stream_fd(const struct finit_stream *st, int cpu)
{
	return st->cpus[cpu].fd;
}

/* finit_stream_take_page - a page read elsewhere: to the page callback, then loaded */
int finit_stream_take_page(struct finit_stream *st, int cpu, const void *page, size_t len)
{
	if (st->cpus[cpu].npages == ROUND_PAGES)
		return -1;
	if (st->page_cb && st->page_cb(cpu, page, len, st->page_ctx) < 0)
		return -2;
	return finit_stream_load_page(st, cpu, page, len);
}

unsigned long long finit_stream_missed(const struct finit_stream *st, int cpu, int *unknown)
{
	*unknown = st->cpus[cpu].missed_unknown;
	return st->cpus[cpu].missed;
}

unsigned long long finit_stream_records(const struct finit_stream *st)
{
	return st->records;
}

/* finit_stream_page_used - the sub-buffer header's commit: a long after the u64 timestamp */
size_t finit_stream_page_used(const struct finit_stream *st, const void *page)
{
	const unsigned char *p = (const unsigned char *)page + 8;
	uint64_t v8;
	uint32_t v4;

	if (tep_get_long_size(st->tep) == 4) {
		memcpy(&v4, p, sizeof(v4));
		return v4 & COMMIT_MASK;
	}
	memcpy(&v8, p, sizeof(v8));
	return (size_t)(v8 & COMMIT_MASK);
}

/* finit_stream_cpu_records - records delivered from @cpu */
unsigned long long finit_stream_cpu_records(const struct finit_stream *st, int cpu)
{
	return cpu >= 0 && cpu < st->ncpus ? st->cpus[cpu].records : 0;
}
