/* SPDX-License-Identifier: MIT */
/*
 * log.h - the one way the library layer reports: a hook the command layer
 * sets (in the manner of tracefs_warning). Without a hook, messages go to
 * stderr as "finit-ftrace: MESSAGE".
 */
#ifndef FINIT_LOG_H
#define FINIT_LOG_H

enum finit_log_level {
	FINIT_LOG_ERROR,
	FINIT_LOG_WARNING,
	FINIT_LOG_INFO,
};

typedef void (*finit_log_fn)(enum finit_log_level level, const char *msg, void *ctx);

/* finit_log_stderr - the default hook: "finit-ftrace: MESSAGE" on stderr */
void finit_log_stderr(enum finit_log_level level, const char *msg, void *ctx);

/* finit_log_set_hook - send every message to @fn (NULL: back to stderr) */
void finit_log_set_hook(finit_log_fn fn, void *ctx);

/* finit_log - report one message (no trailing newline needed) */
void finit_log(enum finit_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
