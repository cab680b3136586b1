// SPDX-License-Identifier: MIT
/*
 * tracee.c - the Tracee format: Tracee's trace.Event JSON of v0.24
 * (types/trace/trace.go: the keys and their order; pkg/events/core.go: each
 * event's arguments and their type strings). Our own "origin" object rides
 * along under its key: Tracee's Go reader ignores keys it does not know.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "origin.h"
#include "tracee.h"

/* Tracee's MURMUR_SEED (common/murmur/murmur.go, pkg/ebpf/c/common/hash.h) */
#define TRACEE_SEED	0x18273645u
/* HashTaskID rounds start times down to 100 ms (pkg/datastores/process/taskid.go) */
#define TRACEE_ROUND_NS	100000000ULL

/* Tracee's event ids (pkg/events/core_amd64.go, core_arm64.go, core.go). */
#if defined(__aarch64__)
#define ID_INIT_MODULE		"105"
#define ID_DELETE_MODULE	"106"
#define ID_FINIT_MODULE		"273"
#else
#define ID_INIT_MODULE		"175"
#define ID_DELETE_MODULE	"176"
#define ID_FINIT_MODULE		"313"
#endif
#define ID_MODULE_LOAD		"784"
#define ID_MODULE_FREE		"785"

/* rotl - rotate left */
static uint32_t rotl(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

/* mix - one 32-bit block (or the tail) scrambled */
static uint32_t mix(uint32_t k)
{
	return rotl(k * 0xcc9e2d51u, 15) * 0x1b873593u;
}

/* finit_tracee_murmur3 - blocks read little-endian, as Tracee's Go code on x86 and arm64 */
uint32_t finit_tracee_murmur3(const unsigned char *data, size_t len, uint32_t seed)
{
	uint32_t h = seed, k = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		k = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 |
		    (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
		h = rotl(h ^ mix(k), 13) * 5 + 0xe6546b64u;
	}
	k = 0;
	for (size_t t = len - i; t > 0; t--)
		k ^= (uint32_t)data[i + t - 1] << (8 * (t - 1));
	if (len - i)
		h ^= mix(k);
	h ^= (uint32_t)len;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/*
 * finit_tracee_entity_id - Tracee's HashTaskID (pkg/datastores/process/
 * taskid.go) over murmur.HashU32AndU64 (common/murmur/murmur.go): the
 * big-endian u32 tid, then the big-endian u64 start time in epoch ns
 * rounded down to 100 ms
 */
uint32_t finit_tracee_entity_id(int tid, long long start_ns)
{
	unsigned long long t = (unsigned long long)start_ns / TRACEE_ROUND_NS * TRACEE_ROUND_NS;
	unsigned char key[12];

	if (start_ns <= 0 || tid <= 0)
		return 0;
	for (int i = 0; i < 4; i++)
		key[i] = (unsigned char)((unsigned int)tid >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		key[4 + i] = (unsigned char)(t >> (56 - 8 * i));
	return finit_tracee_murmur3(key, sizeof(key), TRACEE_SEED);
}

/* num - ,"key":N */
static void num(struct finit_buf *b, const char *key, long long v)
{
	finit_buf_puts(b, ",\"");
	finit_buf_puts(b, key);
	finit_buf_puts(b, "\":");
	finit_buf_int(b, v);
}

/* str - ,"key":"string" ("" for none) */
static void str(struct finit_buf *b, const char *key, const char *v)
{
	finit_buf_puts(b, ",\"");
	finit_buf_puts(b, key);
	finit_buf_puts(b, "\":");
	finit_buf_json_string(b, v ? v : "");
}

/* arg - one {"name","type","value"}; @value is JSON text already */
static void arg(struct finit_buf *b, bool first, const char *name, const char *type,
		const char *value)
{
	finit_buf_puts(b, first ? "{\"name\":\"" : ",{\"name\":\"");
	finit_buf_puts(b, name);
	finit_buf_puts(b, "\",\"type\":\"");
	finit_buf_puts(b, type);
	finit_buf_puts(b, "\",\"value\":");
	finit_buf_puts(b, value);
	finit_buf_putc(b, '}');
}

/* arg_str - a string argument, null when unknown */
static void arg_str(struct finit_buf *b, bool first, const char *name, const char *v)
{
	struct finit_buf j = { 0 };

	finit_buf_json_string(&j, v);
	arg(b, first, name, "string", j.data ? j.data : "null");
	finit_buf_free(&j);
}

/* arg_num - a number argument: int32 as signed 32 bits, others as given */
static void arg_num(struct finit_buf *b, bool first, const char *name, const char *type,
		    unsigned long long v)
{
	char n[24];

	if (!strcmp(type, "int32"))
		snprintf(n, sizeof(n), "%d", (int)(unsigned int)v);
	else
		snprintf(n, sizeof(n), "%llu", v);
	arg(b, first, name, type, n);
}

/* sysfs_str - /sys/module/@mod/@file's first line, NULL when absent */
static char *sysfs_str(const char *mod, const char *file)
{
	char path[512], line[256] = "";
	FILE *f;

	if (!mod || strchr(mod, '/'))
		return NULL;
	snprintf(path, sizeof(path), "/sys/module/%s/%s", mod, file);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return line[0] ? strdup(line) : NULL;
}

/* module_args - name, version, src_version (and pathname for module_load) */
static int module_args(struct finit_buf *b, const struct finit_event *ev, bool load)
{
	/* the live module's sysfs; a trace read later is of another boot */
	bool live = ev->origin_context != FINIT_ORIGIN_OFFLINE;
	char *version = live ? sysfs_str(ev->module, "version") : NULL;
	char *src = live ? sysfs_str(ev->module, "srcversion") : NULL;

	arg_str(b, true, "name", ev->module);
	arg_str(b, false, "version", version);
	arg_str(b, false, "src_version", src);
	if (load)
		arg_str(b, false, "pathname", ev->path);
	free(version);
	free(src);
	return load ? 4 : 3;
}

/* args - the "args" array of Tracee's definition of the event; their number */
static int args(struct finit_buf *b, const struct finit_event *ev)
{
	switch (ev->sys) {
	case FINIT_SYS_FINIT_MODULE:
		arg_num(b, true, "fd", "int32", ev->args[0]);
		arg_str(b, false, "param_values", ev->param_values);
		arg_num(b, false, "flags", "int32", ev->args[2]);
		return 3;
	case FINIT_SYS_INIT_MODULE:
		arg_num(b, true, "module_image", "trace.Pointer", ev->args[0]);
		arg_num(b, false, "len", "uint64", ev->args[1]);
		arg_str(b, false, "param_values", ev->param_values);
		return 3;
	case FINIT_SYS_DELETE_MODULE:
		arg_str(b, true, "name", ev->module);
		arg_num(b, false, "flags", "int32", ev->args[1]);
		return 2;
	default:
		return module_args(b, ev, ev->sys == FINIT_EV_MODULE_LOAD);
	}
}

/* event_id - Tracee's id of the event, as the string it writes */
static const char *event_id(enum finit_syscall sys)
{
	static const char *const ids[] = {
		[FINIT_SYS_FINIT_MODULE] = ID_FINIT_MODULE,
		[FINIT_SYS_INIT_MODULE] = ID_INIT_MODULE,
		[FINIT_SYS_DELETE_MODULE] = ID_DELETE_MODULE,
		[FINIT_EV_MODULE_FREE] = ID_MODULE_FREE,
		[FINIT_EV_MODULE_LOAD] = ID_MODULE_LOAD,
	};

	return (unsigned int)sys < sizeof(ids) / sizeof(ids[0]) ? ids[sys] : "0";
}

/* task - the ids of the task, its namespaces and its process */
static void task(struct finit_buf *b, const struct finit_event *ev)
{
	const struct finit_proc *p = &ev->proc;
	int pid = ev->pid > 0 ? ev->pid : 0;

	num(b, "threadStartTime", p->start_ns);
	num(b, "processorId", ev->cpu);
	num(b, "processId", p->ns_tgid ? p->ns_tgid : pid);
	num(b, "cgroupId", (long long)p->cgroup_id);
	num(b, "threadId", p->ns_tid ? p->ns_tid : ev->tid);
	num(b, "parentProcessId", p->ns_ppid ? p->ns_ppid : p->ppid);
	num(b, "hostProcessId", pid);
	num(b, "hostThreadId", ev->tid);
	num(b, "hostParentProcessId", p->ppid);
	num(b, "userId", p->valid ? p->uid : -1);
	num(b, "mountNamespace", (long long)p->mnt_ns);
	num(b, "pidNamespace", (long long)p->pid_ns);
	str(b, "processName", ev->comm);
	finit_buf_puts(b, ",\"executable\":{\"path\":");
	finit_buf_json_string(b, p->exe ? p->exe : "");
	finit_buf_putc(b, '}');
}

/* finit_tracee_line - the keys in trace.Event's order, then "origin" */
void finit_tracee_line(struct finit_buf *b, const struct finit_event *ev)
{
	const struct finit_proc *p = &ev->proc;
	char host[256] = "";
	bool syscall = ev->sys < FINIT_SYS_NR;
	struct finit_buf a = { 0 };
	int n = args(&a, ev);

	gethostname(host, sizeof(host) - 1);
	finit_buf_puts(b, "{\"timestamp\":");
	finit_buf_int(b, ev->wall_ns);
	task(b, ev);
	str(b, "hostName", host);
	str(b, "containerId", p->container_id);
	finit_buf_puts(b, p->container_id ? ",\"container\":{\"id\":" : ",\"container\":{");
	if (p->container_id)
		finit_buf_json_string(b, p->container_id);
	finit_buf_puts(b, "},\"kubernetes\":{}");
	str(b, "eventId", event_id(ev->sys));
	str(b, "eventName", finit_names_syscall(ev->sys));
	num(b, "argsNum", n);
	num(b, "returnValue", ev->origin_ret == FINIT_ORIGIN_KERNEL ? ev->ret : 0);
	str(b, "syscall", syscall ? finit_names_syscall(ev->sys) : "");
	finit_buf_puts(b, ",\"stackAddresses\":null,\"contextFlags\":{\"containerStarted\":");
	finit_buf_puts(b, p->container_id ? "true" : "false");
	finit_buf_puts(b, ev->compat ? ",\"isCompat\":true}" : ",\"isCompat\":false}");
	num(b, "threadEntityId", finit_tracee_entity_id(ev->tid, p->start_ns));
	num(b, "processEntityId", finit_tracee_entity_id(ev->pid, p->leader_start_ns));
	num(b, "parentEntityId", finit_tracee_entity_id(p->ppid, p->parent_start_ns));
	finit_buf_puts(b, ",\"args\":[");
	finit_buf_putn(b, a.data ? a.data : "", a.len);
	finit_buf_puts(b, "],\"origin\":");
	finit_origin_json(b, ev);
	finit_buf_puts(b, "}\n");
	finit_buf_free(&a);
}
