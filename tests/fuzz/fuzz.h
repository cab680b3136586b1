/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the trace.dat targets share: the pipeline's events go
 * nowhere, and each record goes down the pipeline.
 */
#ifndef FINIT_FUZZ_H
#define FINIT_FUZZ_H

#include "pipeline.h"

/* fuzz_drop - the pipeline's output goes nowhere */
static inline int fuzz_drop(const struct finit_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	return 0;
}

/* fuzz_record - every record down the pipeline @arg */
static inline int fuzz_record(struct tep_record *rec, void *arg)
{
	return finit_pipeline_record(arg, rec) < 0 ? -1 : 0;
}

#endif
