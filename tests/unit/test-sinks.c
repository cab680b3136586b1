// SPDX-License-Identifier: MIT
/*
 * test-sinks.c - the Tracee format, the journal's fields, the sink and
 * facility names, and a sink that fails among others.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "emit.h"
#include "outputs.h"
#include "sink-journal.h"
#include "sink-syslog.h"
#include "tracee.h"
#include "unit.h"

/* event - a finit_module call with its /proc context */
static struct finit_event event(void)
{
	struct finit_event ev = {
		.sys = FINIT_SYS_FINIT_MODULE, .ts = 758225049842ULL,
		.wall_ns = 1795824000000000001LL, .cpu = 1, .tid = 8927, .pid = 8926,
		.comm = "ins\"mod", .args = { 3, 0x7ffca0fad9c2ULL, 0xfffffffc },
		.ret = -17, .param_values = (char *)"a=1\nb=\xc3\xa9",
		.module = (char *)"loop", .path = (char *)"/lib/loop.ko",
		.origin_pid = FINIT_ORIGIN_KERNEL, .origin_comm = FINIT_ORIGIN_PROCFS,
		.origin_ret = FINIT_ORIGIN_KERNEL, .origin_str = FINIT_ORIGIN_KERNEL,
		.origin_module = FINIT_ORIGIN_KERNEL, .origin_path = FINIT_ORIGIN_PROCFS,
		.origin_context = FINIT_ORIGIN_OFFLINE,
	};

	ev.proc = (struct finit_proc){
		.valid = true, .ppid = 1, .uid = 1000, .exe = (char *)"/usr/bin/kmod",
		.cgroup = (char *)"/system.slice", .ns_tgid = 12, .ns_tid = 13, .ns_ppid = 1,
		.mnt_ns = 4026531841ULL, .pid_ns = 4026531836ULL, .cgroup_id = 77,
		.start_ns = 1795824000123456789LL, .leader_start_ns = 1795823999999999999LL,
		.parent_start_ns = 1795823000000000000LL,
	};
	return ev;
}

/* MurmurHash3 x86 32-bit's published vectors, and Tracee's task ids (murmur.py) */
static void test_murmur3(void)
{
	CU_ASSERT_EQUAL(finit_tracee_murmur3((const unsigned char *)"", 0, 0), 0);
	CU_ASSERT_EQUAL(finit_tracee_murmur3((const unsigned char *)"", 0, 1), 0x514E28B7);
	CU_ASSERT_EQUAL(finit_tracee_murmur3((const unsigned char *)"Hello, world!", 13,
					     0x9747B28C), 0x24884CBA);
	CU_ASSERT_EQUAL(finit_tracee_murmur3((const unsigned char *)"abc", 3, 0), 0xB3DD93FA);
	CU_ASSERT_EQUAL(finit_tracee_entity_id(8927, 1795824000123456789LL), 3601702760u);
	CU_ASSERT_EQUAL(finit_tracee_entity_id(8926, 1795823999999999999LL), 3224328760u);
	/* rounded down to 100 ms: the same id anywhere in the same 100 ms */
	CU_ASSERT_EQUAL(finit_tracee_entity_id(8927, 1795824000100000000LL), 3601702760u);
	CU_ASSERT_EQUAL(finit_tracee_entity_id(8927, 0), 0);
}

/* the line: Tracee's keys in order, its arguments, our origin last */
static void test_tracee_line(void)
{
	struct finit_event ev = event();
	struct finit_buf b = { 0 };

	CU_ASSERT_EQUAL(finit_emit_line(FINIT_FMT_TRACEE, &ev, &b), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.data);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"{\"timestamp\":1795824000000000001,\"threadStartTime\":1795824000123456789,"
		"\"processorId\":1,\"processId\":12,\"cgroupId\":77,\"threadId\":13,"
		"\"parentProcessId\":1,\"hostProcessId\":8926,\"hostThreadId\":8927,"
		"\"hostParentProcessId\":1,\"userId\":1000,\"mountNamespace\":4026531841,"
		"\"pidNamespace\":4026531836,\"processName\":\"ins\\\"mod\","
		"\"executable\":{\"path\":\"/usr/bin/kmod\"},\"hostName\":\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
		"\",\"containerId\":\"\",\"container\":{},\"kubernetes\":{},"
#if defined(__aarch64__)
		"\"eventId\":\"273\","
#else
		"\"eventId\":\"313\","
#endif
		"\"eventName\":\"finit_module\",\"argsNum\":3,\"returnValue\":-17,"
		"\"syscall\":\"finit_module\",\"stackAddresses\":null,"
		"\"contextFlags\":{\"containerStarted\":false,\"isCompat\":false},"
		"\"threadEntityId\":3601702760,\"processEntityId\":3224328760,"
		"\"parentEntityId\":2185520942,"
		"\"args\":[{\"name\":\"fd\",\"type\":\"int32\",\"value\":3},"
		"{\"name\":\"param_values\",\"type\":\"string\",\"value\":\"a=1\\nb=\xc3\xa9\"},"
		"{\"name\":\"flags\",\"type\":\"int32\",\"value\":-4}],"
		"\"origin\":{\"pid\":\"kernel\","));
	CU_ASSERT_STRING_EQUAL(b.data + b.len - 4, "\"}}\n");
	finit_buf_free(&b);
}

/* the other events' arguments: Tracee's names and type strings */
static void test_tracee_args(void)
{
	struct finit_event ev = event();
	struct finit_buf b = { 0 };

	ev.sys = FINIT_SYS_INIT_MODULE;
	ev.args[0] = 0x7f0000001000ULL;
	ev.args[1] = 4096;
	finit_emit_line(FINIT_FMT_TRACEE, &ev, &b);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"args\":[{\"name\":\"module_image\",\"type\":"
				      "\"trace.Pointer\",\"value\":139637976731648},{\"name\":"
				      "\"len\",\"type\":\"uint64\",\"value\":4096},{\"name\":"
				      "\"param_values\",\"type\":\"string\""));
	b.len = 0;
	ev.sys = FINIT_SYS_DELETE_MODULE;
	ev.args[1] = 0x800;
	finit_emit_line(FINIT_FMT_TRACEE, &ev, &b);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"args\":[{\"name\":\"name\",\"type\":\"string\","
				      "\"value\":\"loop\"},{\"name\":\"flags\",\"type\":\"int32\","
				      "\"value\":2048}]"));
	b.len = 0;
	ev.sys = FINIT_EV_MODULE_LOAD;
	finit_emit_line(FINIT_FMT_TRACEE, &ev, &b);
	/* a trace read later: no sysfs of its boot, version and src_version null */
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"eventId\":\"784\",\"eventName\":\"module_load\","
				      "\"argsNum\":4,\"returnValue\":-17,\"syscall\":\"\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"args\":[{\"name\":\"name\",\"type\":\"string\","
				      "\"value\":\"loop\"},{\"name\":\"version\",\"type\":\"string\","
				      "\"value\":null},{\"name\":\"src_version\",\"type\":\"string\","
				      "\"value\":null},{\"name\":\"pathname\",\"type\":\"string\","
				      "\"value\":\"/lib/loop.ko\"}]"));
	finit_buf_free(&b);
}

/* keep - the JSON line of @ev for the schema check */
static void keep(const struct finit_event *ev)
{
	struct finit_buf j = { 0 };

	finit_emit_line(FINIT_FMT_JSON, ev, &j);
	unit_keep_json(j.data);
	finit_buf_free(&j);
}

/* next - the field after @f in a NUL-separated list */
static const char *next(const char *f)
{
	return f + strlen(f) + 1;
}

/* has - the list of @n fields holds @want */
static int has(const struct finit_buf *b, int n, const char *want)
{
	const char *f = b->data;

	for (int i = 0; i < n; i++, f = next(f))
		if (!strcmp(f, want))
			return 1;
	return 0;
}

#define MESSAGE "MESSAGE=2026-11-28T00:00:00.000000001Z cpu1 ins\\\"mod[8926/8927] finit_module(fd=3"

/* the journal entry: header fields, then one FINIT_<KEY> per JSON key */
static void test_journal_fields(void)
{
	struct finit_event ev = event();
	struct finit_buf b = { 0 };
	int n = finit_sink_journal_fields(&ev, &b);

	CU_ASSERT_FATAL(n > 4);
	keep(&ev);
	/* the text line, its comm C-escaped */
	CU_ASSERT_EQUAL(strncmp(b.data, MESSAGE, strlen(MESSAGE)), 0);
	CU_ASSERT_PTR_NULL(strchr(b.data, '\n'));	/* the text line without its newline */
	CU_ASSERT_STRING_EQUAL(next(b.data), "PRIORITY=4");	/* a failed load: warning */
	CU_ASSERT_STRING_EQUAL(next(next(b.data)), "SYSLOG_IDENTIFIER=finit-ftrace");
	CU_ASSERT_STRING_EQUAL(next(next(next(b.data))),
			       "MESSAGE_ID=f439a48dc3104c8f9a4bd19556f8c126");
	CU_ASSERT(has(&b, n, "FINIT_SCHEMA_VERSION=" FINIT_EMIT_SCHEMA_VERSION));
	CU_ASSERT(has(&b, n, "FINIT_EVENT=finit_module"));
	CU_ASSERT(has(&b, n, "FINIT_COMM=ins\"mod"));		/* the string, unescaped */
	CU_ASSERT(has(&b, n, "FINIT_FD=3"));			/* args flattened */
	CU_ASSERT(has(&b, n, "FINIT_PARAM_VALUES=a=1\nb=\xc3\xa9"));
	CU_ASSERT(has(&b, n, "FINIT_FLAGS=4294967292"));
	CU_ASSERT(has(&b, n, "FINIT_RET=-17"));
	CU_ASSERT(has(&b, n, "FINIT_ERRNO=EEXIST"));
	CU_ASSERT(has(&b, n, "FINIT_COMPAT=false"));
	CU_ASSERT(has(&b, n, "FINIT_RAW_B64={}"));
	CU_ASSERT(has(&b, n, "FINIT_PPID=1"));
	/* null keys are left out: no FINIT_SHA256 */
	CU_ASSERT(!memmem(b.data, b.len, "FINIT_SHA256=", 13));
	CU_ASSERT(!memmem(b.data, b.len, "FINIT_ARGS=", 11));
	CU_ASSERT_PTR_NOT_NULL(memmem(b.data, b.len, "\0FINIT_ORIGIN={\"pid\":\"kernel\",", 30));
	CU_ASSERT_PTR_NOT_NULL(memmem(b.data, b.len, "\0FINIT_FLAGS_NAMES=[\"MODULE_INIT_", 33));
	finit_buf_free(&b);
	/* a load that worked, and the kinds without a ret: notice */
	ev.ret = 0;
	n = finit_sink_journal_fields(&ev, &b);
	CU_ASSERT_STRING_EQUAL(next(b.data), "PRIORITY=5");
	finit_buf_free(&b);
	ev.sys = FINIT_EV_MODULE_FREE;
	n = finit_sink_journal_fields(&ev, &b);
	CU_ASSERT(has(&b, n, "MESSAGE_ID=da76f0ff8ce54fb9a85c83431f0b8421"));
	CU_ASSERT(has(&b, n, "FINIT_MODULE=loop"));
	finit_buf_free(&b);
}

/* names: the sinks of [output] sink, the facilities of syslog_facility */
static void test_sink_names(void)
{
	unsigned int m = 0;
	char buf[192];

	CU_ASSERT_EQUAL(finit_outputs_parse("file,journal", &m), 0);
	CU_ASSERT_EQUAL(m, 1u << FINIT_OUT_FILE | 1u << FINIT_OUT_JOURNAL);
	CU_ASSERT_EQUAL(finit_outputs_parse("stdout, syslog", &m), 0);
	CU_ASSERT_EQUAL(m, 1u << FINIT_OUT_STDOUT | 1u << FINIT_OUT_SYSLOG);
	CU_ASSERT_EQUAL(finit_outputs_parse("file,kafka", &m), -1);
	CU_ASSERT_EQUAL(finit_outputs_parse(",", &m), -1);
	finit_outputs_names(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "stdout, file, journal or syslog");
	CU_ASSERT_EQUAL(finit_sink_syslog_facility("authpriv"), LOG_AUTHPRIV);
	CU_ASSERT_EQUAL(finit_sink_syslog_facility("local3"), LOG_LOCAL3);
	CU_ASSERT_EQUAL(finit_sink_syslog_facility("mail"), -1);
	finit_sink_syslog_facilities(buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "auth, authpriv, daemon"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, " or local7"));
}

/* a file sink that fails (a full disk) stops only when it is the last sink */
static void test_outputs_failure(void)
{
	struct finit_outputs_spec spec = { 1u << FINIT_OUT_FILE, "/dev/full", FINIT_FMT_JSON,
					   LOG_AUTHPRIV };
	struct finit_event ev = event();
	struct finit_outputs *o;
	char err[256];

	o = finit_outputs_open(&spec, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(finit_outputs_event(o, &ev), -1);
	CU_ASSERT_EQUAL(finit_outputs_event(o, &ev), -1);
	CU_ASSERT(finit_outputs_summary(o));
	finit_outputs_close(o);
	spec.file = NULL;
	CU_ASSERT_PTR_NULL(finit_outputs_open(&spec, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "set [output] file"));
}

int unit_add_sinks(void)
{
	CU_pSuite s = CU_add_suite("sinks", NULL, NULL);

	return !s ||
	       !CU_add_test(s, "MurmurHash3 and Tracee's task ids", test_murmur3) ||
	       !CU_add_test(s, "Tracee format: keys, ids, arguments", test_tracee_line) ||
	       !CU_add_test(s, "Tracee format: the other events", test_tracee_args) ||
	       !CU_add_test(s, "journal fields", test_journal_fields) ||
	       !CU_add_test(s, "sink and facility names", test_sink_names) ||
	       !CU_add_test(s, "a failing sink", test_outputs_failure);
}
