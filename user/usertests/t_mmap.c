// mmap tests, anonymous memory: lazy pages, where mappings go, sbrk and
// mmap kept apart, fork (shared stay shared, private are copied), partial
// munmap, and exec dropping every mapping. The runner checks free pages.
#include "ut.h"
#include "kernel/mm/mmap_abi.h"

#define NPAGES 16

static uint64
resident(void)
{
    struct meminfo m;

    ut_meminfo(&m);
    return m.resident_pages;
}

// Anonymous private pages of npages, or fail the test.
static char *
anon(int npages, int flags)
{
    char *p = mmap(0, npages * PGSIZE, PROT_READ | PROT_WRITE,
                   flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        UT_FAIL("mmap of anonymous memory failed");
    return p;
}

// Nothing arrives before a touch; each touched page reads 0 and counts
// once; munmap gives them back.
static void
mmap_anon_lazy(void)
{
    uint64 r0 = resident();
    char *p = anon(NPAGES, MAP_PRIVATE);

    UT_EQ(resident(), r0);
    for (int i = 0; i < NPAGES; i += 5) {
        UT_EQ(p[i * PGSIZE + 7], 0);
        p[i * PGSIZE + 7] = (char)(i + 1);
    }
    UT_EQ(resident(), r0 + 4);
    for (int i = 0; i < NPAGES; i += 5)
        UT_EQ(p[i * PGSIZE + 7], (char)(i + 1));
    UT_EQ(munmap(p, NPAGES * PGSIZE), 0);
    UT_EQ(resident(), r0);
    UT_KILLED(ut_load, (uint64)p);
}

// Without MAP_FIXED a mapping lies above the break and below the
// trapframe; sbrk stops at the lowest mapping and passes it once gone.
static void
mmap_placement(void)
{
    uint64 brk = (uint64)sbrk(0);
    char *p = anon(4, MAP_PRIVATE), *q = anon(4, MAP_PRIVATE);

    UT_CHECK((uint64)p >= brk && (uint64)p + 4 * PGSIZE <= UT_TRAPFRAME);
    UT_CHECK((uint64)q >= brk && (uint64)q + 4 * PGSIZE <= UT_TRAPFRAME);
    UT_CHECK(q + 4 * PGSIZE <= p || p + 4 * PGSIZE <= q);
    UT_EQ(munmap(p, 4 * PGSIZE), 0);
    UT_EQ(munmap(q, 4 * PGSIZE), 0);
    // A fixed mapping 8 pages above the break fences the heap in.
    uint64 at = PGROUNDUP(brk) + 8 * PGSIZE;
    char *f = mmap((void *)at, PGSIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    UT_EQ(f, at);
    UT_EQ(sbrk(at - brk), brk);
    UT_EQ(sbrk(1), -1);
    f[0] = 1; // the mapping works next to a full heap
    UT_EQ(munmap(f, PGSIZE), 0);
    UT_EQ(sbrk(PGSIZE), at);
    UT_EQ(sbrk(-(int)(at + PGSIZE - brk)), at + PGSIZE);
}

// MAP_SHARED memory stays shared across fork in both directions, pages
// touched before the fork and after it alike.
static void
mmap_fork_shared(void)
{
    volatile int *p = (volatile int *)anon(2, MAP_SHARED);
    p[0] = 11;
    int pid = UT_FORK();
    if (pid == 0) {
        UT_EQ(p[0], 11);
        p[0] = 22;
        p[PGSIZE / sizeof(int)] = 33; // a page untouched before fork
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(p[0], 22);
    UT_EQ(p[PGSIZE / sizeof(int)], 33);
    UT_EQ(munmap((void *)p, 2 * PGSIZE), 0);
}

// fork must bring every shared page in: it refuses up front when that
// would take more than half of free memory, allocating nothing.
static void
mmap_fork_shared_big(void)
{
    struct meminfo m;
    ut_meminfo(&m);
    uint64 len = m.free_pages * 3 / 4 * PGSIZE;
    char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    UT_CHECK(p != MAP_FAILED);
    p[0] = 1;
    uint64 before = ut_free_pages();
    UT_EQ(fork(), -1);
    UT_EQ(ut_free_pages(), before);
    UT_EQ(p[0], 1);
    UT_EQ(munmap(p, len), 0);
    UT_EQ(mmap(0, (m.total_pages + 1) * PGSIZE, PROT_READ,
               MAP_SHARED | MAP_ANONYMOUS, -1, 0),
          MAP_FAILED); // more than all of RAM: never
}

// MAP_PRIVATE memory is the child's own copy after fork (copy-on-write).
static void
mmap_fork_private(void)
{
    volatile int *p = (volatile int *)anon(1, MAP_PRIVATE);
    p[0] = 5;
    int pid = UT_FORK();
    if (pid == 0) {
        UT_EQ(p[0], 5);
        p[0] = 6;
        UT_EQ(p[0], 6);
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(p[0], 5);
    // A child that never unmaps: exit must give the pages back.
    pid = UT_FORK();
    if (pid == 0) {
        anon(4, MAP_PRIVATE)[0] = 1;
        exit(0);
    }
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(munmap((void *)p, PGSIZE), 0);
}

// munmap of the middle, the head and the tail: the rest keeps its data,
// what went is gone, resident pages follow.
static void
mmap_partial_munmap(void)
{
    char *p = anon(8, MAP_PRIVATE);
    for (int i = 0; i < 8; i++)
        p[i * PGSIZE] = (char)(i + 1);
    uint64 r0 = resident();
    UT_EQ(munmap(p + 3 * PGSIZE, 2 * PGSIZE), 0);
    UT_EQ(resident(), r0 - 2);
    UT_KILLED(ut_load, (uint64)p + 3 * PGSIZE);
    UT_KILLED(ut_store, (uint64)p + 5 * PGSIZE - 1);
    for (int i = 0; i < 8; i++)
        if (i < 3 || i >= 5)
            UT_EQ(p[i * PGSIZE], (char)(i + 1));
    UT_EQ(munmap(p, PGSIZE), 0);           // head
    UT_EQ(munmap(p + 7 * PGSIZE, 100), 0); // tail, length rounded up
    UT_EQ(p[PGSIZE], 2);
    UT_EQ(p[6 * PGSIZE], 7);
    UT_KILLED(ut_load, (uint64)p);
    UT_KILLED(ut_load, (uint64)p + 7 * PGSIZE);
    // One call across the two pieces left and the hole between them.
    UT_EQ(munmap(p, 8 * PGSIZE), 0);
    UT_EQ(resident(), r0 - 8);
    UT_KILLED(ut_load, (uint64)p + PGSIZE);
    UT_EQ(munmap(p, 8 * PGSIZE), 0); // nothing mapped there now: still 0
}

// The exec'd side of mmap_exec: the address the old image had mapped
// must be free again. Exits 0 when it is.
void
ut_mmap_exec_side(int argc, char **argv)
{
    uint64 at = 0;
    for (char *s = argv[2]; *s >= '0' && *s <= '9'; s++)
        at = at * 10 + (*s - '0'); // atoi stops at 31 bits
    ut_name = "mmap_exec (after exec)";
    UT_EQ(argc, 3);
    UT_KILLED(ut_load, at);
    char *p = mmap((void *)at, PGSIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    UT_EQ(p, at); // free: the fixed mapping fits exactly there
    exit(0);
}

// exec drops every mapping (its pages freed: the runner counts them).
static void
mmap_exec(void)
{
    char num[24], *argv[4];
    int pid = UT_FORK();
    if (pid == 0) {
        char *p = anon(3, MAP_SHARED);
        p[0] = p[PGSIZE] = 1;
        argv[0] = UT_SELF;
        argv[1] = "-mmapexec";
        argv[2] = ut_itoa((uint64)p, num);
        argv[3] = 0;
        exec(UT_SELF, argv);
        UT_FAIL("exec failed");
    }
    UT_EQ(UT_WAIT(pid), 0);
}

// The most mappings a process holds; a split needs a free slot.
static void
mmap_many(void)
{
    char *p[NMMAP];
    for (int i = 0; i < NMMAP; i++)
        p[i] = anon(3, MAP_PRIVATE);
    UT_EQ(mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          MAP_FAILED);
    p[0][PGSIZE] = 1;
    UT_EQ(munmap(p[0] + PGSIZE, PGSIZE), -1); // no slot for the split
    UT_EQ(p[0][PGSIZE], 1);                   // and nothing changed
    UT_EQ(munmap(p[1], PGSIZE), 0);           // a head needs no slot
    for (int i = 0; i < NMMAP; i++)
        UT_EQ(munmap(p[i], 3 * PGSIZE), 0);
}

const struct ut_test ut_mmap_tests[] = {
    {"mmap_anon_lazy", mmap_anon_lazy, 0},
    {"mmap_placement", mmap_placement, 0},
    {"mmap_fork_shared", mmap_fork_shared, 0},
    {"mmap_fork_shared_big", mmap_fork_shared_big, 0},
    {"mmap_fork_private", mmap_fork_private, 0},
    {"mmap_partial_munmap", mmap_partial_munmap, 0},
    {"mmap_exec", mmap_exec, 0},
    {"mmap_many", mmap_many, 0},
    {0, 0, 0},
};
