// SPDX-License-Identifier: MIT
/*
 * drain.c - the drain thread and the consumer side of the spool.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "drain.h"

#define DRAIN_NICE	(-10)	/* without SCHED_FIFO: ahead of the CPU hogs */
#define FLOOD_PAUSE_US	500	/* after a pass that found a flood: let pages fill */
#define BUSY_POLL_MS	10	/* while data flows: read even without a wake-up */
#define PASS_PAGES	64	/* per CPU per pass: then the next CPU's turn */
#define HELP_QUIET_US	200	/* the consumer reads a record itself after this long idle */

/* run_round: a callback ended the run (signals are > 0, errors -1) */
#define ROUND_END	(-2)

/* what read_cpu found (and pass: CPU_BUSY, another producer's turn) */
enum { CPU_DONE, CPU_FULL, CPU_MORE, CPU_ERROR = -1, CPU_BUSY = -2 };

struct finit_drain {
	struct finit_stream	*st;
	struct finit_spool	*sp;
	int			ncpus;
	size_t			subbuf;
	int			stopfd;		/* eventfd: finish */
	pthread_t		thread;
	bool			running;
	int			thread_err;	/* errno of a failed poll or read */
	bool			err_told;	/* finit_drain_run returned it */
	/* the consumer's side */
	unsigned char		*page;		/* the page being loaded */
	unsigned char		*help_page;	/* the page the consumer reads itself */
	unsigned long long	helped;		/* passes of the consumer that read something */
	unsigned long long	*seq;		/* per CPU: its loaded page's number */
	unsigned long long	*settled;	/* per CPU: its last empty mark seen */
	bool			final;		/* the thread ended: all is spooled */
	bool			watermark;	/* buffer_percent > 0: poll is no empty test */
	long long		all_ms;		/* the last pass over every CPU */
};

/*
 * read_cpu - the CPU's sub-buffers, up to PASS_PAGES, while the spool has
 * room. Two pages in a row less than half full mean the kernel's writer is
 * on them (one alone may be the rest of a page read earlier): the rest of
 * that CPU waits for the next pass. Reading behind a busy writer event by
 * event (the kernel copies them one at a time then) would cost more per
 * event than writing them, and the other CPUs would wait behind this one
 * (their buffers overrun). @all (the last pass, tracing off): everything.
 * CPU_DONE, CPU_FULL (the spool), CPU_MORE (the quota ended first) or
 * CPU_ERROR; *bytes adds what was read.
 */
static int read_cpu(struct finit_drain *d, int cpu, unsigned char *page, size_t *bytes,
		    bool all)
{
	int fd = finit_stream_fd(d->st, cpu), slivers = 0;
	size_t used;

	for (int i = 0; fd >= 0 && (all || i < PASS_PAGES); i++) {
		ssize_t n;

		if (!finit_spool_has_room(d->sp, d->subbuf))
			return CPU_FULL;	/* the kernel keeps (or overwrites, counted) */
		n = read(fd, page, d->subbuf);
		if (n < 0 && errno == EINTR)
			continue;
		if ((n < 0 && errno == EAGAIN) || n == 0) {
			finit_spool_mark_empty(d->sp, cpu);
			return CPU_DONE;
		}
		if (n < 0)
			return CPU_ERROR;	/* errno says why */
		used = finit_stream_page_used(d->st, page);
		*bytes += used;		/* data: read() returns a whole page, full or not */
		finit_spool_push(d->sp, cpu, page, (size_t)n);
		slivers = used < d->subbuf / 2 ? slivers + 1 : 0;
		if (slivers == 2 && !all)
			return CPU_DONE;
	}
	return fd >= 0 ? CPU_MORE : CPU_DONE;
}

/*
 * read_all - one pass over the CPUs marked in @pfd (all with NULL; @all as
 * read_cpu): CPU_FULL if the spool filled, CPU_MORE if a CPU had more,
 * else CPU_DONE; CPU_ERROR
 */
static int read_all(struct finit_drain *d, const struct pollfd *pfd, unsigned char *page,
		    size_t *bytes, bool all)
{
	int ret = CPU_DONE;

	for (int i = 0; i < d->ncpus; i++) {
		int r;

		if (pfd && !(pfd[i].revents & POLLIN))
			continue;
		r = read_cpu(d, i, page, bytes, all);
		if (r == CPU_ERROR)
			return CPU_ERROR;
		if (r == CPU_FULL || (r == CPU_MORE && ret == CPU_DONE))
			ret = r;
	}
	return ret;
}

/*
 * mark_idle - after a pass: the CPUs with nothing to read now hold no
 * record older than the pages pushed so far (a non-blocking poll; with
 * buffer_percent 0 the kernel reports any data as readable); then wake the
 * consumer if anything changed
 */
static void mark_idle(struct finit_drain *d, struct pollfd *pfd)
{
	if (!__atomic_load_n(&d->watermark, __ATOMIC_RELAXED) && poll(pfd, d->ncpus, 0) >= 0) {
		for (int i = 0; i < d->ncpus; i++)
			if (pfd[i].fd >= 0 && !(pfd[i].revents & POLLIN))
				finit_spool_mark_empty(d->sp, i);
	}
	finit_spool_publish(d->sp);
}

/* mono_us - CLOCK_MONOTONIC in microseconds */
static long long mono_us(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000000LL + now.tv_nsec / 1000;
}

/*
 * pass_over - the CPUs a pass reads: those poll marked (@n of them), or all
 * after a timeout (a late or lost wake-up must not cost the buffer) and,
 * with a watermark, every BUSY_POLL_MS while data flows: a CPU under it is
 * then read, or found empty, and the consumer learns it holds nothing
 * older than the busy CPUs' pages
 */
static const struct pollfd *pass_over(struct finit_drain *d, int n, const struct pollfd *pfd)
{
	long long ms;

	if (n != 0 && !__atomic_load_n(&d->watermark, __ATOMIC_RELAXED))
		return pfd;
	ms = mono_us() / 1000;
	if (n != 0 && ms - d->all_ms < BUSY_POLL_MS)
		return pfd;
	d->all_ms = ms;
	return NULL;
}

/*
 * raise_priority - the lowest real-time priority: a woken drain thread runs
 * before any ordinary task, however busy the machine (it only reads pages
 * and sleeps, and pauses under a flood); else nice -10 (best effort)
 */
static void raise_priority(void)
{
	struct sched_param sp = { .sched_priority = 1 };

	if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp))
		setpriority(PRIO_PROCESS, (id_t)gettid(), DRAIN_NICE);
}

/* a producer's pass: the drain thread's, its last one, or the consumer's */
enum pass_kind { PASS_DRAIN, PASS_FINAL, PASS_HELP };

/*
 * pass - one producer's turn (waited for, except PASS_HELP: CPU_BUSY if
 * another has it): read the CPUs marked in @marked (all with NULL; the
 * final pass reads everything), then mark those of @pfd found idle and
 * publish. As read_all.
 */
static int pass(struct finit_drain *d, enum pass_kind k, struct pollfd *pfd,
		const struct pollfd *marked, unsigned char *page, size_t *bytes)
{
	int got;

	if (!finit_spool_produce(d->sp, k != PASS_HELP))
		return CPU_BUSY;
	got = read_all(d, marked, page, bytes, k == PASS_FINAL);
	if (got != CPU_ERROR && k != PASS_FINAL)
		mark_idle(d, pfd);
	finit_spool_produced(d->sp);
	return got;
}

/*
 * drain_loop - poll the CPUs; read what is there; at the stop, read it all.
 * 0 at the stop, else -1 with errno (a failed poll or read).
 */
static int drain_loop(struct finit_drain *d, struct pollfd *pfd, unsigned char *page)
{
	int timeout = -1;

	for (int i = 0; i < d->ncpus; i++)
		pfd[i] = (struct pollfd){ .fd = finit_stream_fd(d->st, i), .events = POLLIN };
	for (;;) {
		size_t bytes = 0;
		int got, n;

		pfd[d->ncpus] = (struct pollfd){ .fd = d->stopfd, .events = POLLIN };
		n = poll(pfd, d->ncpus + 1, timeout);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0 && (pfd[d->ncpus].revents & POLLIN))
			return pass(d, PASS_FINAL, pfd, NULL, page, &bytes) == CPU_ERROR ? -1 : 0;
		got = pass(d, PASS_DRAIN, pfd, pass_over(d, n, pfd), page, &bytes);
		if (got == CPU_ERROR)
			return -1;
		/*
		 * Full: let the consumer make room. More waiting: the next pass
		 * at once. A flood (more than half a sub-buffer in one pass):
		 * let pages fill, so each read takes a whole one rather than a
		 * sliver per wake-up; the pause maps the spool's next memory if
		 * it needs some (a push that has to map it waits 1-5 ms under
		 * load). A lone event is read at once either way.
		 */
		if (got == CPU_FULL)
			usleep(1000);
		else if (got == CPU_DONE && bytes > d->subbuf / 2 && !finit_spool_prepare(d->sp))
			usleep(FLOOD_PAUSE_US);
		/* idle: no wake-up of our own (P5); data flowing: not only theirs */
		timeout = bytes ? BUSY_POLL_MS : -1;
	}
}

/*
 * drain_thread - the loop; if it fails, its errno is kept and the consumer
 * woken at once, so that the run ends and says so rather than going on
 * blind
 */
static void *drain_thread(void *arg)
{
	struct finit_drain *d = arg;
	struct pollfd *pfd = calloc(d->ncpus + 1, sizeof(*pfd));
	unsigned char *page = malloc(d->subbuf);
	int err = pfd && page ? 0 : ENOMEM;

	raise_priority();
	if (!err && drain_loop(d, pfd, page) < 0)
		err = errno ? errno : EIO;
	if (err) {
		__atomic_store_n(&d->thread_err, err, __ATOMIC_RELEASE);
		finit_spool_wake(d->sp);
	}
	free(page);
	free(pfd);
	return NULL;
}

/* spool_refill - the stream wants @cpu's next page: the oldest spooled one */
static int spool_refill(struct finit_stream *st, int cpu, void *arg)
{
	struct finit_drain *d = arg;
	long len = finit_spool_pop(d->sp, cpu, d->page, &d->seq[cpu]);

	if (len <= 0)
		return len < 0 ? -1 : 0;
	return finit_stream_take_page(st, cpu, d->page, (size_t)len) < 0 ? -1 : 1;
}

/*
 * spool_gate - records go out in time order across CPUs: one of @before's
 * waits while @cpu, with nothing spooled, may still bring an older one
 * (it was not seen empty since @before's page was pushed)
 */
static int spool_gate(struct finit_stream *st, int cpu, int before, void *arg)
{
	struct finit_drain *d = arg;

	if (d->final || finit_stream_fd(st, cpu) < 0 || d->settled[cpu] > d->seq[before])
		return FINIT_GATE_GO;
	switch (finit_spool_gate(d->sp, cpu, d->seq[before], &d->settled[cpu])) {
	case FINIT_SPOOL_PAGES:
		return FINIT_GATE_REFILL;
	case FINIT_SPOOL_GO:
		return FINIT_GATE_GO;
	default:
		return FINIT_GATE_WAIT;
	}
}

/* finit_drain_start - allocate, then start the thread */
struct finit_drain *finit_drain_start(struct finit_stream *st, size_t mem_bytes,
				      size_t file_bytes, char *err, size_t errlen)
{
	struct finit_drain *d = calloc(1, sizeof(*d));

	if (!d)
		goto nomem;
	d->stopfd = -1;
	d->st = st;
	d->ncpus = finit_stream_cpus(st);
	d->subbuf = (size_t)finit_stream_subbuf(st);
	d->sp = finit_spool_alloc(d->subbuf, d->ncpus, mem_bytes, file_bytes, NULL);
	d->stopfd = eventfd(0, EFD_CLOEXEC);
	d->page = malloc(d->subbuf);
	d->help_page = malloc(d->subbuf);
	d->seq = calloc(d->ncpus, sizeof(*d->seq));
	d->settled = calloc(d->ncpus, sizeof(*d->settled));
	if (!d->sp || d->stopfd < 0 || !d->page || !d->help_page || !d->seq || !d->settled)
		goto nomem;
	finit_stream_set_refill(st, spool_refill, d);
	finit_stream_set_gate(st, spool_gate, d);
	if (pthread_create(&d->thread, NULL, drain_thread, d)) {
		snprintf(err, errlen, "cannot start the drain thread: %s", strerror(errno));
		finit_drain_free(d);
		return NULL;
	}
	d->running = true;
	return d;
nomem:
	snprintf(err, errlen, "out of memory for the spool");
	finit_drain_free(d);
	return NULL;
}

/* signal_of - the signal waiting on @sigfd, or 0 */
static int signal_of(int sigfd)
{
	struct signalfd_siginfo si;

	return read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si) ? (int)si.ssi_signo : 0;
}

/*
 * arm - the CPUs' fds in the consumer's poll (@on), or not. The kernel then
 * wakes this thread together with the drain thread: on an idle vCPU its
 * wake-up (tens of microseconds in a VM) overlaps the drain's read instead
 * of following the drain's wake-up call (P6). Not with a watermark: poll
 * then says the buffer is filling, not that a record came.
 */
static void arm(struct finit_drain *d, struct pollfd *cpus, bool on)
{
	on = on && !__atomic_load_n(&d->watermark, __ATOMIC_RELAXED);
	for (int i = 0; i < d->ncpus; i++)
		cpus[i] = (struct pollfd){ .fd = on ? finit_stream_fd(d->st, i) : -1,
					   .events = POLLIN };
}

/*
 * help - after a quiet spell, a CPU's fd woke the consumer: it reads the
 * record itself, as a producer, instead of waiting for the drain thread.
 * That thread may be on another, idle vCPU: its wake-up costs tens of
 * microseconds in a VM, and its wake-up call to the consumer as many again
 * (P6). Never while the thread reads (it is then about to publish), and
 * not in a flood (the consumer then has records waiting, and the thread
 * lets pages fill). True if it read something: its publish makes the next
 * poll return at once.
 */
static bool help(struct finit_drain *d, struct pollfd *cpus, long long slept_us)
{
	size_t bytes = 0;

	/* busy, or an error (the thread's own read says it), or nothing read */
	if (slept_us < HELP_QUIET_US || pass(d, PASS_HELP, cpus, cpus, d->help_page, &bytes) < 0 ||
	    !bytes)
		return false;
	d->helped++;
	return true;
}

/*
 * wait_round - poll; -1 on an error, 0 if only a CPU's fd woke it (the
 * consumer read it itself, or else the drain thread's wake-up call
 * follows: the CPUs leave the set until the next delivery, or the next
 * poll would return at once), else 1
 */
static int wait_round(struct finit_drain *d, struct pollfd *pfd, int timeout_ms)
{
	long long t0 = mono_us();
	int n = poll(pfd, 3 + d->ncpus, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n > 0 && !(pfd[0].revents | pfd[1].revents | pfd[2].revents)) {
		if (!help(d, pfd + 3, mono_us() - t0))
			arm(d, pfd + 3, false);
		return 0;
	}
	return 1;
}

/*
 * run_round - what one wake-up brought: a signal's number, ROUND_END (the
 * round callback or the delivery said so), -1 on an error, else 0
 */
static int run_round(struct finit_drain *d, struct pollfd *pfd, finit_round_cb round,
		     finit_record_cb cb, void *ctx)
{
	uint64_t v;
	int sig, ret, err;

	if ((pfd[0].revents & POLLIN) && (sig = signal_of(pfd[0].fd)))
		return sig;
	if (round && round(ctx))
		return ROUND_END;
	if (!(pfd[1].revents & POLLIN))
		return 0;
	if (read(pfd[1].fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -1;
	arm(d, pfd + 3, true);
	ret = finit_stream_deliver(d->st, cb, ctx);
	if (ret > 0)
		return ROUND_END;
	err = __atomic_load_n(&d->thread_err, __ATOMIC_ACQUIRE);
	if (!ret && err) {
		d->err_told = true;	/* the run ends with it: said once */
		errno = err;
		return -1;
	}
	return ret;
}

/* finit_drain_run - poll the signalfd, the spool and @watchfd; deliver what waits */
int finit_drain_run(struct finit_drain *d, int sigfd, int watchfd, int timeout_ms,
		    finit_round_cb round, finit_record_cb cb, void *ctx)
{
	struct pollfd *pfd = calloc(3 + d->ncpus, sizeof(*pfd));
	int ret = 0;

	if (!pfd)
		return -1;
	pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = finit_spool_fd(d->sp), .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = watchfd, .events = POLLIN };	/* negative: ignored */
	arm(d, pfd + 3, true);
	while (!ret) {
		ret = wait_round(d, pfd, timeout_ms);
		if (ret > 0)
			ret = run_round(d, pfd, round, cb, ctx);
	}
	free(pfd);
	return ret == ROUND_END ? 0 : ret;
}

/* stop - the thread reads what is left, then ends */
static void stop(struct finit_drain *d)
{
	static const uint64_t one = 1;

	if (!d->running)
		return;
	if (write(d->stopfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		pthread_cancel(d->thread);	/* cannot tell it: end it */
	pthread_join(d->thread, NULL);
	d->running = false;
}

/* finit_drain_finish - stop, then deliver all that is spooled */
int finit_drain_finish(struct finit_drain *d, finit_record_cb cb, void *ctx)
{
	int ret;

	stop(d);
	d->final = true;
	ret = finit_stream_deliver(d->st, cb, ctx) < 0 ? -1 : 0;
	if (!ret && d->thread_err && !d->err_told) {
		errno = d->thread_err;
		return -1;
	}
	return ret;
}

/* finit_drain_failed - the thread ended on an error of its own */
bool finit_drain_failed(struct finit_drain *d)
{
	return __atomic_load_n(&d->thread_err, __ATOMIC_ACQUIRE) != 0;
}

/* finit_drain_helped - passes in which the consumer read records itself */
unsigned long long finit_drain_helped(const struct finit_drain *d)
{
	return d->helped;
}

/* finit_drain_set_watermark - the instance's buffer_percent is above 0 (or not) */
void finit_drain_set_watermark(struct finit_drain *d, bool on)
{
	__atomic_store_n(&d->watermark, on, __ATOMIC_RELAXED);
}

/* finit_drain_waiting - bytes in the spool */
size_t finit_drain_waiting(struct finit_drain *d)
{
	return finit_spool_waiting(d->sp);
}

/* finit_drain_stats - the spool's counters */
void finit_drain_stats(struct finit_drain *d, struct finit_spool_stats *st)
{
	finit_spool_stats(d->sp, st);
}

/* finit_drain_free - the thread first, then its memory */
void finit_drain_free(struct finit_drain *d)
{
	if (!d)
		return;
	stop(d);
	if (d->stopfd >= 0)
		close(d->stopfd);
	finit_spool_free(d->sp);
	free(d->page);
	free(d->help_page);
	free(d->seq);
	free(d->settled);
	free(d);
}
