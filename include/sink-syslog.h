/* SPDX-License-Identifier: MIT */
/*
 * sink-syslog.h - the syslog sink: each event's JSON line as one syslog(3)
 * message (to /dev/log), at a configurable facility.
 */
#ifndef FINIT_SINK_SYSLOG_H
#define FINIT_SINK_SYSLOG_H

#include <stddef.h>

#include "sink.h"

/* finit_sink_syslog_open - the sink at @facility (LOG_AUTHPRIV etc.); NULL out of memory */
struct finit_sink *finit_sink_syslog_open(int facility);

/* finit_sink_syslog_facility - LOG_AUTHPRIV for "authpriv" etc.; -1 if unknown */
int finit_sink_syslog_facility(const char *name);

/* finit_sink_syslog_facilities - "auth, authpriv, ... or local7" into @buf */
void finit_sink_syslog_facilities(char *buf, size_t len);

#endif
