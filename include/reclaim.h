/* SPDX-License-Identifier: MIT */
/*
 * reclaim.h - remove what runs that died (e.g. kill -9) left in tracefs,
 * and the global syscall_user_buf_size the native tier raises.
 */
#ifndef FINIT_RECLAIM_H
#define FINIT_RECLAIM_H

#include <stdbool.h>
#include <stdio.h>

/*
 * syscall_user_buf_size (6.19+) as our first session found it: put back by
 * the last one to close, or by cleanup after a SIGKILL.
 */
#define FINIT_USER_BUF_STATE	"/run/finit-ftrace.syscall_user_buf_size"

/* finit_reclaim_owner_alive - @pid still runs finit-ftrace (not a recycled pid) */
bool finit_reclaim_owner_alive(int pid);

/*
 * finit_reclaim_stale - finit_reclaim_instance for every instance named
 * <prefix>-<pid>, destroy dynamic event groups <prefix>_<pid> whose owner
 * is gone, put back syscall_user_buf_size once no session of ours runs, and
 * list dead recorders' recovery directories. Each removal is reported
 * through the log hook when @report. Returns the number removed, or -1 if
 * one could not be removed.
 */
int finit_reclaim_stale(const char *prefix, bool report);

/*
 * finit_reclaim_instance - the instances <prefix>-<pid> and <prefix>-<pid>-loads
 * (the protected loads buffer), if they exist and @pid is gone: what a
 * recorder left unread saved into its recovery directory (else the discarded
 * entries said), then removed. How many were removed, 0 if there was nothing
 * to do, -1 if one could not be removed.
 */
int finit_reclaim_instance(const char *prefix, int pid, bool report);

/* finit_reclaim_save_user_buf - keep @v as the first session found it */
void finit_reclaim_save_user_buf(long long v);

/* finit_reclaim_restore_user_buf - put it back once no session but @self runs */
void finit_reclaim_restore_user_buf(const char *prefix, int self, bool report);

#endif
