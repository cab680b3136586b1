/* SPDX-License-Identifier: MIT */
/*
 * subbuf.h - the records of one ring-buffer sub-buffer (page), in order,
 * with their timestamps: walked here when the file and the host are both
 * little-endian, by libtraceevent's kbuffer otherwise. Both give the same
 * records, sizes, timestamps and missed counts.
 */
#ifndef FINIT_SUBBUF_H
#define FINIT_SUBBUF_H

#include <stdbool.h>
#include <stddef.h>

struct tep_handle;
struct kbuffer;

struct finit_subbuf {
	struct kbuffer		*kbuf;		/* NULL: walked here */
	int			start;		/* header bytes: timestamp, commit */
	const unsigned char	*data;		/* the records, after the header */
	unsigned int		size;		/* their bytes (the commit) */
	unsigned int		room;		/* bytes of the page after the header */
	unsigned int		curr;		/* the current record's header */
	unsigned int		index;		/* its payload */
	unsigned int		next;		/* the record after it */
	unsigned long long	ts;
	long long		lost;		/* -1: some, uncounted */
};

/*
 * finit_subbuf_init - a walker for the sub-buffers of @tep's file (@own:
 * false forces kbuffer, for the tests); -1 out of memory
 */
int finit_subbuf_init(struct finit_subbuf *sb, struct tep_handle *tep, bool own);

void finit_subbuf_free(struct finit_subbuf *sb);

/*
 * finit_subbuf_load - @page (@len bytes) is the one walked now: its first
 * record is current; -1 when it cannot be read
 */
int finit_subbuf_load(struct finit_subbuf *sb, void *page, size_t len);

/*
 * finit_subbuf_missed - events lost before the current record, as
 * kbuffer_missed_events: only at the page's first record, -1 uncounted
 */
int finit_subbuf_missed(const struct finit_subbuf *sb);

/* finit_subbuf_read - the current record's payload and timestamp; NULL past the end */
void *finit_subbuf_read(struct finit_subbuf *sb, unsigned long long *ts);

/* finit_subbuf_next - the next record made current: as finit_subbuf_read */
void *finit_subbuf_next(struct finit_subbuf *sb, unsigned long long *ts);

/* finit_subbuf_size - the current record's payload bytes */
int finit_subbuf_size(const struct finit_subbuf *sb);

#endif
