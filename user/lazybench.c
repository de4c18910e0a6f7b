// lazybench: what lazy memory costs, in guest instructions (rdinstret).
// Run under QEMU with -icount shift=0 so the counts are exact; `make bench`
// does that. Prints `bench <name> <value> <unit>` lines, then a table.
// `lazybench -faults N`: N processes fault at once; faults per second of
// wall time (for several harts, so without -icount).
#include "kernel/types.h"
#include "kernel/meminfo.h"
#include "user/user.h"
#include "user/bench.h"

#define PAGE 4096
#define GIB (1L << 30)
#define TOUCH_PAGES 4096
#define SAMPLE_PAGES 256 // fewer than the idle harts' zeroed pool holds

// sbrk takes an int: grow in steps of at most 1 GiB.
static char *
grow(long n)
{
    char *start = sbrk(0);
    while (n > 0) {
        int step = n > GIB ? GIB : n;
        if (sbrk(step) == (char *)-1)
            return 0;
        n -= step;
    }
    return start;
}

static void
shrink_to(char *brk)
{
    long n = sbrk(0) - brk;
    while (n > 0) {
        int step = n > GIB ? GIB : n;
        sbrk(-step);
        n -= step;
    }
}

static void
report(const char *name, uint64 value, const char *unit)
{
    printf("bench %s %lu %s\n", name, value, unit);
}

static uint64 fork_alone; // of the last fork_exit_cost

// fork + child exit + wait, for a process whose break is `heap` bytes
// above where it started, of which `touched` pages at the bottom have been
// written (and the top page too, with `top`).
static uint64
fork_exit_cost(long heap, int touched, int top)
{
    char *base = grow(heap);
    if (base == 0) {
        printf("lazybench: sbrk(1 GiB) failed\n");
        exit(1);
    }
    for (int i = 0; i < touched; i++)
        base[(long)i * PAGE] = 1;
    if (top)
        base[heap - 1] = 1;
    uint64 t0 = instret();
    int pid = fork();
    if (pid == 0)
        exit(0);
    fork_alone = instret() - t0; // the parent's side: fork() itself
    wait(0);
    uint64 cost = instret() - t0;
    shrink_to(base);
    return cost;
}

static uint64
zeroed_pool(void)
{
    struct meminfo mi;
    return meminfo(&mi) == 0 ? mi.zeroed_pages : 0;
}

// Instructions per store to n fresh heap pages; with `wait_pool`, first
// lets the idle hart fill its pool of zeroed pages (we sleep, it zeroes);
// without, first drains that pool so that every fault zeroes inline.
static uint64
demand_zero_cost(int n, int wait_pool)
{
    char *brk = sbrk(0);
    if (wait_pool) {
        for (int i = 0; i < 100 && zeroed_pool() < (uint64)n + 16; i++)
            sleep(1);
    } else {
        long drain = zeroed_pool() + 64;
        char *d = grow(drain * PAGE);
        for (long i = 0; i < drain; i++)
            d[i * PAGE] = 1;
    }
    char *buf = grow((long)n * PAGE);
    uint64 t0 = instret();
    for (int i = 0; i < n; i++)
        buf[(long)i * PAGE] = 1;
    uint64 cost = (instret() - t0) / n;
    shrink_to(brk);
    return cost;
}

// Instructions per load of n untouched heap pages (the zero page).
static uint64
zero_read_cost(int n)
{
    char *brk = sbrk(0);
    volatile char *buf = grow((long)n * PAGE);
    uint64 sum = 0, t0 = instret();
    for (int i = 0; i < n; i++)
        sum += buf[(long)i * PAGE];
    uint64 cost = (instret() - t0) / n;
    shrink_to(brk);
    return sum == 0 ? cost : 0;
}

// Instructions per first store to n pages shared with a child (the copy),
// and then, once the child is gone, per store to n more (the reuse).
static void
cow_store_cost(int n, uint64 *copy, uint64 *reuse)
{
    char *brk = sbrk(0);
    char *buf = grow(2L * n * PAGE);
    int fds[2], pid;
    char c;
    for (long i = 0; i < 2L * n; i++)
        buf[i * PAGE] = 1;
    if (pipe(fds) < 0 || (pid = fork()) < 0)
        exit(1);
    if (pid == 0) { // the child holds the pages until told to go
        read(fds[0], &c, 1);
        exit(0);
    }
    uint64 t0 = instret();
    for (int i = 0; i < n; i++)
        buf[(long)i * PAGE] = 2;
    *copy = (instret() - t0) / n;
    write(fds[1], "x", 1);
    wait(0);
    close(fds[0]);
    close(fds[1]);
    t0 = instret();
    for (int i = n; i < 2 * n; i++)
        buf[(long)i * PAGE] = 2;
    *reuse = (instret() - t0) / n;
    shrink_to(brk);
}

static inline uint64
rdtime(void)
{
    uint64 x;
    asm volatile("rdtime %0" : "=r"(x));
    return x;
}

#define FAULT_PAGES 8192  // per process: 32 MiB
#define TIMEBASE_HZ 10000000UL // QEMU virt's timer

// n processes each store to FAULT_PAGES fresh heap pages at once.
static int
faults_per_second(int n)
{
    uint64 t0 = rdtime();
    for (int i = 0; i < n; i++) {
        int pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            char *p = grow((long)FAULT_PAGES * PAGE);
            if (p == 0)
                exit(1);
            for (long k = 0; k < FAULT_PAGES; k++)
                p[k * PAGE] = 1;
            exit(0);
        }
    }
    int status, bad = 0;
    for (int i = 0; i < n; i++)
        if (wait(&status) < 0 || status != 0)
            bad = 1;
    uint64 ticks = rdtime() - t0;
    if (bad || ticks == 0)
        return 1;
    report("faults_per_second", (uint64)n * FAULT_PAGES * TIMEBASE_HZ / ticks,
           "faults/s");
    return 0;
}

// The figures, in the order measured: printed as `bench` lines, then as
// a table.
static struct {
    const char *name, *title;
    uint64 value;
} fig[24];
static int nfig;

static void
record(const char *name, const char *title, uint64 value)
{
    fig[nfig].name = name;
    fig[nfig].title = title;
    fig[nfig++].value = value;
}

// The first figures: a system call, sbrk, and 4096 faults in a row.
static void
measure_basics(void)
{
    char *brk0 = sbrk(0);
    uint64 t0 = instret();
    getpid();
    record("syscall_getpid", "getpid() (system call round trip)",
           instret() - t0);
    t0 = instret();
    char *p = sbrk(GIB);
    record("sbrk_1GiB", "sbrk(1 GiB)", instret() - t0);
    shrink_to(brk0);
    if (p == (char *)-1) {
        printf("lazybench: sbrk failed\n");
        exit(1);
    }
    char *buf = grow((long)TOUCH_PAGES * PAGE);
    t0 = instret();
    for (int i = 0; i < TOUCH_PAGES; i++)
        buf[(long)i * PAGE] = 1;
    uint64 fault = (instret() - t0) / TOUCH_PAGES;
    // The same loop again: pages present, no faults. This is the eager
    // baseline (what touching costs once memory is already there).
    t0 = instret();
    for (int i = 0; i < TOUCH_PAGES; i++)
        buf[(long)i * PAGE] = 2;
    uint64 eager = (instret() - t0) / TOUCH_PAGES;
    shrink_to(brk0);
    record("fault_per_page", "demand-zero fault, per page", fault);
    record("eager_touch_per_page", "touch of a present page", eager);
    record("fault_overhead_per_page", "fault minus touch", fault - eager);
}

static void
measure_faults_and_forks(void)
{
    uint64 copy, reuse;
    record("fault_pool", "demand-zero fault, pool has a page",
           demand_zero_cost(SAMPLE_PAGES, 1));
    record("fault_zero_inline", "demand-zero fault, zeroing inline",
           demand_zero_cost(SAMPLE_PAGES, 0));
    record("fault_zero_page_read", "zero-page read fault",
           zero_read_cost(SAMPLE_PAGES));
    cow_store_cost(SAMPLE_PAGES, &copy, &reuse);
    record("cow_first_store_copy", "first store to a shared COW page", copy);
    record("cow_store_last_owner", "store to a COW page, last owner", reuse);
    record("fork_exit_no_heap", "fork+exit+wait, no heap",
           fork_exit_cost(0, 0, 0));
    record("fork_alone_no_heap", "  of which fork() in the parent",
           fork_alone);
    uint64 fork1 = fork_exit_cost(GIB, 1, 0);
    uint64 fork1000 = fork_exit_cost(GIB, 1000, 0);
    record("fork_exit_1GiB_break_1_page",
           "fork+exit+wait, 1 GiB break, 1 page", fork1);
    record("fork_exit_1GiB_break_1000_pages",
           "fork+exit+wait, 1 GiB break, 1000 pages", fork1000);
    // xv6's lazy lab walked every page below the break here: 3e9 instructions.
    record("fork_exit_255GiB_break_2_pages",
           "fork+exit+wait, 255 GiB break, 2 pages",
           fork_exit_cost(255 * GIB, 1, 1));
    record("fork_per_touched_page", "fork, per touched page above 1 page",
           (fork1000 - fork1) / 999);
}

int
main(int argc, char *argv[])
{
    if (argc == 3 && strcmp(argv[1], "-faults") == 0 && atoi(argv[2]) > 0)
        return faults_per_second(atoi(argv[2]));
    if (argc != 1) {
        fprintf(2, "usage: lazybench [-faults N]\n");
        return 1;
    }
    measure_basics();
    measure_faults_and_forks();
    for (int i = 0; i < nfig; i++)
        report(fig[i].name, fig[i].value, "instructions");
    printf("\n%-40s %14s\n", "lazybench (guest instructions)", "value");
    for (int i = 0; i < nfig; i++)
        printf("%-40s %14lu\n", fig[i].title, fig[i].value);
    return 0;
}
