// Tiny harness for host tests (tests/host/*.c): checks, a table of named
// tests, skips and the closing "N passed, N failed[, N skipped]" line.
// Header-only: include it once per test program, after the libc headers.
#ifndef LAZYOS_HOSTTEST_H
#define LAZYOS_HOSTTEST_H

#include <stdio.h>
#include <string.h>

struct ht_test {
    const char *name;
    void (*fn)(void);
};

// One entry of a test table: HT_TEST(test_foo).
#define HT_TEST(fn)                                                            \
    {                                                                          \
#fn, fn                                                                \
    }

static struct {
    int failed_checks; // in the running test
    const char *skip_why;
} ht_cur;

// Records a failed check; tests go on after it so one run shows them all.
static inline int
ht_fail(const char *file, int line, const char *what)
{
    printf("  FAIL %s:%d: %s\n", file, line, what);
    ht_cur.failed_checks++;
    return 0;
}

#define CHECK(cond) ((cond) ? 1 : ht_fail(__FILE__, __LINE__, #cond))

// Compares as unsigned 64-bit, so -1 equals an int -1 or a 64-bit ~0.
#define CHECK_EQ(a, b)                                                         \
    ht_check_eq((unsigned long long)(a), (unsigned long long)(b), #a, #b,      \
                __FILE__, __LINE__)

static inline int
ht_check_eq(unsigned long long a, unsigned long long b, const char *as,
            const char *bs, const char *file, int line)
{
    char what[256];

    if (a == b)
        return 1;
    snprintf(what, sizeof what, "%s == %s (0x%llx vs 0x%llx)", as, bs, a, b);
    return ht_fail(file, line, what);
}

// Equal C strings; NULL equals only NULL.
#define CHECK_STR(a, b) ht_check_str((a), (b), #a, #b, __FILE__, __LINE__)

static inline int
ht_check_str(const char *a, const char *b, const char *as, const char *bs,
             const char *file, int line)
{
    char what[512];

    if (a == b || (a != NULL && b != NULL && strcmp(a, b) == 0))
        return 1;
    snprintf(what, sizeof what, "%s == %s (\"%s\" vs \"%s\")", as, bs,
             a ? a : "(null)", b ? b : "(null)");
    return ht_fail(file, line, what);
}

// Ends the running test as skipped (unless a check already failed).
#define SKIP(why)                                                              \
    do {                                                                       \
        ht_cur.skip_why = (why);                                               \
        return;                                                                \
    } while (0)

// Runs every test in order; returns the exit status for main().
static inline int
ht_run(const struct ht_test *tests, int n)
{
    int passed = 0, failed = 0, skipped = 0;

    for (int i = 0; i < n; i++) {
        ht_cur.failed_checks = 0;
        ht_cur.skip_why = NULL;
        tests[i].fn();
        if (ht_cur.failed_checks > 0) {
            printf("FAIL %s\n", tests[i].name);
            failed++;
        } else if (ht_cur.skip_why != NULL) {
            printf("skip %s: %s\n", tests[i].name, ht_cur.skip_why);
            skipped++;
        } else {
            printf("ok   %s\n", tests[i].name);
            passed++;
        }
        fflush(stdout); // keep the log whole if a later test crashes
    }
    if (skipped > 0)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed > 0 ? 1 : 0;
}

#define HT_RUN(table) ht_run((table), (int)(sizeof(table) / sizeof((table)[0])))

#endif
