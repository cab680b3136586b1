// SPDX-License-Identifier: MIT
/*
 * pages.c - hand-built ring-buffer sub-buffers (laid out per the host's
 * header_page and header_event) holding raw_syscalls records.
 */
#include <string.h>

#include <traceevent/event-parse.h>

#include "unit.h"

void unit_put_le(unsigned char *p, unsigned long long v, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void unit_page_init(struct unit_page *pg, unsigned long long ts)
{
	memset(pg, 0, sizeof(*pg));
	unit_put_le(pg->buf, ts, 8);
}

void unit_page_add(struct unit_page *pg, unsigned int delta, const unsigned char *data,
		   size_t size)
{
	unsigned char *p = pg->buf + UNIT_DATA_OFF + pg->len;

	unit_put_le(p, (size / 4) | (delta << 5), 4);
	memcpy(p + 4, data, size);
	pg->len += 4 + size;
	unit_put_le(pg->buf + 8, pg->len, 8);
}

size_t unit_raw_rec(struct tep_handle *tep, unsigned char *d, int enter, int tid,
		    long long val)
{
	struct tep_event *ev = tep_find_event_by_name(tep, "raw_syscalls",
						      enter ? "sys_enter" : "sys_exit");
	size_t size = enter ? 64 : 24;

	memset(d, 0, size);
	unit_put_le(d, ev->id, 2);
	unit_put_le(d + 4, tid, 4);
	unit_put_le(d + 8, 313, 8);
	unit_put_le(d + 16, (unsigned long long)val, 8);
	return size;
}
