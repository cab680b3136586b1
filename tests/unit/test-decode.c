// SPDX-License-Identifier: MIT
/*
 * test-decode.c - the decoder on real format files (Debian 6.1 syscalls
 * events, the 6.18 host's raw_syscalls) with hand-built records.
 */
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "decoder.h"
#include "event.h"
#include "unit.h"

static const char *const deb61[] = {
	"debian-6.1.0-amd64/syscalls.sys_enter_finit_module.format",
	"debian-6.1.0-amd64/syscalls.sys_exit_finit_module.format",
	NULL,
};
static const char *const host[] = {
	"host-6.18-no-modules/raw_syscalls.sys_enter.format",
	"host-6.18-no-modules/raw_syscalls.sys_exit.format",
	NULL,
};

/* IDs from the format files */
#define ID_ENTER_FINIT	353
#define ID_EXIT_FINIT	352
#define ID_RAW_ENTER	443

static void put(unsigned char *p, unsigned long long v, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A 6.1 sys_enter_finit_module record: nr at 8, fd 16, uargs 24, flags 32. */
static void make_enter(unsigned char *d, int pid, unsigned long long fd,
		       unsigned long long uargs, unsigned long long flags)
{
	memset(d, 0, 40);
	put(d, ID_ENTER_FINIT, 2);
	put(d + 4, pid, 4);
	put(d + 8, 313, 4);
	put(d + 16, fd, 8);
	put(d + 24, uargs, 8);
	put(d + 32, flags, 8);
}

/* A raw_syscalls:sys_enter record: id at 8, args[6] from 16. */
static void make_raw_enter(unsigned char *d, int pid, long id, unsigned long long a0,
			   unsigned long long a1, unsigned long long a2)
{
	memset(d, 0, 64);
	put(d, ID_RAW_ENTER, 2);
	put(d + 4, pid, 4);
	put(d + 8, id, 8);
	put(d + 16, a0, 8);
	put(d + 24, a1, 8);
	put(d + 32, a2, 8);
	put(d + 40, 0xdead, 8);
}

static int decode(struct tep_handle *tep, unsigned char *data, int size,
		  struct finit_record *out)
{
	struct finit_decoder *dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), NULL);
	struct tep_record rec = { .ts = 1000, .cpu = 1, .data = data, .size = size };
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
	ret = finit_decoder_decode(dec, &rec, out);
	finit_decoder_free(dec);
	return ret;
}

static void test_syscalls_enter(void)
{
	struct tep_handle *tep = unit_tep(NULL, deb61);
	unsigned char d[40];
	struct finit_record r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	/* fd -1 and flags as the kernel stores them: whole registers */
	make_enter(d, 4242, 0xffffffffffffffffULL, 0x7ffd12345678ULL, 0x5);
	CU_ASSERT_EQUAL(decode(tep, d, sizeof(d), &r), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_ENTER);
	CU_ASSERT_EQUAL(r.sys, FINIT_SYS_FINIT_MODULE);
	CU_ASSERT_EQUAL(r.tid, 4242);
	CU_ASSERT_EQUAL(r.cpu, 1);
	CU_ASSERT_EQUAL(r.ts, 1000);
	CU_ASSERT_EQUAL((long long)r.args[0], -1);
	CU_ASSERT_EQUAL(r.args[1], 0x7ffd12345678ULL);
	CU_ASSERT_EQUAL(r.args[2], 5);
	CU_ASSERT_FALSE(r.compat);
	tep_free(tep);
}

static void test_syscalls_exit(void)
{
	struct tep_handle *tep = unit_tep(NULL, deb61);
	unsigned char d[24] = { 0 };
	struct finit_record r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	put(d, ID_EXIT_FINIT, 2);
	put(d + 4, 77, 4);
	put(d + 8, 313, 4);
	put(d + 16, (unsigned long long)-17LL, 8);
	CU_ASSERT_EQUAL(decode(tep, d, sizeof(d), &r), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_EXIT);
	CU_ASSERT_EQUAL(r.ret, -17);
	CU_ASSERT_EQUAL(r.tid, 77);
	tep_free(tep);
}

/* The raw path gives the same record as the syscalls path for the same call. */
static void test_raw_equals_syscalls(void)
{
	struct tep_handle *t1 = unit_tep(NULL, deb61), *t2 = unit_tep(NULL, host);
	unsigned char d1[40], d2[64];
	struct finit_record a, b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
	make_enter(d1, 99, 7, 0x7ffc00001000ULL, 0xffffffff00000004ULL);
	make_raw_enter(d2, 99, 313, 7, 0x7ffc00001000ULL, 0xffffffff00000004ULL);
	CU_ASSERT_EQUAL(decode(t1, d1, sizeof(d1), &a), 1);
	CU_ASSERT_EQUAL(decode(t2, d2, sizeof(d2), &b), 1);
	CU_ASSERT_FALSE(a.raw);
	CU_ASSERT_TRUE(b.raw);
	b.raw = false;
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	CU_ASSERT_EQUAL(b.args[2], 4);	/* int flags: upper bits are not ours */
	tep_free(t1);
	tep_free(t2);
}

static void test_raw_other_ids(void)
{
	struct tep_handle *tep = unit_tep(NULL, host);
	unsigned char d[64];
	struct finit_record r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	make_raw_enter(d, 5, 39 /* getpid */, 1, 2, 3);
	CU_ASSERT_EQUAL(decode(tep, d, sizeof(d), &r), 0);
	/* compat finit_module (350) from a 32-bit task: 32-bit arguments */
	make_raw_enter(d, 5, 350, 0xffffffffULL, 0xffd01234ULL, 2);
	CU_ASSERT_EQUAL(decode(tep, d, sizeof(d), &r), 1);
	CU_ASSERT_TRUE(r.compat);
	CU_ASSERT_EQUAL((long long)r.args[0], -1);
	CU_ASSERT_EQUAL(r.args[1], 0xffd01234ULL);
	/* 128 and 129 are rt_sigtimedwait/rt_sigqueueinfo of 64-bit tasks too:
	 * not taken for 32-bit init_module/delete_module */
	make_raw_enter(d, 5, 128, 0, 0, 0);
	CU_ASSERT_EQUAL(decode(tep, d, sizeof(d), &r), 0);
	make_raw_enter(d, 5, 129, 0, 0, 0);
	CU_ASSERT_EQUAL(decode(tep, d, sizeof(d), &r), 0);
	tep_free(tep);
}

static void test_raw_exit(void)
{
	static const char *const fmts[] = {
		"host-6.18-no-modules/raw_syscalls.sys_exit.format", NULL
	};
	struct tep_handle *tep = unit_tep(NULL, fmts);
	struct tep_event *ev;
	unsigned char d[24] = { 0 };
	struct finit_record r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	ev = tep_find_event_by_name(tep, "raw_syscalls", "sys_exit");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	put(d, ev->id, 2);
	put(d + 4, 1234, 4);
	put(d + 8, 313, 8);
	put(d + 16, (unsigned long long)-38LL, 8);
	CU_ASSERT_EQUAL(decode(tep, d, sizeof(d), &r), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_EXIT);
	CU_ASSERT_EQUAL(r.ret, -38);
	CU_ASSERT_EQUAL(r.tid, 1234);
	tep_free(tep);
}

static void test_unknown_tep(void)
{
	struct tep_handle *tep = unit_tep(NULL, host);

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	/* raw_syscalls of an architecture whose numbers we do not know: no decoder */
	CU_ASSERT_PTR_NULL(finit_decoder_alloc(tep, NULL, NULL));
	CU_ASSERT_PTR_NULL(finit_decoder_sysnr("sparc"));
	tep_free(tep);
}

static void test_event_init(void)
{
	struct finit_record r = { .kind = FINIT_REC_ENTER, .ts = 5000, .cpu = 1, .tid = 8,
				  .args = { (unsigned long long)-1LL, 0x1000, 4 } };
	struct finit_event ev;

	finit_event_init(&ev, &r, 1000000000LL);
	CU_ASSERT_EQUAL(ev.wall_ns, 1000005000LL);
	CU_ASSERT_EQUAL((long long)ev.args[0], -1);
	CU_ASSERT_EQUAL(ev.args[1], 0x1000);
	CU_ASSERT_EQUAL(ev.args[2], 4);
	CU_ASSERT_EQUAL(ev.pid, -1);
	CU_ASSERT_PTR_NULL(ev.param_values);
}

int unit_add_decode(void)
{
	CU_pSuite s = CU_add_suite("decode", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "syscalls enter (Debian 6.1 format)", test_syscalls_enter) ||
	       !CU_add_test(s, "syscalls exit", test_syscalls_exit) ||
	       !CU_add_test(s, "raw_syscalls gives the same record", test_raw_equals_syscalls) ||
	       !CU_add_test(s, "raw_syscalls other ids and compat", test_raw_other_ids) ||
	       !CU_add_test(s, "raw_syscalls exit", test_raw_exit) ||
	       !CU_add_test(s, "tep without our events", test_unknown_tep) ||
	       !CU_add_test(s, "event from enter record", test_event_init);
}
