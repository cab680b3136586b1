// SPDX-License-Identifier: MIT
/*
 * test-salvage.c - a recovery directory built by hand, as record leaves it
 * after a kill: assembled into a trace.dat of the version its meta names (7
 * with zstd, or 6; a partial sub-buffer at the end of a CPU's data left
 * out), and damaged ones refused with the file named.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dat.h"
#include "recovery.h"
#include "salvage.h"
#include "unit.h"

#define HOST	FIXTURES "/host-6.18-no-modules/"
#define PAGE	4096

/* put - @dir/@name with @len bytes of @data */
static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* copy - a fixture into the directory */
static void copy(const char *dir, const char *name, const char *fixture)
{
	size_t len = 0;
	char *text = unit_read(fixture, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	put(dir, name, text, len);
	free(text);
}

/* make_dir - what record writes at its start, and 2.5 sub-buffers of cpu0 */
static char *make_dir(const char *meta_extra)
{
	static char dir[] = "/tmp/finit-unit-salvage.XXXXXX";
	char meta[512], *page = calloc(1, PAGE * 3);

	strcpy(dir + strlen(dir) - 6, "XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(meta, sizeof(meta), "version=1\npid=999999\noutput=%s/out.dat\npage_size=%d\n"
		 "ncpus=2\nclock_offset_ns=42\nuname=Linux 6.18 #1 x86_64\n"
		 "event=raw_syscalls:sys_enter\nevent=raw_syscalls:sys_exit\n%s", dir, PAGE,
		 meta_extra);
	put(dir, "meta", meta, strlen(meta));
	copy(dir, "header_page", HOST "header_page");
	copy(dir, "header_event", HOST "header_event");
	copy(dir, "format.0", HOST "raw_syscalls.sys_enter.format");
	copy(dir, "format.1", HOST "raw_syscalls.sys_exit.format");
	put(dir, "trace_clock", "[boot] local\n", 13);
	put(dir, "cmdlines", "7 seven\n", 8);
	put(dir, "cpu0", page, PAGE * 2 + PAGE / 2);	/* a kill cut the third short */
	free(page);
	return dir;
}

/* v7_cpu0 - cpu0's data in @path (v7, zstd): chunks and the bytes they decompress to */
static void v7_cpu0(const char *path, const struct finit_dat_info *di, uint32_t *chunks,
		    uint32_t *size)
{
	uint32_t zr[2] = { 0, 0 };
	FILE *f = fopen(path, "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fseek(f, (long)di->cpu_off[0], SEEK_SET), 0);
	CU_ASSERT_EQUAL(fread(chunks, 4, 1, f), 1);
	CU_ASSERT_EQUAL(fread(zr, 4, 2, f), 2);
	*size = zr[1];
	fclose(f);
}

/* assemble - a directory whose meta ends with @extra gives a file of @version */
static void assemble(const char *extra, int version)
{
	struct finit_salvage_info info;
	struct finit_dat_info di;
	char *dir = make_dir(extra), out[600], err[1024];
	uint32_t chunks = 0, size = 0;

	CU_ASSERT(finit_salvage_is_dir(dir));
	CU_ASSERT_EQUAL_FATAL(finit_salvage_assemble(dir, NULL, &info, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(info.pid, 999999);
	CU_ASSERT_EQUAL(info.ncpus, 2);
	CU_ASSERT_EQUAL(info.dat_version, version);
	CU_ASSERT_EQUAL(info.cpu_bytes[0], 2 * PAGE);
	CU_ASSERT_EQUAL(info.cpu_bytes[1], 0);
	snprintf(out, sizeof(out), "%s/out.dat", dir);
	CU_ASSERT_STRING_EQUAL(info.output, out);
	finit_salvage_info_free(&info);
	CU_ASSERT_EQUAL_FATAL(finit_dat_read_info(out, &di, err, sizeof(err)), 0);
	CU_ASSERT(finit_dat_own(&di));
	CU_ASSERT_EQUAL(di.version, version);
	CU_ASSERT_EQUAL(di.zstd, version == 7);
	CU_ASSERT_EQUAL(di.ncpus, 2);
	CU_ASSERT_EQUAL(di.page_size, PAGE);
	CU_ASSERT_EQUAL(di.cpu_size[1], 0);
	if (version == 6) {
		CU_ASSERT_EQUAL(di.cpu_size[0], 2 * PAGE);
	} else {
		/* the two whole sub-buffers, in one chunk: not the cut third */
		v7_cpu0(out, &di, &chunks, &size);
		CU_ASSERT_EQUAL(chunks, 1);
		CU_ASSERT_EQUAL(size, 2 * PAGE);
	}
	CU_ASSERT_EQUAL(di.clock_offset_ns, 42);
	CU_ASSERT_STRING_EQUAL(di.machine, "x86_64");
	finit_dat_info_free(&di);
	unlink(out);
	/* only our files go: a stranger's keeps the directory */
	put(dir, "notes.txt", "x", 1);
	CU_ASSERT_EQUAL(finit_recovery_remove(dir), -1);
	snprintf(out, sizeof(out), "%s/notes.txt", dir);
	CU_ASSERT_EQUAL(unlink(out), 0);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* the version meta names (record's choice); none: a directory from before v7 */
static void test_assemble(void)
{
	assemble("dat_version=7\n", 7);
	assemble("dat_version=6\n", 6);
	assemble("", 6);
}

static void test_damaged(void)
{
	struct finit_salvage_info info;
	char *dir, err[1024], path[600];

	/* a value out of range */
	dir = make_dir("page_size=0\n");
	CU_ASSERT_FALSE(finit_salvage_is_dir(dir));
	CU_ASSERT_EQUAL(finit_salvage_assemble(dir, NULL, &info, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/meta: damaged"));
	finit_salvage_info_free(&info);
	CU_ASSERT_EQUAL(finit_recovery_remove(dir), 0);
	/* a trace.dat version we do not write */
	dir = make_dir("dat_version=5\n");
	CU_ASSERT_FALSE(finit_salvage_is_dir(dir));
	CU_ASSERT_EQUAL(finit_recovery_remove(dir), 0);
	/* a format missing: named */
	dir = make_dir("");
	snprintf(path, sizeof(path), "%s/format.1", dir);
	unlink(path);
	CU_ASSERT_EQUAL(finit_salvage_assemble(dir, NULL, &info, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "format.1: missing"));
	finit_salvage_info_free(&info);
	snprintf(path, sizeof(path), "%s/out.dat", dir);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);	/* nothing half written */
	CU_ASSERT_EQUAL(finit_recovery_remove(dir), 0);
	/* one that others may change: its meta would name what root writes */
	dir = make_dir("");
	CU_ASSERT_EQUAL(chmod(dir, 0777), 0);
	CU_ASSERT_EQUAL(finit_salvage_assemble(dir, NULL, &info, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "writable by others: refused"));
	finit_salvage_info_free(&info);
	CU_ASSERT_EQUAL(chmod(dir, 0700), 0);
	CU_ASSERT_EQUAL(finit_recovery_remove(dir), 0);
	/* not ours at all */
	CU_ASSERT_FALSE(finit_salvage_is_dir("/tmp"));
}

int unit_add_salvage(void)
{
	CU_pSuite s = CU_add_suite("salvage", NULL, NULL);

	return !s || !CU_add_test(s, "assemble a killed recording's directory", test_assemble) ||
	       !CU_add_test(s, "damaged directories are refused", test_damaged) ? -1 : 0;
}
