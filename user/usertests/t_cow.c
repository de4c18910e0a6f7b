// Copy-on-write fork and the shared zero page: what is shared, when a page
// is copied or reused, kernel writes into shared pages, what exit, exec
// and sbrk give back, the idle harts' zeroed pool. (Running out of memory
// in the middle of a copy: fault_fork_oom in t_fault.c.)
#include "ut.h"

#define NPAGES 64
#define ZERO_HEAP (128UL << 20)

// A heap of n written pages, page i holding i + seed in every 8th byte.
static char *
cow_heap(int n, int seed)
{
    char *base = sbrk(n * PGSIZE);

    UT_CHECK(base != (char *)-1);
    for (int i = 0; i < n; i++)
        for (int off = 0; off < (int)PGSIZE; off += 512)
            base[i * PGSIZE + off] = (char)(i + seed);
    return base;
}

static void
cow_heap_check(const char *base, int n, int seed)
{
    for (int i = 0; i < n; i++) {
        ut_note("page", i);
        UT_EQ(base[i * PGSIZE + 512], (char)(i + seed));
    }
    ut_note(0, 0);
}

// fork copies no data page; the child's reads copy nothing; its stores
// copy one page each; the parent never sees them.
static void
mem_cow_fork_shares(void)
{
    char *base = cow_heap(NPAGES, 1);
    struct meminfo m0, m1, m2;
    int pid, parent = getpid();

    ut_meminfo(&m0);
    pid = UT_FORK();
    if (pid == 0) {
        // Counts only once the parent sleeps in wait(): a copy of its
        // stack page still in flight would move them (see ut_run).
        ut_await_state(parent, 2);
        ut_note(0, 0); // copies the page holding the note, before m1
        ut_meminfo(&m1);
        // The fork itself: page tables and a trapframe, no heap pages.
        UT_CHECK(m0.free_pages - m1.free_pages < NPAGES / 2);
        UT_CHECK(m1.cow_pages >= NPAGES && m1.shared_pages >= NPAGES);
        cow_heap_check(base, NPAGES, 1);
        ut_meminfo(&m2);
        UT_EQ(m2.free_pages, m1.free_pages); // a read never copies
        for (int i = 0; i < NPAGES; i += 2)
            base[i * PGSIZE + 512] = 99;
        ut_meminfo(&m2);
        UT_CHECK(m1.free_pages - m2.free_pages >= NPAGES / 2);
        // Our stack page may have been copied in between as well.
        UT_CHECK(m1.cow_pages - m2.cow_pages >= NPAGES / 2);
        UT_CHECK(m1.cow_pages - m2.cow_pages <= NPAGES / 2 + 2);
        UT_EQ(m2.resident_pages, m1.resident_pages);
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    cow_heap_check(base, NPAGES, 1);
}

// The parent's stores after fork do not reach the child either.
static void
mem_cow_parent_writes(void)
{
    char *base = cow_heap(8, 5);
    int fds[2], pid;
    char c = 0;

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        close(fds[1]);
        UT_EQ(read(fds[0], &c, 1), 1);
        cow_heap_check(base, 8, 5);
        exit(0);
    }
    close(fds[0]);
    for (int i = 0; i < 8; i++)
        base[i * PGSIZE + 512] = 0;
    UT_EQ(write(fds[1], "g", 1), 1);
    close(fds[1]);
    UT_EQ(UT_WAIT(pid), 0);
}

// Once the child is gone the parent owns its pages alone: a store makes
// the page writable again without copying.
static void
mem_cow_last_owner_reuses(void)
{
    char *base = cow_heap(NPAGES, 2);
    struct meminfo m0, m1;
    int pid = UT_FORK();

    if (pid == 0)
        exit(0);
    UT_EQ(UT_WAIT(pid), 0);
    ut_meminfo(&m0);
    UT_CHECK(m0.cow_pages >= NPAGES);
    UT_CHECK(m0.shared_pages < NPAGES); // with the runner: text, stack

    for (int i = 0; i < NPAGES; i++)
        base[i * PGSIZE] = 7;
    ut_meminfo(&m1);
    UT_EQ(m1.free_pages, m0.free_pages);
    UT_EQ(m0.cow_pages - m1.cow_pages, NPAGES);
    UT_EQ(m1.resident_pages, m0.resident_pages);
}

// Kernel stores into a shared page (read() into it) break the sharing as a
// user store would; kernel loads from it (write() from it) copy nothing.
static void
mem_cow_kernel_writes(void)
{
    char *base = cow_heap(2, 3);
    struct meminfo m0, m1;
    int fds[2], pid, parent = getpid();

    UT_EQ(pipe(fds), 0);
    pid = UT_FORK();
    if (pid == 0) {
        ut_await_state(parent, 2); // as in mem_cow_fork_shares
        ut_meminfo(&m0); // twice: the first may copy our stack page
        ut_meminfo(&m0);
        UT_EQ(write(fds[1], base + 512, 1), 1);
        ut_meminfo(&m1);
        UT_EQ(m1.free_pages, m0.free_pages);
        UT_EQ(m1.cow_pages, m0.cow_pages);
        UT_EQ(read(fds[0], base + PGSIZE + 512, 1), 1);
        UT_EQ(base[PGSIZE + 512], 3);
        ut_meminfo(&m1);
        UT_EQ(m0.cow_pages - m1.cow_pages, 1);
        UT_EQ(write(fds[1], "xy", 2), 2);
        UT_EQ(read(fds[0], base, 2), 2);
        UT_EQ(base[0], 'x');
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    close(fds[0]);
    close(fds[1]);
    cow_heap_check(base, 2, 3);
    UT_EQ(base[0], 3);
}

// Text is shared, never copied, and stays read-only after fork.
static void
mem_cow_text_shared(void)
{
    uint64 text = (uint64)mem_cow_text_shared;
    char first = *(volatile char *)text;
    struct meminfo m;
    int pid = UT_FORK();

    if (pid == 0) {
        ut_meminfo(&m);
        UT_CHECK(m.shared_pages > m.cow_pages); // text: shared, not COW
        UT_KILLED(ut_store, text);
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(*(volatile char *)text, first);
}

// sbrk shrink, exec and exit in the child drop its references only.
static void
mem_cow_drop_refs(void)
{
    char *base = cow_heap(16, 4);
    char *argv[] = {UT_SELF, "-argcheck", "empty", 0};
    int pid = UT_FORK();

    if (pid == 0) {
        UT_CHECK(sbrk(-8 * (int)PGSIZE) != (char *)-1);
        base[0] = 1; // one private copy, then exec drops everything
        exec(UT_SELF, argv);
        exit(3);
    }
    UT_EQ(UT_WAIT(pid), 103);
    cow_heap_check(base, 16, 4);
    for (int i = 0; i < 16; i++)
        base[i * PGSIZE + 512] = 0; // reuses: the child holds nothing now
}

// Reading every page of an untouched heap (128 MiB: 32768 faults) costs
// page-table pages only.
static void
mem_zero_read_sparse(void)
{
    struct meminfo m0, m1;
    volatile char *base = sbrk(ZERO_HEAP);
    uint64 sum = 0;

    UT_CHECK(base != (char *)-1);
    ut_meminfo(&m0);
    for (uint64 off = 0; off < ZERO_HEAP; off += PGSIZE)
        sum += base[off + (off >> 12) % PGSIZE];
    ut_meminfo(&m1);
    UT_EQ(sum, 0);
    UT_EQ(m1.resident_pages, m0.resident_pages);
    UT_EQ(m1.zero_pages - m0.zero_pages, ZERO_HEAP / PGSIZE);
    // One leaf table maps 2 MiB; a few more for the levels above.
    UT_CHECK(m0.free_pages - m1.free_pages <= ZERO_HEAP / (2 << 20) + 4);
}

// The first store to a zero-page mapping gets a private page; other
// mappings of the zero page still read 0, in this process and a child.
static void
mem_zero_then_write(void)
{
    volatile char *p = sbrk(3 * PGSIZE);
    struct meminfo m0, m1;
    int pid;

    UT_EQ(p[10] + p[PGSIZE + 10] + p[2 * PGSIZE], 0);
    ut_meminfo(&m0);
    p[10] = 42;
    ut_meminfo(&m1);
    UT_EQ(m1.resident_pages - m0.resident_pages, 1);
    UT_EQ(m0.zero_pages - m1.zero_pages, 1);
    UT_EQ(p[10], 42);
    UT_EQ(p[PGSIZE + 10], 0);
    pid = UT_FORK();
    if (pid == 0) {
        p[PGSIZE + 10] = 5;
        UT_EQ(p[2 * PGSIZE + 10], 0);
        exit(p[10] == 42 ? 0 : 1);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(p[PGSIZE + 10], 0);
    UT_EQ(p[2 * PGSIZE + 10], 0);
}

// Idle harts keep a pool of zeroed pages; faults take them (they must
// really be zero) and the pool fills again.
static void
mem_zero_pool(void)
{
    struct meminfo m;
    char *p;

    for (int i = 0; i < 50; i++) {
        ut_meminfo(&m);
        if (m.zeroed_pages > 0)
            break;
        sleep(1);
    }
    UT_CHECK(m.zeroed_pages > 0);
    p = sbrk(256 * PGSIZE);
    for (int i = 0; i < 256; i++) {
        uint64 *w = (uint64 *)(p + i * PGSIZE);
        w[7] = 1; // the fault; then the rest of the page must read 0
        for (int k = 0; k < (int)PGSIZE / 8; k++)
            if (k != 7 && w[k] != 0)
                UT_FAIL("a pre-zeroed page is not zero");
    }
}

const struct ut_test ut_cow_tests[] = {
    {"mem_cow_fork_shares", mem_cow_fork_shares, 0},
    {"mem_cow_parent_writes", mem_cow_parent_writes, 0},
    {"mem_cow_last_owner_reuses", mem_cow_last_owner_reuses, 0},
    {"mem_cow_kernel_writes", mem_cow_kernel_writes, 0},
    {"mem_cow_text_shared", mem_cow_text_shared, 0},
    {"mem_cow_drop_refs", mem_cow_drop_refs, 0},
    {"mem_zero_read_sparse", mem_zero_read_sparse, 0},
    {"mem_zero_then_write", mem_zero_then_write, 0},
    {"mem_zero_pool", mem_zero_pool, 0},
    {0, 0, 0},
};
