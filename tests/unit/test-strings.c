// SPDX-License-Identifier: MIT
/*
 * test-strings.c - the user string in every form: the 6.19+ native field
 * (truncated too), our eprobe's ustring and its "(fault)", module_load and
 * module_free names; the tier fallback rules; /proc readers; SHA-256 and
 * container ids.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "context.h"
#include "correlate.h"
#include "decoder.h"
#include "sha256.h"
#include "event.h"
#include "tiers.h"
#include "unit.h"

#include <tracefs.h>

static void put(unsigned char *p, unsigned long long v, int len)
{
	for (int i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* data_loc - a __data_loc field at @at pointing to @str stored at @off */
static int data_loc(unsigned char *d, int at, int off, const char *str)
{
	int len = (int)strlen(str) + 1;

	put(d + at, (unsigned int)(len << 16 | off), 4);
	memcpy(d + off, str, len);
	return off + len;
}

/* decode_one - decode @d with the formats @fmts; the decoder stays alive in *dec */
static int decode_one(const char *const *fmts, const char *group, unsigned char *d, int size,
		      struct finit_record *r, struct tep_handle **tep, struct finit_decoder **dec)
{
	struct tep_record rec = { .ts = 7, .data = d, .size = size };

	*tep = unit_tep(NULL, fmts);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*tep);
	*dec = finit_decoder_alloc(*tep, finit_decoder_sysnr("x86_64"), group);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*dec);
	return finit_decoder_decode(*dec, &rec, r);
}

static void done(struct tep_handle *tep, struct finit_decoder *dec)
{
	finit_decoder_free(dec);
	tep_free(tep);
}

static const char *const deb72[] = {
	"debian-7.2.13-amd64/syscalls.sys_enter_finit_module.format",
	"debian-7.2.13-amd64/syscalls.sys_enter_delete_module.format",
	"debian-7.2.13-amd64/syscalls.sys_enter_init_module.format",
	"debian-7.2.13-amd64/module.module_free.format",
	"debian-7.2.13-amd64/module.module_load.format",
	NULL,
};

/* Tier 1: the 7.2 sys_enter_finit_module carries __uargs_val at 40. */
static void test_native_uargs(void)
{
	unsigned char d[256] = { 0 };
	struct finit_record r;
	struct tep_handle *tep;
	struct finit_decoder *dec;
	int size;

	put(d, 387, 2);
	put(d + 4, 31, 4);
	put(d + 16, 3, 8);
	put(d + 24, 0x7ffd0000, 8);
	put(d + 32, 0, 8);
	size = data_loc(d, 40, 44, "max_loop=4 max_part=2");
	CU_ASSERT_EQUAL_FATAL(decode_one(deb72, NULL, d, size, &r, &tep, &dec), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_ENTER);
	CU_ASSERT_EQUAL(r.args[0], 3);
	CU_ASSERT_EQUAL(r.args[1], 0x7ffd0000);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_OK);
	CU_ASSERT_STRING_EQUAL(r.str, "max_loop=4 max_part=2");
	done(tep, dec);
}

/* The native field cut at syscall_user_buf_size ends in "...". */
static void test_native_truncated(void)
{
	unsigned char d[256] = { 0 };
	char cut[80];
	struct finit_record r;
	struct tep_handle *tep;
	struct finit_decoder *dec;
	int size;

	memset(cut, 'a', 60);
	strcpy(cut + 60, "...");		/* 63 characters: the default size */
	put(d, 387, 2);
	size = data_loc(d, 40, 44, cut);
	CU_ASSERT_EQUAL_FATAL(decode_one(deb72, NULL, d, size, &r, &tep, &dec), 1);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_TRUNCATED);
	/* a short string that happens to end in dots is not cut */
	size = data_loc(d, 40, 44, "wait...");
	struct tep_record rec = { .data = d, .size = size };
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_OK);
	/* with a larger buffer size, 63 characters are whole */
	finit_decoder_set_user_buf_size(dec, 165);
	size = data_loc(d, 40, 44, cut);
	rec.size = size;
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_OK);
	/* a string pointing outside the record is not read: the kernel's copy failed */
	put(d + 40, 200u << 16 | 44, 4);
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_FAULT);
	CU_ASSERT_PTR_NULL(r.str);
	done(tep, dec);
}

/* delete_module's name (7.2 native), 0x880 flags; init_module's params */
static void test_native_delete_init(void)
{
	unsigned char d[256] = { 0 };
	struct finit_record r;
	struct tep_handle *tep;
	struct finit_decoder *dec;
	struct tep_record rec = { .data = d };

	put(d, 391, 2);
	put(d + 16, 0x7ffe0000, 8);
	put(d + 24, 0x880, 8);
	rec.size = data_loc(d, 32, 36, "dummy");
	CU_ASSERT_EQUAL_FATAL(decode_one(deb72, NULL, d, rec.size, &r, &tep, &dec), 1);
	CU_ASSERT_EQUAL(r.sys, FINIT_SYS_DELETE_MODULE);
	CU_ASSERT_EQUAL(r.args[0], 0x7ffe0000);
	CU_ASSERT_EQUAL(r.args[1], 0x880);
	CU_ASSERT_STRING_EQUAL(r.str, "dummy");
	memset(d, 0, sizeof(d));
	put(d, 389, 2);
	put(d + 16, 0x7f0000001000ULL, 8);
	put(d + 24, 12345, 8);
	put(d + 32, 0x7ffe0010, 8);
	rec.size = data_loc(d, 40, 44, "");
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.sys, FINIT_SYS_INIT_MODULE);
	CU_ASSERT_EQUAL(r.args[1], 12345);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_OK);
	CU_ASSERT_STRING_EQUAL(r.str, "");
	done(tep, dec);
}

/* module_load (taints E) and module_free names */
static void test_module_events(void)
{
	unsigned char d[128] = { 0 };
	struct finit_record r;
	struct tep_handle *tep;
	struct finit_decoder *dec;
	struct tep_record rec = { .data = d };

	put(d, 396, 2);
	put(d + 4, 55, 4);
	put(d + 8, 1u << 13, 4);
	rec.size = data_loc(d, 12, 16, "loop");
	CU_ASSERT_EQUAL_FATAL(decode_one(deb72, NULL, d, rec.size, &r, &tep, &dec), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_MODULE_LOAD);
	CU_ASSERT_EQUAL(r.tid, 55);
	CU_ASSERT_EQUAL(r.taints, 1u << 13);
	CU_ASSERT_STRING_EQUAL(r.str, "loop");
	memset(d, 0, sizeof(d));
	put(d, 395, 2);
	rec.size = data_loc(d, 8, 12, "loop");
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_MODULE_FREE);
	CU_ASSERT_STRING_EQUAL(r.str, "loop");
	done(tep, dec);
}

static const char *const eprobe[] = {
	"handwritten/finit_ftrace_1.finit_module.format", NULL,
};

/* our probes' $comm: the caller's name as the kernel had it at the call */
static void test_probe_comm(void)
{
	static const char *const with_comm[] = {
		"handwritten/finit_ftrace_2.finit_module.format", NULL,
	};
	unsigned char d[128] = { 0 };
	struct finit_record r;
	struct tep_handle *tep;
	struct finit_decoder *dec;
	int size;

	put(d, 2002, 2);
	put(d + 8, 3, 8);
	put(d + 16, 0x7ffc1000, 8);
	put(d + 28, 0, 8);
	size = data_loc(d, 24, 40, "p=1");
	size = data_loc(d, 36, size, "insmod");
	CU_ASSERT_EQUAL_FATAL(decode_one(with_comm, "finit_ftrace_2", d, size, &r, &tep, &dec), 1);
	CU_ASSERT_STRING_EQUAL(r.str, "p=1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.comm);
	CU_ASSERT_STRING_EQUAL(r.comm, "insmod");
	done(tep, dec);
	/* the older layout without it: no comm, the tables say */
	put(d, 2001, 2);
	CU_ASSERT_EQUAL_FATAL(decode_one(eprobe, "finit_ftrace_1", d, size, &r, &tep, &dec), 1);
	CU_ASSERT_PTR_NULL(r.comm);
	done(tep, dec);
}

/* Tier 2: our eprobe's fields, and "(fault)" when the page was not resident */
static void test_eprobe_and_fault(void)
{
	unsigned char d[128] = { 0 };
	struct finit_record r;
	struct tep_handle *tep;
	struct finit_decoder *dec;
	struct tep_record rec = { .data = d };

	put(d, 2001, 2);
	put(d + 8, 0xffffffffffffffffULL, 8);
	put(d + 16, 0x7ffc1000, 8);
	put(d + 28, 4, 8);
	rec.size = data_loc(d, 24, 36, "p=1");
	/* the group must be ours: a finit_module event of another system is not */
	tep = unit_tep(NULL, eprobe);
	CU_ASSERT_PTR_NULL(finit_decoder_alloc(tep, NULL, "finit_ftrace_2"));
	tep_free(tep);
	CU_ASSERT_EQUAL_FATAL(decode_one(eprobe, "finit_ftrace_1", d, rec.size, &r, &tep, &dec), 1);
	CU_ASSERT_EQUAL((long long)r.args[0], -1);
	CU_ASSERT_EQUAL(r.args[1], 0x7ffc1000);
	CU_ASSERT_EQUAL(r.args[2], 4);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_OK);
	CU_ASSERT_STRING_EQUAL(r.str, "p=1");
	rec.size = data_loc(d, 24, 36, "(fault)");
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_FAULT);
	/*
	 * a probe's zero-length data_loc is a failed read (some kernels store
	 * "" so too): never "" with origin kernel; "" itself is 1 byte, the NUL
	 */
	put(d + 24, 36, 4);
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_FAULT);
	CU_ASSERT_PTR_NULL(r.str);
	rec.size = data_loc(d, 24, 36, "");
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &rec, &r), 1);
	CU_ASSERT_EQUAL(r.str_state, FINIT_STR_OK);
	CU_ASSERT_STRING_EQUAL(r.str, "");
	done(tep, dec);
}

/*
 * 7.2 has the native field and eprobes: the native enter stays the enter,
 * our eprobe on it brings the exact string, which replaces the native
 * copy ('.' for control bytes here) of the call in flight
 */
static void test_native_with_exact_eprobe(void)
{
	static const char *const both[] = {
		"debian-7.2.13-amd64/syscalls.sys_enter_finit_module.format",
		"handwritten/finit_ftrace_1.finit_module.format", NULL,
	};
	unsigned char nat[256] = { 0 }, ep[128] = { 0 };
	struct tep_record rn = { .data = nat }, re = { .data = ep };
	struct finit_record r;
	struct finit_event ev;
	struct tep_handle *tep = unit_tep(NULL, both);
	struct finit_decoder *dec;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tep);
	dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), "finit_ftrace_1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
	put(nat, 387, 2);
	put(nat + 4, 31, 4);
	put(nat + 16, 3, 8);
	put(nat + 24, 0x7ffd0000, 8);
	rn.size = data_loc(nat, 40, 44, "a=.. b=x");
	put(ep, 2001, 2);
	put(ep + 4, 31, 4);
	put(ep + 8, 3, 8);
	put(ep + 16, 0x7ffd0000, 8);
	re.size = data_loc(ep, 24, 36, "a=\001\002 b=x");
	CU_ASSERT_EQUAL_FATAL(finit_decoder_decode(dec, &rn, &r), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_ENTER);
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, false);
	CU_ASSERT_STRING_EQUAL(ev.param_values, "a=.. b=x");
	CU_ASSERT_EQUAL_FATAL(finit_decoder_decode(dec, &re, &r), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_STRING);
	finit_context_exact(&ev, &r);
	CU_ASSERT_STRING_EQUAL(ev.param_values, "a=\001\002 b=x");
	CU_ASSERT_EQUAL(ev.origin_str, FINIT_ORIGIN_KERNEL);
	CU_ASSERT(!ev.truncated);
	/* a faulted eprobe read leaves the native copy; no call: nothing */
	re.size = data_loc(ep, 24, 36, "(fault)");
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &re, &r), 1);
	finit_context_exact(&ev, &r);
	CU_ASSERT_STRING_EQUAL(ev.param_values, "a=\001\002 b=x");
	finit_context_exact(NULL, &r);
	finit_event_release(&ev);
	done(tep, dec);
	/* without the native enter, the eprobe is the enter (tier 2) */
	tep = unit_tep(NULL, both + 1);
	dec = finit_decoder_alloc(tep, finit_decoder_sysnr("x86_64"), "finit_ftrace_1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
	re.size = data_loc(ep, 24, 36, "p=1");
	CU_ASSERT_EQUAL(finit_decoder_decode(dec, &re, &r), 1);
	CU_ASSERT_EQUAL(r.kind, FINIT_REC_ENTER);
	done(tep, dec);
}

/* The fallback rules: kernel copy, /proc when live, reasons otherwise */
static void test_string_rules(void)
{
	static char mine[] = "resident=1 in=this_process";
	struct finit_record r = { .kind = FINIT_REC_ENTER, .sys = FINIT_SYS_FINIT_MODULE,
				  .tid = getpid(),
				  .args = { 0, (unsigned long long)(uintptr_t)mine, 0 } };
	struct finit_event ev;

	r.str_state = FINIT_STR_OK;
	r.str = "from=kernel";
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, true);
	CU_ASSERT_STRING_EQUAL(ev.param_values, "from=kernel");
	CU_ASSERT_EQUAL(ev.origin_str, FINIT_ORIGIN_KERNEL);
	finit_event_release(&ev);

	/* faulted in the kernel: /proc/PID/mem while live */
	r.str_state = FINIT_STR_FAULT;
	r.str = "(fault)";
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, true);
	CU_ASSERT_STRING_EQUAL(ev.param_values, mine);
	CU_ASSERT_EQUAL(ev.origin_str, FINIT_ORIGIN_PROCFS);
	finit_event_release(&ev);
	/* ... and offline it stays null, saying why */
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, false);
	CU_ASSERT_PTR_NULL(ev.param_values);
	CU_ASSERT_EQUAL(ev.origin_str, FINIT_ORIGIN_FAULT);
	finit_event_release(&ev);
	r.str_state = FINIT_STR_NONE;
	r.str = NULL;
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, false);
	CU_ASSERT_PTR_NULL(ev.param_values);
	CU_ASSERT_EQUAL(ev.origin_str, FINIT_ORIGIN_OFFLINE);
	finit_event_release(&ev);

	/* cut by the kernel: the whole string from /proc when it matches */
	r.str_state = FINIT_STR_TRUNCATED;
	r.str = "resident=1...";
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, true);
	CU_ASSERT_STRING_EQUAL(ev.param_values, mine);
	CU_ASSERT_FALSE(ev.truncated);
	finit_event_release(&ev);
	/* ... and the kernel's prefix, marked, when /proc has something else */
	r.str = "other=2...";
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, true);
	CU_ASSERT_STRING_EQUAL(ev.param_values, "other=2...");
	CU_ASSERT_TRUE(ev.truncated);
	CU_ASSERT_EQUAL(ev.origin_str, FINIT_ORIGIN_KERNEL);
	finit_event_release(&ev);

	/* delete_module's string is the module name */
	r.sys = FINIT_SYS_DELETE_MODULE;
	r.args[0] = r.args[1];
	r.str_state = FINIT_STR_OK;
	r.str = "dummy";
	finit_event_init(&ev, &r, 0);
	finit_context_strings(&ev, &r, true);
	CU_ASSERT_PTR_NULL(ev.param_values);
	CU_ASSERT_STRING_EQUAL(ev.module, "dummy");
	CU_ASSERT_EQUAL(ev.origin_module, FINIT_ORIGIN_KERNEL);
	finit_event_release(&ev);
}

/* module_load joins the open load call of its tid, not others */
static int keep(const struct finit_event *ev, void *arg)
{
	struct finit_event *out = arg;

	*out = *ev;
	out->module = ev->module ? strdup(ev->module) : NULL;
	out->param_values = out->path = out->sha256 = NULL;
	out->proc.exe = out->proc.cgroup = out->proc.container_id = NULL;
	return 0;
}

static void test_module_join(void)
{
	struct finit_event got = { 0 }, ev = { .sys = FINIT_SYS_FINIT_MODULE, .tid = 9 };
	struct finit_correlator *c = finit_correlate_alloc(4, keep, &got);
	struct finit_record other = { .kind = FINIT_REC_MODULE_LOAD, .tid = 10, .str = "x" };
	struct finit_record load = { .kind = FINIT_REC_MODULE_LOAD, .tid = 9, .str = "loop",
				     .taints = 1u << 12 };
	struct finit_record ex = { .kind = FINIT_REC_EXIT, .sys = FINIT_SYS_FINIT_MODULE,
				   .tid = 9, .ret = 0 };

	finit_correlate_enter(c, &ev);
	finit_correlate_module(c, &other);
	finit_correlate_module(c, &load);
	finit_correlate_exit(c, &ex);
	CU_ASSERT_STRING_EQUAL_FATAL(got.module, "loop");
	CU_ASSERT_EQUAL(got.origin_module, FINIT_ORIGIN_KERNEL);
	CU_ASSERT_TRUE(got.has_taints);
	CU_ASSERT_EQUAL(got.taints, 1u << 12);
	free(got.module);
	finit_correlate_free(c);
}

static void test_procfs_readers(void)
{
	static char big[FINIT_PROCFS_STR_MAX + 10];
	bool cut;
	char *s, *p;
	int fd = open("configs/finit-ftrace.ini", O_RDONLY);

	CU_ASSERT_FATAL(fd >= 0);
	p = finit_procfs_fd_path(getpid(), fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "/configs/finit-ftrace.ini"));
	free(p);
	CU_ASSERT_PTR_NULL(finit_procfs_fd_path(getpid(), 100000));
	close(fd);
	memset(big, 'x', sizeof(big) - 1);
	s = finit_procfs_string(getpid(), (unsigned long long)(uintptr_t)big, &cut);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(cut);
	CU_ASSERT_EQUAL(strlen(s), FINIT_PROCFS_STR_MAX);
	free(s);
	CU_ASSERT_PTR_NULL(finit_procfs_string(getpid(), 0, &cut));
	CU_ASSERT_PTR_NULL(finit_procfs_string(getpid(), 8, &cut));	/* unmapped */
}

static void test_sha256(void)
{
	static char million[1000000];
	char hex[65];

	CU_ASSERT_EQUAL(finit_sha256_buf("", 0, hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CU_ASSERT_EQUAL(finit_sha256_buf("abc", 3, hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CU_ASSERT_EQUAL(finit_sha256_buf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
					 56, hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a' through a file descriptor, read in blocks */
	memset(million, 'a', sizeof(million));
	FILE *f = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(million, 1, sizeof(million), f), sizeof(million));
	fflush(f);
	lseek(fileno(f), 0, SEEK_SET);
	CU_ASSERT_EQUAL(finit_sha256_fd(fileno(f), hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	fclose(f);
	/* a read error is an error, not the hash of what came before it */
	CU_ASSERT_EQUAL(finit_sha256_fd(-1, hex), -1);
}

static void test_container_id(void)
{
	static const char id[] = "4f3ad2c3b2e74f9a8d1c0b9a8f7e6d5c4b3a29180706f5e4d3c2b1a098f7e6d5";
	static const char *const forms[] = {
		"/system.slice/docker-%s.scope",
		"/docker/%s",
		"/kubepods.slice/kubepods-besteffort.slice/cri-containerd-%s.scope",
		"/kubepods/burstable/pod1234/%s",
		"/machine.slice/libpod-%s.scope/container",
		"/kubepods.slice/crio-%s.scope",
	};
	char path[256], *got;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(path, sizeof(path), forms[i], id);
		got = finit_procfs_container_id(path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_STRING_EQUAL(got, id);
		free(got);
	}
	CU_ASSERT_PTR_NULL(finit_procfs_container_id("/user.slice/user-0.slice/session-3.scope"));
	CU_ASSERT_PTR_NULL(finit_procfs_container_id(NULL));
	/* 65 hex digits are not an id */
	snprintf(path, sizeof(path), "/docker/%sa", id);
	CU_ASSERT_PTR_NULL(finit_procfs_container_id(path));
}

/* dyn_info - the address/target and fetch args of a dynamic event */
static void dyn_check(enum finit_probe_kind kind, const char *machine, int sys,
		      const char *want_addr, const char *want_format)
{
	struct tracefs_dynevent *d = finit_tiers_alloc(kind, "finit_ftrace_9", machine, sys);
	char *system = NULL, *event = NULL, *prefix = NULL, *addr = NULL, *format = NULL;
	char name[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	tracefs_dynevent_info(d, &system, &event, &prefix, &addr, &format);
	finit_tiers_event_name(kind, sys, name, sizeof(name));
	CU_ASSERT_STRING_EQUAL(system, "finit_ftrace_9");
	CU_ASSERT_STRING_EQUAL(event, name);
	CU_ASSERT_STRING_EQUAL(addr, want_addr);
	CU_ASSERT_STRING_EQUAL(format, want_format);
	free(system);
	free(event);
	free(prefix);
	free(addr);
	free(format);
	tracefs_dynevent_free(d);
}

/* Tiers 2 and 3: the probes we would create, per syscall and arch */
static void test_dynevent_definitions(void)
{
	dyn_check(FINIT_PROBE_EPROBE, "x86_64", FINIT_SYS_FINIT_MODULE,
		  "syscalls.sys_enter_finit_module",
		  "fd=$fd uargs=$uargs params=+0($uargs):ustring flags=$flags caller=$comm:string");
	dyn_check(FINIT_PROBE_EPROBE, "x86_64", FINIT_SYS_DELETE_MODULE,
		  "syscalls.sys_enter_delete_module",
		  "name_user=$name_user name=+0($name_user):ustring flags=$flags "
		  "caller=$comm:string");
	/* x86_64 pt_regs: di at 112, si at 104, dx at 96 */
	dyn_check(FINIT_PROBE_KPROBE, "x86_64", FINIT_SYS_FINIT_MODULE,
		  "__x64_sys_finit_module",
		  "fd=+112(%di):u64 uargs=+104(%di):u64 params=+0(+104(%di)):ustring "
		  "flags=+96(%di):u64 caller=$comm:string");
	dyn_check(FINIT_PROBE_KPROBE, "x86_64", FINIT_SYS_INIT_MODULE,
		  "__x64_sys_init_module",
		  "umod=+112(%di):u64 len=+104(%di):u64 uargs=+96(%di):u64 "
		  "params=+0(+96(%di)):ustring caller=$comm:string");
	dyn_check(FINIT_PROBE_KPROBE, "aarch64", FINIT_SYS_DELETE_MODULE,
		  "__arm64_sys_delete_module",
		  "name_user=+0(%x0):u64 name=+0(+0(%x0)):ustring flags=+8(%x0):u64 "
		  "caller=$comm:string");
	/* ia32 entry points: ebx, ecx, edx in pt_regs' bx (40), cx (88), dx (96) */
	dyn_check(FINIT_PROBE_COMPAT, "x86_64", FINIT_SYS_FINIT_MODULE,
		  "__ia32_sys_finit_module",
		  "fd=+40(%di):u64 uargs=+88(%di):u64 params=+0(+88(%di)):ustring "
		  "flags=+96(%di):u64 caller=$comm:string");
	dyn_check(FINIT_PROBE_COMPAT, "x86_64", FINIT_SYS_DELETE_MODULE,
		  "__ia32_sys_delete_module",
		  "name_user=+40(%di):u64 name=+0(+40(%di)):ustring flags=+88(%di):u64 "
		  "caller=$comm:string");
	dyn_check(FINIT_PROBE_COMPAT_RET, "x86_64", FINIT_SYS_INIT_MODULE,
		  "__ia32_sys_init_module", "ret=$retval:s64");
	/* arm64's 32-bit callers go through the same wrappers: no kind of its own */
	CU_ASSERT_PTR_NULL(finit_tiers_alloc(FINIT_PROBE_COMPAT, "g", "aarch64",
						FINIT_SYS_FINIT_MODULE));
	CU_ASSERT_PTR_NULL(finit_tiers_alloc(FINIT_PROBE_KPROBE, "g", "sparc64",
						FINIT_SYS_FINIT_MODULE));
}

int unit_add_strings(void)
{
	CU_pSuite s = CU_add_suite("strings", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "tier 1: __uargs_val (7.2 format)", test_native_uargs) ||
	       !CU_add_test(s, "tier 1: truncation", test_native_truncated) ||
	       !CU_add_test(s, "tier 1: delete_module name, init_module", test_native_delete_init) ||
	       !CU_add_test(s, "module_load and module_free", test_module_events) ||
	       !CU_add_test(s, "tier 2: eprobe fields and (fault)", test_eprobe_and_fault) ||
	       !CU_add_test(s, "tiers 2 and 3: the caller's comm at the call", test_probe_comm) ||
	       !CU_add_test(s, "tier 1 with an exact eprobe beside it",
			    test_native_with_exact_eprobe) ||
	       !CU_add_test(s, "tiers 2 and 3: probe definitions", test_dynevent_definitions) ||
	       !CU_add_test(s, "fallback rules between tiers", test_string_rules) ||
	       !CU_add_test(s, "module_load joins its call", test_module_join) ||
	       !CU_add_test(s, "/proc readers", test_procfs_readers) ||
	       !CU_add_test(s, "SHA-256 (FIPS 180-4 vectors)", test_sha256) ||
	       !CU_add_test(s, "container ids from cgroup paths", test_container_id);
}
