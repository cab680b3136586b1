// SPDX-License-Identifier: MIT
/*
 * evsel.c - event selections and the tep handle of their formats.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <tracefs.h>

#include "evsel.h"

/* finit_evsel_add - append to a selection of at most FINIT_MAX_EVENTS */
int finit_evsel_add(struct finit_evsel *ev, int *n, const char *sys, const char *name,
		    const char *filter)
{
	struct finit_evsel *e;

	if (*n >= FINIT_MAX_EVENTS)
		return -1;
	e = &ev[(*n)++];
	snprintf(e->sys, sizeof(e->sys), "%s", sys);
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->filter, sizeof(e->filter), "%s", filter ? filter : "");
	e->loads = false;
	return 0;
}

/* add_format - parse the format of @sys:@ev into @tep */
static int add_format(struct tep_handle *tep, const char *sys, const char *ev,
		      char *err, size_t errlen)
{
	int size = 0, ret;
	char *buf = tracefs_event_file_read(NULL, sys, ev, "format", &size);

	if (!buf) {
		snprintf(err, errlen, "cannot read the format of %s:%s", sys, ev);
		return -1;
	}
	ret = tep_parse_event(tep, buf, size, sys);
	free(buf);
	if (ret) {
		snprintf(err, errlen, "libtraceevent cannot parse the format of %s:%s", sys, ev);
		return -1;
	}
	return 0;
}

/* finit_evsel_tep - header_page, then each selected event's format */
struct tep_handle *finit_evsel_tep(const struct finit_evsel *ev, int n,
				     char *err, size_t errlen)
{
	struct tep_handle *tep = tep_alloc();
	enum tep_endian endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				 TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN;
	char *hdr;
	int size;

	if (!tep) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	tep_set_long_size(tep, sizeof(long));
	tep_set_page_size(tep, getpagesize());
	tep_set_file_bigendian(tep, endian);
	tep_set_local_bigendian(tep, endian);
	hdr = tracefs_instance_file_read(NULL, "events/header_page", &size);
	if (!hdr || tep_parse_header_page(tep, hdr, size, sizeof(long))) {
		snprintf(err, errlen, "cannot read or parse events/header_page");
		goto fail;
	}
	free(hdr);
	hdr = NULL;
	for (int i = 0; i < n; i++)
		if (add_format(tep, ev[i].sys, ev[i].name, err, errlen) < 0)
			goto fail;
	return tep;
fail:
	free(hdr);
	tep_free(tep);
	return NULL;
}
