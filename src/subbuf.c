// SPDX-License-Identifier: MIT
/*
 * subbuf.c - walking a ring-buffer sub-buffer without a library call per
 * record. The layout (the kernel's ring_buffer.c): a header (timestamp,
 * then a long whose low 27 bits are the bytes of records and whose bits 31
 * and 30 say events were missed and their count stored after the
 * records), then records, each a 32-bit word (type_len in its low 5 bits,
 * a time delta in the other 27) and its payload: type_len 1-28 is the
 * payload's words, 0 a length word first (it counts itself), 29 padding
 * (a length word), 30 a time extend and 31 an absolute time stamp (a word
 * of the time's bits 27 and up). What kbuffer does with a damaged page,
 * this does too, but it reads no header word past the page and ends the
 * page at padding that does not move forward.
 */
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>

#include "subbuf.h"

#define COMMIT_BYTES	((1u << 27) - 1)
#define MISSED		(1ULL << 31)
#define MISSED_STORED	(1ULL << 30)
#define DELTA_BITS	27
#define STAMP_TOP	(0xf8ULL << 56)	/* an absolute stamp lacks these bits */

/* host_little - this machine stores numbers little-end first */
static bool host_little(void)
{
	const unsigned int one = 1;

	return *(const unsigned char *)&one == 1;
}

/* finit_subbuf_init - our walker when both ends are little-endian */
int finit_subbuf_init(struct finit_subbuf *sb, struct tep_handle *tep, bool own)
{
	bool long8 = tep_get_long_size(tep) != 4;

	memset(sb, 0, sizeof(*sb));
	sb->start = long8 ? 16 : 12;
	if (own && host_little() && !tep_is_file_bigendian(tep))
		return 0;
	sb->kbuf = kbuffer_alloc(long8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
				 tep_is_file_bigendian(tep) ? KBUFFER_ENDIAN_BIG :
				 KBUFFER_ENDIAN_LITTLE);
	return sb->kbuf ? 0 : -1;
}

void finit_subbuf_free(struct finit_subbuf *sb)
{
	kbuffer_free(sb->kbuf);
	sb->kbuf = NULL;
}

/* word - the little-endian 32-bit word at @off of the records; false past the page */
static bool word(const struct finit_subbuf *sb, unsigned int off, unsigned int *w)
{
	if (off > sb->room || sb->room - off < 4)
		return false;
	memcpy(w, sb->data + off, 4);
	return true;
}

/* record - read the record at curr: its payload, length and time; its type_len */
static int record(struct finit_subbuf *sb)
{
	unsigned int w, x, type_len, off = sb->curr + 4, len;
	unsigned long long delta;

	if (!word(sb, sb->curr, &w))
		return -1;
	type_len = w & 31;
	delta = w >> 5;
	if (type_len >= 29 || type_len == 0) {
		if (!word(sb, off, &x))
			return -1;
		if (type_len == 29) {
			len = x;		/* padding: the word is its length */
		} else if (type_len == 0) {
			len = (x - 4 + 3) & ~3u;	/* the word counts itself */
			off += 4;
		} else {
			delta += (unsigned long long)x << DELTA_BITS;
			if (type_len == 31)
				delta |= sb->ts & STAMP_TOP;
			len = 0;
			off += 4;
		}
	} else {
		len = type_len * 4;
	}
	sb->ts = type_len == 31 ? delta : sb->ts + delta;
	sb->index = off;
	sb->next = off + len;
	return (int)type_len;
}

/* step - the next record with a payload made current; -1 at the end */
static int step(struct finit_subbuf *sb)
{
	int type_len;

	do {
		sb->curr = sb->next;
		if (sb->next >= sb->size)
			return -1;
		type_len = record(sb);
		/* (padding that does not move on would hold kbuffer forever) */
		if (type_len < 0 || (type_len == 29 && sb->next <= sb->curr)) {
			sb->curr = sb->next = sb->size;
			return -1;
		}
	} while (type_len >= 29);
	return 0;
}

/* finit_subbuf_load - the header, then the first record */
int finit_subbuf_load(struct finit_subbuf *sb, void *page, size_t len)
{
	unsigned long long commit = 0;

	if (sb->kbuf)
		return kbuffer_load_subbuffer(sb->kbuf, page);
	if (!page || len < (size_t)sb->start)
		return -1;
	memcpy(&sb->ts, page, 8);
	memcpy(&commit, (char *)page + 8, sb->start - 8);
	sb->data = (const unsigned char *)page + sb->start;
	sb->room = (unsigned int)(len - sb->start);
	sb->size = (unsigned int)commit & COMMIT_BYTES;
	sb->lost = 0;
	if (commit & MISSED) {
		sb->lost = -1;
		if ((commit & MISSED_STORED) && sb->size <= sb->room &&
		    sb->room - sb->size >= (unsigned int)sb->start - 8) {
			sb->lost = 0;
			memcpy(&sb->lost, sb->data + sb->size, sb->start - 8);
		}
	}
	sb->curr = sb->index = sb->next = 0;
	step(sb);
	return 0;
}

/* finit_subbuf_missed - as kbuffer: a count only at the page's start */
int finit_subbuf_missed(const struct finit_subbuf *sb)
{
	if (sb->kbuf)
		return kbuffer_missed_events(sb->kbuf);
	return sb->curr ? 0 : (int)sb->lost;
}

/* finit_subbuf_read - the current record, NULL past the last */
void *finit_subbuf_read(struct finit_subbuf *sb, unsigned long long *ts)
{
	if (sb->kbuf)
		return kbuffer_read_event(sb->kbuf, ts);
	if (!sb->data || sb->curr >= sb->size)
		return NULL;
	*ts = sb->ts;
	return (void *)(sb->data + sb->index);
}

/* finit_subbuf_next - one record on */
void *finit_subbuf_next(struct finit_subbuf *sb, unsigned long long *ts)
{
	if (sb->kbuf)
		return kbuffer_next_event(sb->kbuf, ts);
	if (!sb->data || step(sb) < 0)
		return NULL;
	*ts = sb->ts;
	return (void *)(sb->data + sb->index);
}

/* finit_subbuf_size - payload bytes, as kbuffer_event_size */
int finit_subbuf_size(const struct finit_subbuf *sb)
{
	if (sb->kbuf)
		return kbuffer_event_size(sb->kbuf);
	return (int)(sb->next - sb->index);
}
