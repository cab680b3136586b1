/* SPDX-License-Identifier: MIT */
/*
 * dat7-read.h - read the header of a trace.dat version 7: the compression,
 * every OPTIONS section, the top buffer's CPU table, our saved_tgids
 * section; and the options both versions share.
 */
#ifndef FINIT_DAT7_READ_H
#define FINIT_DAT7_READ_H

#include <stddef.h>
#include <stdint.h>

#include "dat.h"

/*
 * finit_dat7_read_info - the header of the v7 file @path open as @fd
 * (@size bytes), from offset @at (just after the version string), into
 * @info. Every section it reads must lie in the file, and in a file of ours
 * every section and CPU's data. Returns 0, or -1 with "file: what, at
 * offset N" in @err.
 */
int finit_dat7_read_info(int fd, long long size, long long at, const char *path,
			 struct finit_dat_info *info, char *err, size_t errlen);

/*
 * finit_dat7_read_option - one option (@data holds @size bytes and a NUL
 * after them) into @info, by @info->version's rules. Returns 0, or -1 with
 * what is wrong with it in @err.
 */
int finit_dat7_read_option(struct finit_dat_info *info, uint16_t id, const char *data,
			   uint32_t size, char *err, size_t errlen);

#endif
