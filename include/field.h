/* SPDX-License-Identifier: MIT */
/*
 * field.h - the numbers and strings of a record's fields, read in place
 * when the file's byte order is the host's (libtraceevent's readers
 * otherwise), with the common type and pid located once.
 */
#ifndef FINIT_FIELD_H
#define FINIT_FIELD_H

#include <stdbool.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "finit.h"

struct finit_field {
	struct tep_handle	*tep;
	bool			host;		/* the file is in the host's byte order */
	int			type_off, type_size;	/* common_type */
	int			pid_off, pid_size;	/* common_pid */
};

/*
 * finit_field_init - for records of @tep, whose common fields @ev shows
 * (every event has the same); -1 when it has no common_type or common_pid
 */
int finit_field_init(struct finit_field *fl, struct tep_handle *tep, struct tep_event *ev);

/* finit_field_num - the unsigned number of @size bytes at @p (0 for other sizes) */
static inline unsigned long long finit_field_num(const struct finit_field *fl, const void *p,
						 int size)
{
	unsigned char u8;
	unsigned short u16;
	unsigned int u32;
	unsigned long long u64;

	if (!fl->host)
		return tep_read_number(fl->tep, p, size);
	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	case 8: memcpy(&u64, p, 8); return u64;
	}
	return 0;
}

/* finit_field_read - a numeric field, sign-extended when the format says signed */
unsigned long long finit_field_read(const struct finit_field *fl,
				    const struct tep_format_field *f, const void *data);

/* finit_field_type - the event id of a record (of at least 8 bytes) */
int finit_field_type(const struct finit_field *fl, const void *data);

/* finit_field_pid - the pid (kernel: tid) of a record (of at least 8 bytes) */
int finit_field_pid(const struct finit_field *fl, const void *data);

/*
 * finit_field_str - a string field (__data_loc, __rel_loc or char[N]) and
 * what it says: NULL with FINIT_STR_FAULT when the kernel stored no string
 * (a zero-length data_loc of a probe's ustring: its fetch failed) or a
 * length that does not fit the record or holds no NUL. With @empty_ok, a
 * length of 0 is the empty string (the 6.19+ native field stores it so).
 */
const char *finit_field_str(const struct finit_field *fl, const struct tep_format_field *f,
			    const struct tep_record *rec, bool empty_ok,
			    enum finit_str_state *state);

#endif
