// SPDX-License-Identifier: MIT
/*
 * fuzz-filter.c - libFuzzer target: any string as a filter expression,
 * through our own parser and compiler (userfilter.c, filter.c: length and
 * depth limits included) and, when it compiles, our evaluator on one
 * finit_module record. libtraceevent's filter engine is not used.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "userfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct finit_userfilter *f = finit_userfilter_alloc(finit_decoder_sysnr("x86_64"));
	struct finit_record r = { .kind = FINIT_REC_ENTER, .sys = FINIT_SYS_FINIT_MODULE,
				  .raw = true, .tid = 42, .args = { 3, 0x7ffd0000, 4 } };
	char *expr = malloc(size + 1), err[512];

	if (!f || !expr)
		abort();
	memcpy(expr, data, size);
	expr[size] = '\0';
	if (finit_userfilter_set(f, expr, false, err, sizeof(err)) == 0)
		finit_userfilter_match(f, &r);
	free(expr);
	finit_userfilter_free(f);
	return 0;
}
