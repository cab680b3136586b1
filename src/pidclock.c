// SPDX-License-Identifier: MIT
/*
 * pidclock.c - the kernel's pid allocator at a moment, and whether a pid
 * may have been handed out between two moments.
 */
#include "pidclock.h"
#include "procfs.h"

#define PID_WRAP	300	/* RESERVED_PIDS: pids wrap to here */
#define PID_MARGIN	1024	/* fewer than a cycle by this, to be safe */

void finit_pidclock_read(struct finit_pidclock *c)
{
	c->ok = !finit_procfs_pid_clock(&c->forks, &c->last_pid);
}

void finit_pidclock_space(struct finit_pidspace *sp)
{
	sp->pid_max = finit_procfs_pid_max();
	sp->cycle = sp->pid_max > 4096 ? sp->pid_max - PID_WRAP - PID_MARGIN : 0;
}

/* cyclic - @d as a distance forward in the pid space */
static long long cyclic(const struct finit_pidspace *sp, long long d)
{
	return ((d % sp->pid_max) + sp->pid_max) % sp->pid_max;
}

bool finit_pidclock_handed_out(const struct finit_pidspace *sp, int tid,
			       const struct finit_pidclock *from, const struct finit_pidclock *to)
{
	long long d, w;

	if (!from->ok || !to->ok || sp->cycle <= 0 || to->forks - from->forks >= sp->cycle)
		return true;
	d = cyclic(sp, (long long)tid - from->last_pid);
	w = cyclic(sp, (long long)to->last_pid - from->last_pid);
	return d > 0 && d <= w;
}
