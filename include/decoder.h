/* SPDX-License-Identifier: MIT */
/*
 * decoder.h - the decoder: one tep_record in, one normalized finit_record out.
 * Live streaming and offline reading both go through it.
 */
#ifndef FINIT_DECODER_H
#define FINIT_DECODER_H

#include <stdbool.h>
#include <stddef.h>

#include "finit.h"

struct tep_handle;
struct tep_record;
struct finit_decoder;

/* Syscall numbers of one architecture, native and 32-bit compat (-1: none). */
struct finit_sysnr {
	const char	*machine;	/* uname -m */
	int		nr[FINIT_SYS_NR];
	int		compat_nr[FINIT_SYS_NR];
};

/* finit_decoder_sysnr - the table for @machine (uname -m), NULL if unknown */
const struct finit_sysnr *finit_decoder_sysnr(const char *machine);

/* The 6.19+ default of /sys/kernel/tracing/syscall_user_buf_size. */
#define FINIT_USER_BUF_DEFAULT	63

/*
 * finit_decoder_alloc - a decoder for the events @tep knows about: the
 * syscalls and raw_syscalls events, module:module_load/free, and our own
 * eprobe/kprobe events in system @dyn_group (may be NULL).
 * @sysnr is needed to decode raw_syscalls records (may be NULL otherwise).
 * Returns NULL if @tep holds none of the events it understands.
 */
struct finit_decoder *finit_decoder_alloc(struct tep_handle *tep,
					  const struct finit_sysnr *sysnr,
					  const char *dyn_group);

/*
 * finit_decoder_string_tier - the tier of the string records that complete
 * @sys's enters (our eprobe or kprobe beside the syscall event), 0 if none
 */
enum finit_tier finit_decoder_string_tier(const struct finit_decoder *dec, int sys);

/* finit_decoder_set_user_buf_size - the kernel's syscall_user_buf_size */
void finit_decoder_set_user_buf_size(struct finit_decoder *dec, int size);
void finit_decoder_free(struct finit_decoder *dec);

/*
 * finit_decoder_decode - decode @rec into @out.
 * Returns 1 when @rec is one of ours, 0 when it is some other event.
 */
int finit_decoder_decode(struct finit_decoder *dec, struct tep_record *rec,
			 struct finit_record *out);

/*
 * finit_decoder_set_filter - evaluate @expr (kernel filter syntax, on the
 * fields of sys_enter_finit_module) in user space on finit_module enters:
 * only those from raw_syscalls with @raw_only (live: the kernel filtered
 * the rest), all of them otherwise (offline).
 * Returns 0, or -1 with the reason in @err.
 */
int finit_decoder_set_filter(struct finit_decoder *dec, const char *expr, bool raw_only,
			     char *err, size_t errlen);

/* finit_decoder_match - 1 if @r passes the user-space filter (or there is none) */
int finit_decoder_match(struct finit_decoder *dec, const struct finit_record *r);

#endif
