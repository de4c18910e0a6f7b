// lazybench: what lazy memory costs, in guest instructions (rdinstret).
// Run under QEMU with -icount shift=0 so the counts are exact; `make bench`
// does that. Prints `bench <name> <value> <unit>` lines, then a table.
#include "kernel/types.h"
#include "user/user.h"

#define PAGE 4096
#define GIB (1L << 30)
#define TOUCH_PAGES 4096

static inline uint64
instret(void)
{
    uint64 x;
    asm volatile("rdinstret %0" : "=r"(x));
    return x;
}

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
    wait(0);
    uint64 cost = instret() - t0;
    shrink_to(base);
    return cost;
}

int
main(void)
{
    char *brk0 = sbrk(0);

    uint64 t0 = instret();
    getpid();
    uint64 getpid_cost = instret() - t0;
    t0 = instret();
    char *p = sbrk(GIB);
    uint64 sbrk_cost = instret() - t0;
    shrink_to(brk0);
    if (p == (char *)-1) {
        printf("lazybench: sbrk failed\n");
        exit(1);
    }

    char *buf = grow((long)TOUCH_PAGES * PAGE);
    t0 = instret();
    for (int i = 0; i < TOUCH_PAGES; i++)
        buf[(long)i * PAGE] = 1;
    uint64 fault_total = instret() - t0;
    // The same loop again: pages present, no faults. This is the eager
    // baseline (what touching costs once memory is already there).
    t0 = instret();
    for (int i = 0; i < TOUCH_PAGES; i++)
        buf[(long)i * PAGE] = 2;
    uint64 eager_total = instret() - t0;
    shrink_to(brk0);

    uint64 fork0 = fork_exit_cost(0, 0, 0);
    uint64 fork1 = fork_exit_cost(GIB, 1, 0);
    uint64 fork1000 = fork_exit_cost(GIB, 1000, 0);
    // xv6's lazy lab walked every page below the break here: 3e9 instructions.
    uint64 fork255g = fork_exit_cost(255 * GIB, 1, 1);
    uint64 fault = fault_total / TOUCH_PAGES, eager = eager_total / TOUCH_PAGES;

    report("syscall_getpid", getpid_cost, "instructions");
    report("sbrk_1GiB", sbrk_cost, "instructions");
    report("fault_per_page", fault, "instructions");
    report("eager_touch_per_page", eager, "instructions");
    report("fault_overhead_per_page", fault - eager, "instructions");
    report("fork_exit_no_heap", fork0, "instructions");
    report("fork_exit_1GiB_break_1_page", fork1, "instructions");
    report("fork_exit_1GiB_break_1000_pages", fork1000, "instructions");
    report("fork_exit_255GiB_break_2_pages", fork255g, "instructions");
    printf("\n%-40s %14s\n", "lazybench (guest instructions)", "value");
    printf("%-40s %14lu\n", "getpid() (system call round trip)",
           getpid_cost);
    printf("%-40s %14lu\n", "sbrk(1 GiB)", sbrk_cost);
    printf("%-40s %14lu\n", "demand-zero fault, per page", fault);
    printf("%-40s %14lu\n", "touch of a present page", eager);
    printf("%-40s %14lu\n", "fork+exit+wait, no heap", fork0);
    printf("%-40s %14lu\n", "fork+exit+wait, 1 GiB break, 1 page", fork1);
    printf("%-40s %14lu\n", "fork+exit+wait, 1 GiB break, 1000 pages",
           fork1000);
    printf("%-40s %14lu\n", "fork+exit+wait, 255 GiB break, 2 pages",
           fork255g);
    return 0;
}
