// SPDX-License-Identifier: MIT
/*
 * field.c - reading a record's fields without a library call per number:
 * the offsets come from the event formats, once.
 */
#include "field.h"

/* finit_field_init - the byte order, and where the common fields lie */
int finit_field_init(struct finit_field *fl, struct tep_handle *tep, struct tep_event *ev)
{
	struct tep_format_field *type = tep_find_common_field(ev, "common_type");
	struct tep_format_field *pid = tep_find_common_field(ev, "common_pid");

	memset(fl, 0, sizeof(*fl));
	fl->tep = tep;
	fl->host = tep_is_file_bigendian(tep) == tep_is_local_bigendian(tep);
	if (!type || !pid)
		return -1;
	fl->type_off = type->offset;
	fl->type_size = type->size;
	fl->pid_off = pid->offset;
	fl->pid_size = pid->size;
	return 0;
}

/* finit_field_read - as tep_read_number_field, then sign-extended */
unsigned long long finit_field_read(const struct finit_field *fl,
				    const struct tep_format_field *f, const void *data)
{
	unsigned long long v = finit_field_num(fl, (const char *)data + f->offset, f->size);

	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size > 0 && f->size < 8 &&
	    (v & (1ULL << (f->size * 8 - 1))))
		v |= ~0ULL << (f->size * 8);
	return v;
}

/* finit_field_type - common_type, as tep_data_type reads it */
int finit_field_type(const struct finit_field *fl, const void *data)
{
	return (int)finit_field_num(fl, (const char *)data + fl->type_off, fl->type_size);
}

/* finit_field_pid - common_pid, as tep_data_pid reads it */
int finit_field_pid(const struct finit_field *fl, const void *data)
{
	return (int)finit_field_num(fl, (const char *)data + fl->pid_off, fl->pid_size);
}

/* finit_field_str - the string and its state (field.h) */
const char *finit_field_str(const struct finit_field *fl, const struct tep_format_field *f,
			    const struct tep_record *rec, bool empty_ok,
			    enum finit_str_state *state)
{
	const char *data = rec->data;
	unsigned int off = f->offset, len = f->size;

	*state = FINIT_STR_FAULT;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		unsigned long long v = finit_field_num(fl, data + f->offset, f->size);

		off = v & 0xffff;
		len = (v >> 16) & 0xffff;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
		if (!len && empty_ok) {
			*state = FINIT_STR_OK;
			return "";
		}
	}
	if (!len || rec->size <= 0 || off + len > (unsigned int)rec->size ||
	    !memchr(data + off, '\0', len))
		return NULL;
	*state = FINIT_STR_OK;
	return data + off;
}
