// SPDX-License-Identifier: MIT
/*
 * log.c - the library layer's logging hook.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

/* finit_log_stderr - the default hook: "finit-ftrace: [WARNING: ]MESSAGE" on stderr */
void finit_log_stderr(enum finit_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "finit-ftrace: %s%s\n", level == FINIT_LOG_WARNING ? "WARNING: " : "",
		msg);
}

static finit_log_fn log_hook = finit_log_stderr;
static void *log_ctx;

/* finit_log_set_hook - route messages to @fn (NULL: stderr again) */
void finit_log_set_hook(finit_log_fn fn, void *ctx)
{
	log_hook = fn ? fn : finit_log_stderr;
	log_ctx = ctx;
}

/* finit_log - format once, hand to the hook */
void finit_log(enum finit_log_level level, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_hook(level, msg, log_ctx);
}
