/* SPDX-License-Identifier: MIT */
/*
 * spool.h - raw sub-buffers between the thread that drains the kernel's
 * ring buffers and the one that decodes them: a FIFO in memory up to a
 * bound, then in a private unlinked temporary file, so that a flood waits
 * here instead of overwriting the kernel's buffer. A queue per CPU, and
 * what the consumer needs to deliver records of all CPUs in time order.
 * Thread-safe for one consumer and producers that take turns
 * (finit_spool_produce); an eventfd says when something changed.
 */
#ifndef FINIT_SPOOL_H
#define FINIT_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

struct finit_spool;

struct finit_spool_stats {
	unsigned long long	pages;		/* pushed in all */
	unsigned long long	spilled;	/* of them, through the file */
	unsigned long long	refused;	/* not taken: the spool was full, or its file failed */
	int			file_err;	/* errno of the file's failed write: no more spilling */
	const char		*dir;		/* where the file is (valid while the spool is) */
	size_t			peak_bytes;	/* most waiting at once */
	size_t			bytes;		/* waiting now */
	size_t			pool_bytes;	/* mapped for pages in memory now */
};

/*
 * finit_spool_alloc - pages of at most @page_size bytes from @ncpus CPUs;
 * @mem_bytes in memory, then up to @file_bytes in a temporary file in @dir
 * (NULL: the usual TMPDIR). NULL when out of memory or the eventfd fails.
 */
struct finit_spool *finit_spool_alloc(size_t page_size, int ncpus, size_t mem_bytes,
				      size_t file_bytes, const char *dir);
void finit_spool_free(struct finit_spool *sp);

/*
 * finit_spool_push - one page of @cpu (@len bytes); 0, or -1 when the
 * spool is full (refused, counted) or the file cannot be written
 */
int finit_spool_push(struct finit_spool *sp, int cpu, const void *page, size_t len);

/*
 * finit_spool_pop - @cpu's oldest page into @page (page_size bytes): its
 * length with *seq set (its number in push order), 0 when none waits, -1
 * if the file cannot be read
 */
long finit_spool_pop(struct finit_spool *sp, int cpu, void *page, unsigned long long *seq);

/*
 * finit_spool_produce - a producer's turn, held from its first read of the
 * kernel's buffers to its publish: a CPU's pages are then pushed in the
 * order they were read, and a CPU seen empty has no page read but not yet
 * pushed. @wait: until the turn comes (the lock inherits priority), else
 * only if no other producer has it. True if it is yours.
 */
bool finit_spool_produce(struct finit_spool *sp, bool wait);

/* finit_spool_produced - the turn is over */
void finit_spool_produced(struct finit_spool *sp);

/*
 * finit_spool_mark_empty - the producer found @cpu's buffer empty: the
 * records it writes from now on are newer than every page pushed so far
 */
void finit_spool_mark_empty(struct finit_spool *sp, int cpu);

/* finit_spool_publish - after a pass: wake the consumer if anything changed */
void finit_spool_publish(struct finit_spool *sp);

/* finit_spool_wake - wake the consumer now, whatever changed */
void finit_spool_wake(struct finit_spool *sp);

enum { FINIT_SPOOL_WAIT, FINIT_SPOOL_GO, FINIT_SPOOL_PAGES };

/*
 * finit_spool_gate - may the records of page @seq (of another CPU) go out
 * before any of @cpu's still to come? FINIT_SPOOL_PAGES: @cpu has pages
 * waiting (pop them and compare); FINIT_SPOOL_GO: @cpu was seen empty
 * after that page was pushed, or the spool is full (order is given up
 * rather than the drain stopped); FINIT_SPOOL_WAIT: not known yet, a later
 * publish says more. *empty: @cpu's mark, for the caller to remember.
 */
int finit_spool_gate(struct finit_spool *sp, int cpu, unsigned long long seq,
		     unsigned long long *empty);

/*
 * finit_spool_prepare - map memory for the next pages now (a moment the
 * producer has to spare) rather than in a later push: one chunk if less
 * than 2 MiB of the pool is free. 1 if it mapped one, else 0.
 */
int finit_spool_prepare(struct finit_spool *sp);

/* finit_spool_has_room - would @len more bytes be taken? */
bool finit_spool_has_room(struct finit_spool *sp, size_t len);

/* finit_spool_waiting - bytes waiting now (lock-free, for backlog checks) */
size_t finit_spool_waiting(struct finit_spool *sp);

/* finit_spool_fd - readable while pages wait (an eventfd; read it to rearm) */
int finit_spool_fd(const struct finit_spool *sp);

/* finit_spool_stats - counters so far */
void finit_spool_stats(struct finit_spool *sp, struct finit_spool_stats *st);

#endif
