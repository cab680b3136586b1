// SPDX-License-Identifier: MIT
/*
 * spool.c - a FIFO of raw sub-buffers per CPU: in memory up to a bound,
 * then in an unlinked temporary file. The order of pages is kept across
 * both: once a page went to the file, later ones follow it there until the
 * file is read empty, and it is then truncated.
 *
 * Every page carries a number in the order pages were pushed, and every
 * CPU the number of pages pushed when it was last seen empty: the consumer
 * can tell whether a CPU may still hold records older than a page it is
 * about to deliver (finit_spool_gate).
 *
 * Pages in memory live in slots of a pool that grows by whole chunks,
 * mapped already populated, and shrinks back to a 3 MiB reserve when the
 * spool is read empty: the drain thread copies into memory that is there, and
 * does not take a page fault (or the mm lock the decoder may hold) for
 * every sub-buffer it saves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "spool.h"

#define CHUNK_BYTES	(1u << 20)	/* the pool grows and shrinks by this much */
#define SLOT_ALIGN	64
#define RESERVE_BYTES	(2u << 20)	/* free in the pool, made in the drain's pauses */
#define KEEP_CHUNKS	3		/* read empty, the pool keeps that reserve */

/* One waiting page: in memory (data) or in the file (at off). */
struct entry {
	struct entry	*next;
	unsigned long long seq;		/* pushed before it */
	size_t		len;
	long long	off;		/* -1: in memory */
	unsigned char	data[];
};

/* One mapping of the pool; its slots follow the header. */
struct chunk {
	struct chunk	*next;
	size_t		bytes;
};

/* One CPU's pages, oldest first; empty: pages pushed when it was last seen empty */
struct queue {
	struct entry			*head, *tail;
	unsigned long long		empty;
};

struct finit_spool {
	pthread_mutex_t			lock;
	pthread_mutex_t			producer;	/* who reads the kernel's buffers */
	struct queue			*q;
	int				ncpus;
	unsigned long long		pushed;		/* pages in all */
	size_t				npages;		/* waiting now */
	bool				dirty;		/* pushed or seen empty since the last wake */
	size_t				page_size;
	size_t				mem_bytes, file_bytes;	/* bounds */
	size_t				in_mem, in_file;	/* waiting now */
	long long			file_end;	/* where the next spilled page goes */
	int				file;		/* -1 until needed */
	char				*dir;
	int				efd;
	struct finit_spool_stats	st;
	/* the pool: free slots, and the chunks they are cut from */
	struct chunk			*chunks;
	struct entry			*free;
	size_t				slot;		/* bytes per slot */
	size_t				nslots, nfree;
};

/* chunk_bytes - a chunk's mapping: CHUNK_BYTES, or one slot if pages are larger */
static size_t chunk_bytes(const struct finit_spool *sp)
{
	size_t one = SLOT_ALIGN + sp->slot;

	return one > CHUNK_BYTES ? one : CHUNK_BYTES;
}

/* cut - @c's slots onto the free list */
static void cut(struct finit_spool *sp, struct chunk *c)
{
	for (size_t off = SLOT_ALIGN; off + sp->slot <= c->bytes; off += sp->slot) {
		struct entry *e = (struct entry *)((unsigned char *)c + off);

		e->next = sp->free;
		sp->free = e;
		sp->nslots++;
		sp->nfree++;
	}
}

/* grow - one more chunk, mapped populated (no fault per page later); -1 */
static int grow(struct finit_spool *sp)
{
	size_t bytes = chunk_bytes(sp);
	struct chunk *c = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (c == MAP_FAILED)
		return -1;
	c->bytes = bytes;
	c->next = sp->chunks;
	sp->chunks = c;
	sp->st.pool_bytes += bytes;
	cut(sp, c);
	return 0;
}

/* unmap_chunks - all chunks but the first @keep; the free list is rebuilt */
static void unmap_chunks(struct finit_spool *sp, int keep)
{
	struct chunk **pc = &sp->chunks;

	for (int i = 0; *pc && i < keep; i++)
		pc = &(*pc)->next;
	while (*pc) {
		struct chunk *c = *pc;

		*pc = c->next;
		sp->st.pool_bytes -= c->bytes;
		munmap(c, c->bytes);
	}
	sp->free = NULL;
	sp->nslots = sp->nfree = 0;
	for (struct chunk *c = sp->chunks; c; c = c->next)
		cut(sp, c);
}

/* slot_get - a free slot, growing the pool if needed; NULL */
static struct entry *slot_get(struct finit_spool *sp)
{
	struct entry *e;

	if (!sp->free && grow(sp) < 0)
		return NULL;
	e = sp->free;
	sp->free = e->next;
	sp->nfree--;
	return e;
}

/*
 * slot_put - back to the pool; read empty, the pool shrinks to the
 * reserve (not below it: the next flood's pauses would map it again)
 */
static void slot_put(struct finit_spool *sp, struct entry *e)
{
	e->next = sp->free;
	sp->free = e;
	sp->nfree++;
	if (!sp->npages && sp->nfree == sp->nslots &&
	    sp->st.pool_bytes > KEEP_CHUNKS * chunk_bytes(sp))
		unmap_chunks(sp, KEEP_CHUNKS);
}

/*
 * init_lock - a priority-inheriting mutex: the drain thread runs at
 * SCHED_FIFO and the decoder does not; with a plain mutex a decoder
 * preempted while holding it (by any ordinary task) kept the drain thread
 * waiting for milliseconds, up to 14 ms measured under load, while the
 * kernel's buffer overran. Holding it, the decoder now runs at the drain
 * thread's priority.
 */
static void init_lock(pthread_mutex_t *lock)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	if (pthread_mutex_init(lock, &a))
		pthread_mutex_init(lock, NULL);
	pthread_mutexattr_destroy(&a);
}

/* finit_spool_alloc - empty, with its eventfd */
struct finit_spool *finit_spool_alloc(size_t page_size, int ncpus, size_t mem_bytes,
				      size_t file_bytes, const char *dir)
{
	struct finit_spool *sp = calloc(1, sizeof(*sp));

	if (!sp)
		return NULL;
	init_lock(&sp->lock);
	init_lock(&sp->producer);
	sp->ncpus = ncpus;
	sp->q = calloc(ncpus > 0 ? ncpus : 1, sizeof(*sp->q));
	sp->page_size = page_size;
	sp->slot = (sizeof(struct entry) + page_size + SLOT_ALIGN - 1) & ~(size_t)(SLOT_ALIGN - 1);
	sp->mem_bytes = mem_bytes;
	sp->file_bytes = file_bytes;
	sp->file = -1;
	sp->dir = strdup(dir ? dir : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	sp->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sp->efd < 0 || !sp->dir || !sp->q) {
		finit_spool_free(sp);
		return NULL;
	}
	return sp;
}

/* finit_spool_free - every page, the file, the eventfd */
void finit_spool_free(struct finit_spool *sp)
{
	if (!sp)
		return;
	for (int i = 0; sp->q && i < sp->ncpus; i++) {
		while (sp->q[i].head) {
			struct entry *e = sp->q[i].head;

			sp->q[i].head = e->next;
			if (e->off >= 0)
				free(e);	/* spilled entries only: slots go with chunks */
		}
	}
	free(sp->q);
	unmap_chunks(sp, 0);
	if (sp->file >= 0)
		close(sp->file);
	if (sp->efd >= 0)
		close(sp->efd);
	pthread_mutex_destroy(&sp->lock);
	pthread_mutex_destroy(&sp->producer);
	free(sp->dir);
	free(sp);
}

/* open_file - the private spill file: O_TMPFILE, never visible by name */
static int open_file(struct finit_spool *sp)
{
	if (sp->file < 0)
		sp->file = open(sp->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	return sp->file;
}

/*
 * spill - write the page to the file; an entry without data, or NULL. A
 * failed write ends the file's use (st.file_err): room() then says no.
 */
static struct entry *spill(struct finit_spool *sp, const void *page, size_t len)
{
	struct entry *e;
	ssize_t n;

	if (sp->st.file_err || sp->in_file + len > sp->file_bytes)
		return NULL;
	n = open_file(sp) < 0 ? -1 : pwrite(sp->file, page, len, sp->file_end);
	if (n != (ssize_t)len) {
		/* no more spilling: pages wait in the kernel's buffer instead */
		sp->st.file_err = n < 0 ? errno : ENOSPC;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->off = sp->file_end;
	sp->file_end += (long long)len;
	sp->in_file += len;
	sp->st.spilled++;
	return e;
}

/* keep - the page in memory; NULL if the memory bound is reached */
static struct entry *keep(struct finit_spool *sp, const void *page, size_t len)
{
	struct entry *e;

	if (sp->in_file || sp->in_mem + len > sp->mem_bytes)
		return NULL;	/* once spilling, keep the order: file until empty */
	e = slot_get(sp);
	if (!e)
		return NULL;
	e->next = NULL;
	memcpy(e->data, page, len);
	e->off = -1;
	sp->in_mem += len;
	return e;
}

/* finit_spool_prepare - one more chunk if less than RESERVE_BYTES are free; 1 if it grew */
int finit_spool_prepare(struct finit_spool *sp)
{
	int grew = 0;

	pthread_mutex_lock(&sp->lock);
	if (sp->nfree * sp->slot < RESERVE_BYTES && !sp->in_file &&
	    sp->st.pool_bytes + chunk_bytes(sp) <= sp->mem_bytes + RESERVE_BYTES)
		grew = grow(sp) == 0;
	pthread_mutex_unlock(&sp->lock);
	return grew;
}

/* finit_spool_push - memory, else the file, else refused */
int finit_spool_push(struct finit_spool *sp, int cpu, const void *page, size_t len)
{
	struct queue *q;
	struct entry *e;

	if (cpu < 0 || cpu >= sp->ncpus)
		return -1;
	if (len > sp->page_size)
		len = sp->page_size;
	pthread_mutex_lock(&sp->lock);
	e = keep(sp, page, len);
	if (!e)
		e = spill(sp, page, len);
	if (!e) {
		sp->st.refused++;
		pthread_mutex_unlock(&sp->lock);
		return -1;
	}
	e->len = len;
	e->seq = sp->pushed++;
	q = &sp->q[cpu];
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	sp->npages++;
	sp->dirty = true;
	sp->st.pages++;
	__atomic_store_n(&sp->st.bytes, sp->in_mem + sp->in_file, __ATOMIC_RELAXED);
	if (sp->st.bytes > sp->st.peak_bytes)
		sp->st.peak_bytes = sp->st.bytes;
	pthread_mutex_unlock(&sp->lock);
	return 0;
}

/* finit_spool_produce - become the producer: at once (!@wait) or after the one there is */
bool finit_spool_produce(struct finit_spool *sp, bool wait)
{
	return !(wait ? pthread_mutex_lock(&sp->producer) : pthread_mutex_trylock(&sp->producer));
}

/* finit_spool_produced - the pass is over: another may produce */
void finit_spool_produced(struct finit_spool *sp)
{
	pthread_mutex_unlock(&sp->producer);
}

/* finit_spool_mark_empty - @cpu was seen empty: every page of it so far is here */
void finit_spool_mark_empty(struct finit_spool *sp, int cpu)
{
	if (cpu < 0 || cpu >= sp->ncpus)
		return;
	pthread_mutex_lock(&sp->lock);
	if (sp->q[cpu].empty < sp->pushed) {
		sp->q[cpu].empty = sp->pushed;
		sp->dirty = true;
	}
	pthread_mutex_unlock(&sp->lock);
}

/*
 * finit_spool_publish - wake the consumer if anything was pushed or seen
 * empty since the last time: once per pass of the producer, not per page
 * (a saturated counter, EAGAIN, still reads as ready)
 */
void finit_spool_publish(struct finit_spool *sp)
{
	bool wake;

	pthread_mutex_lock(&sp->lock);
	wake = sp->dirty;
	sp->dirty = false;
	pthread_mutex_unlock(&sp->lock);
	if (wake)
		finit_spool_wake(sp);
}

/* finit_spool_wake - make the consumer's fd readable (a saturated counter still is) */
void finit_spool_wake(struct finit_spool *sp)
{
	static const uint64_t one = 1;

	if (write(sp->efd, &one, sizeof(one)) < 0)
		return;
}

/* room - another page would be taken (under the lock) */
static bool room(const struct finit_spool *sp, size_t len)
{
	return (!sp->in_file && sp->in_mem + len <= sp->mem_bytes) ||
	       (!sp->st.file_err && sp->in_file + len <= sp->file_bytes);
}

/* finit_spool_gate - may records of page @seq go before @cpu's next ones? */
int finit_spool_gate(struct finit_spool *sp, int cpu, unsigned long long seq,
		     unsigned long long *empty)
{
	int ret;

	pthread_mutex_lock(&sp->lock);
	*empty = sp->q[cpu].empty;
	if (sp->q[cpu].head)
		ret = FINIT_SPOOL_PAGES;
	else if (sp->q[cpu].empty > seq || !room(sp, sp->page_size))
		ret = FINIT_SPOOL_GO;
	else
		ret = FINIT_SPOOL_WAIT;
	pthread_mutex_unlock(&sp->lock);
	return ret;
}

/* take - unlink @cpu's oldest entry (under the lock) */
static struct entry *take(struct finit_spool *sp, int cpu)
{
	struct queue *q = &sp->q[cpu];
	struct entry *e = q->head;

	if (!e)
		return NULL;
	q->head = e->next;
	if (!q->head)
		q->tail = NULL;
	sp->npages--;
	if (e->off < 0)
		sp->in_mem -= e->len;
	else
		sp->in_file -= e->len;
	__atomic_store_n(&sp->st.bytes, sp->in_mem + sp->in_file, __ATOMIC_RELAXED);
	return e;
}

/* read_back - a spilled page; the file read empty starts over (truncated) */
static long read_back(struct finit_spool *sp, const struct entry *e, void *page)
{
	long ret = pread(sp->file, page, e->len, e->off) == (ssize_t)e->len ? (long)e->len : -1;

	if (!sp->in_file && ftruncate(sp->file, 0) == 0)
		sp->file_end = 0;
	return ret;
}

/* finit_spool_pop - @cpu's oldest page, from memory or the file */
long finit_spool_pop(struct finit_spool *sp, int cpu, void *page, unsigned long long *seq)
{
	struct entry *e;
	bool spilled = false;
	long ret = 0;

	if (cpu < 0 || cpu >= sp->ncpus)
		return 0;
	pthread_mutex_lock(&sp->lock);
	e = take(sp, cpu);
	if (e) {
		spilled = e->off >= 0;
		*seq = e->seq;
		ret = (long)e->len;
		/* under the lock: the producer may be appending to the same file */
		if (spilled) {
			ret = read_back(sp, e, page);
		} else {
			memcpy(page, e->data, e->len);
			slot_put(sp, e);	/* the pool may shrink: e is gone */
		}
	}
	pthread_mutex_unlock(&sp->lock);
	if (spilled)
		free(e);
	return ret;
}

/* finit_spool_has_room - @len more bytes would be taken (memory or file) */
bool finit_spool_has_room(struct finit_spool *sp, size_t len)
{
	bool ok;

	pthread_mutex_lock(&sp->lock);
	ok = room(sp, len);
	pthread_mutex_unlock(&sp->lock);
	return ok;
}

/* finit_spool_waiting - bytes waiting (no lock: a hint for the consumer) */
size_t finit_spool_waiting(struct finit_spool *sp)
{
	return __atomic_load_n(&sp->st.bytes, __ATOMIC_RELAXED);
}

/* finit_spool_fd - for poll() */
int finit_spool_fd(const struct finit_spool *sp)
{
	return sp->efd;
}

/* finit_spool_stats - a copy under the lock */
void finit_spool_stats(struct finit_spool *sp, struct finit_spool_stats *st)
{
	pthread_mutex_lock(&sp->lock);
	*st = sp->st;
	pthread_mutex_unlock(&sp->lock);
	st->dir = sp->dir;
}
