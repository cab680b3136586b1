// SPDX-License-Identifier: MIT
/*
 * log.c - the library layer's logging hook.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static finit_log_fn log_hook;
static void *log_ctx;

/* finit_log_set_hook - route messages to @fn */
void finit_log_set_hook(finit_log_fn fn, void *ctx)
{
	log_hook = fn;
	log_ctx = ctx;
}

/* finit_log - format once, hand to the hook or stderr */
void finit_log(enum finit_log_level level, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_hook) {
		log_hook(level, msg, log_ctx);
		return;
	}
	fprintf(stderr, "finit-ftrace: %s%s\n", level == FINIT_LOG_WARNING ? "WARNING: " : "",
		msg);
}
