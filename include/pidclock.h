/* SPDX-License-Identifier: MIT */
/*
 * pidclock.h - where the kernel's pid allocator stands at a moment (the
 * tasks ever made, the last pid handed out), and what two such moments say
 * about a pid: whether it may have been handed out to a new task between
 * them. Pids are handed out in a cycle: between two moments with fewer new
 * tasks than a cycle, only the pids after the first moment's last one, up
 * to the second's, can have been.
 */
#ifndef FINIT_PIDCLOCK_H
#define FINIT_PIDCLOCK_H

#include <stdbool.h>

struct finit_pidclock {
	long long	forks;		/* tasks ever made (/proc/stat "processes") */
	int		last_pid;	/* the last pid handed out (ns_last_pid) */
	bool		ok;		/* /proc said both */
};

/* The pid space: its size, and fewer new tasks than @cycle reuse no pid (0: any may). */
struct finit_pidspace {
	int		pid_max;
	long long	cycle;
};

/* finit_pidclock_read - the clock now (ok false if /proc cannot say) */
void finit_pidclock_read(struct finit_pidclock *c);

/* finit_pidclock_space - the pid space now (pid_max, less a margin for the wrap to 300) */
void finit_pidclock_space(struct finit_pidspace *sp);

/*
 * finit_pidclock_handed_out - @tid may have been handed out between @from
 * and @to: it lies after @from's last pid and up to @to's, or the clocks
 * cannot tell (either unread, or a cycle of new tasks between them)
 */
bool finit_pidclock_handed_out(const struct finit_pidspace *sp, int tid,
			       const struct finit_pidclock *from, const struct finit_pidclock *to);

#endif
