/*
 * Shared helpers of the benchmark programs: options, clock, peak RSS,
 * a deterministic PRNG, a counting allocator and the table row printer.
 * Benchmarks are programs, never tests: nothing here asserts a time.
 */
#ifndef BENCH_H
#define BENCH_H

#include "autolic/common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct bench_opts {
	double scale;    /* 1.0 = the sizes of docs/performance.md */
	const char *dir; /* directory for files (W4, W5) */
} bench_opts;

static inline bench_opts bench_parse(int argc, char **argv)
{
	bench_opts o = {0.1, "."};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			o.scale = atof(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			o.dir = argv[++i];
		else if (!strcmp(argv[i], "--full"))
			o.scale = 1.0;
	}
	if (o.scale <= 0)
		o.scale = 0.1;
	return o;
}

static inline size_t bench_n(const bench_opts *o, double full, size_t min)
{
	double v = full * o->scale;
	return v < (double)min ? min : (size_t)v;
}

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process, in seconds: on a shared machine it moves less
 * than the wall clock (used for the --lib-only profiling runs). */
static inline double bench_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set of this process's current image, in KiB (Linux:
 * VmHWM). Unlike getrusage's ru_maxrss it starts afresh at exec: a child
 * forked from a large parent does not inherit the parent's peak. 0 when
 * unknown. */
static inline long bench_hwm_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	char line[256];
	long kib = 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6)) {
			kib = atol(line + 6);
			break;
		}
	fclose(f);
	return kib;
}

/* Peak resident set of this process, in KiB. */
static inline long bench_maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* splitmix64: deterministic, seedable. */
static inline uint64_t bench_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Counting allocator: bytes and blocks live, and the most bytes live at
 * once (requested sizes; a size header in front of each block, not
 * counted). */
typedef struct bench_count {
	size_t bytes, blocks, peak;
} bench_count;

static inline void *bc_malloc(size_t n, void *ctx)
{
	bench_count *c = ctx;
	size_t *p = malloc(n + sizeof(size_t) * 2);
	if (!p)
		return NULL;
	p[0] = n;
	c->bytes += n;
	c->blocks++;
	if (c->bytes > c->peak)
		c->peak = c->bytes;
	return p + 2;
}
static inline void bc_free(void *q, void *ctx)
{
	if (!q)
		return;
	bench_count *c = ctx;
	size_t *p = (size_t *)q - 2;
	c->bytes -= p[0];
	c->blocks--;
	free(p);
}
static inline void *bc_realloc(void *q, size_t n, void *ctx)
{
	if (!q)
		return bc_malloc(n, ctx);
	bench_count *c = ctx;
	size_t *p = (size_t *)q - 2;
	size_t old = p[0];
	size_t *r = realloc(p, n + sizeof(size_t) * 2);
	if (!r)
		return NULL;
	r[0] = n;
	c->bytes = c->bytes - old + n;
	if (c->bytes > c->peak)
		c->peak = c->bytes;
	return r + 2;
}
static inline autolic_allocator bench_counting(bench_count *c)
{
	autolic_allocator a = {bc_malloc, bc_realloc, bc_free, c};
	return a;
}

/* One table row: | workload | implementation | size | result | notes | */
static inline void bench_row(const char *w, const char *impl, const char *size, const char *result,
                             const char *notes)
{
	printf("| %s | %s | %s | %s | %s |\n", w, impl, size, result, notes ? notes : "");
	fflush(stdout);
}

#define BENCH_FAIL(...)                                                                            \
	do {                                                                                       \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		exit(1);                                                                           \
	} while (0)

#endif
