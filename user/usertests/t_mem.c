// Lazy sbrk tests: the break, sparse touches, fork of a lazy heap,
// shrinking, the address-space limit, meminfo counters, and untouched
// heap pages handed to system calls. Uses only system calls and ut.h.
#include "ut.h"

#define GIB (1 << 30)

// The layout main() starts with: one stack page right below the heap.
static void
mem_layout(void)
{
    struct meminfo m;
    int local;

    UT_EQ(ut_heap_start % PGSIZE, 0);
    UT_EQ((uint64)sbrk(0), ut_heap_start);
    UT_CHECK((uint64)&local < ut_heap_start);
    UT_CHECK((uint64)&local >= ut_heap_start - PGSIZE);
    UT_CHECK((uint64)mem_layout >= PGSIZE);
    ut_meminfo(&m);
    UT_EQ(m.page_size, PGSIZE);
    UT_EQ(m.vsize, ut_heap_start);
    UT_CHECK(m.free_pages > 0 && m.free_pages < m.total_pages);
    UT_CHECK(m.resident_pages > 0);
}

// 5000 one-byte steps: consecutive addresses, every byte usable.
static void
mem_sbrk_small(void)
{
    char *start = sbrk(0), *p;

    for (int i = 0; i < 5000; i++) {
        p = sbrk(1);
        UT_EQ(p, start + i);
        *p = (char)(i * 13 + 1);
    }
    UT_EQ(sbrk(0), start + 5000);
    for (int i = 0; i < 5000; i++)
        UT_EQ(start[i], (char)(i * 13 + 1));
}

// A 1 GiB break costs nothing until touched; every 4 MiB we read 0,
// write and read back. Returns the base.
static char *
mem_sparse_touch(void)
{
    struct meminfo m0, m1;
    char *base;
    volatile char *q;

    ut_meminfo(&m0);
    base = sbrk(GIB);
    UT_EQ(base, m0.vsize);
    ut_meminfo(&m1);
    UT_EQ(m1.vsize, m0.vsize + GIB);
    UT_EQ(m1.resident_pages, m0.resident_pages);
    UT_EQ(m1.free_pages, m0.free_pages);
    for (uint64 off = 0; off < GIB; off += 4 << 20) {
        q = base + off + (off >> 22) % PGSIZE;
        UT_EQ(*q, 0);
        *q = (char)((off >> 22) | 1);
        UT_EQ(*q, (char)((off >> 22) | 1));
    }
    ut_meminfo(&m1);
    UT_EQ(m1.resident_pages - m0.resident_pages, 256);
    UT_CHECK(m1.faults - m0.faults >= 256 && m1.faults - m0.faults <= 512);
    UT_CHECK(m0.free_pages - m1.free_pages >= 256);
    return base;
}

static void
mem_sbrk_big(void)
{
    struct meminfo m0, m1;
    char *base;

    ut_meminfo(&m0);
    base = mem_sparse_touch();
    UT_EQ(base[(64 << 20) + 16], 17);
    UT_EQ(sbrk(-GIB), base + GIB);
    ut_meminfo(&m1);
    UT_EQ(m1.vsize, m0.vsize);
    UT_EQ(m1.resident_pages, m0.resident_pages);
}

// A forked lazy heap: touched pages are copied, untouched ones stay
// untouched and read 0, and each side writes its own copy.
static void
mem_fork_lazy(void)
{
    struct meminfo m, mc;
    char *base = sbrk(GIB);
    int pid;

    base[0] = 'P';
    base[GIB / 2] = 'H';
    ut_meminfo(&m);
    pid = UT_FORK();
    if (pid == 0) {
        ut_meminfo(&mc);
        UT_EQ(mc.resident_pages, m.resident_pages);
        UT_EQ(mc.vsize, m.vsize);
        UT_EQ(base[0], 'P');
        UT_EQ(base[GIB / 2], 'H');
        base[0] = 'c';
        base[3 * PGSIZE] = 'C';
        for (uint64 off = 4 << 20; off < GIB; off += 4 << 20) {
            if (off == GIB / 2)
                continue;
            UT_EQ(base[off], 0);
            base[off] = (char)(off >> 22);
            UT_EQ(base[off], (char)(off >> 22));
        }
        sleep(2);
        UT_EQ(base[3 * PGSIZE], 'C');
        exit(0);
    }
    base[3 * PGSIZE] = 'Q';
    UT_EQ(UT_WAIT(pid), 0);
    UT_EQ(base[3 * PGSIZE], 'Q');
    UT_EQ(base[0], 'P');
    UT_EQ(base[4 << 20], 0);
}

// sbrk(-n) frees eagerly: the pages are gone (touching them kills) and
// come back zeroed when the break grows again.
static void
mem_shrink(void)
{
    char *base = sbrk(3 * PGSIZE);
    struct meminfo m0, m1;

    UT_EQ((uint64)base % PGSIZE, 0);
    for (int i = 0; i < 3; i++) {
        base[i * PGSIZE] = 'a' + i;
        base[i * PGSIZE + PGSIZE - 1] = 'z';
    }
    ut_meminfo(&m0);
    UT_EQ(sbrk(-2 * (int)PGSIZE), base + 3 * PGSIZE);
    UT_EQ(sbrk(0), base + PGSIZE);
    ut_meminfo(&m1);
    UT_CHECK(m1.free_pages >= m0.free_pages + 2);
    UT_EQ(m0.resident_pages - m1.resident_pages, 2);
    UT_KILLED(ut_load, (uint64)base + PGSIZE);
    UT_KILLED(ut_store, (uint64)base + 2 * PGSIZE + 5);
    UT_EQ(base[0], 'a');
    UT_EQ(base[PGSIZE - 1], 'z');
    UT_EQ(sbrk(2 * PGSIZE), base + PGSIZE);
    UT_EQ(base[PGSIZE], 0);
    UT_EQ(base[3 * PGSIZE - 1], 0);
}

// A break inside a page keeps that page; dropping below it frees it.
static void
mem_shrink_partial(void)
{
    char *base = sbrk(2 * PGSIZE);

    base[0] = 'j';
    base[PGSIZE + 10] = 'k';
    UT_EQ(sbrk(-100), base + 2 * PGSIZE);
    UT_EQ(sbrk(0), base + 2 * PGSIZE - 100);
    UT_EQ(base[PGSIZE + 10], 'k');
    UT_EQ(sbrk(-(int)PGSIZE), base + 2 * PGSIZE - 100);
    UT_KILLED(ut_load, (uint64)base + PGSIZE + 10);
    UT_EQ(base[0], 'j');
    UT_EQ(sbrk(PGSIZE + 100), base + PGSIZE - 100);
    UT_EQ(base[PGSIZE + 10], 0);
    UT_EQ(base[0], 'j');
}

// The break climbs to UT_HEAP_LIMIT and no further; a failed sbrk
// leaves it alone; none of this allocates a page until touched.
static void
mem_sbrk_limit(void)
{
    struct meminfo m0, m1;
    char *start = sbrk(0), *brk;
    int n = 0, rest;

    ut_meminfo(&m0);
    while (sbrk(0x7fffffff) != (char *)-1) {
        n++;
        UT_CHECK(n < 200);
    }
    brk = sbrk(0);
    UT_CHECK((uint64)brk <= UT_HEAP_LIMIT);
    UT_CHECK((uint64)brk + 0x7fffffff > UT_HEAP_LIMIT);
    rest = UT_HEAP_LIMIT - (uint64)brk;
    UT_EQ(sbrk(rest), brk);
    UT_EQ(sbrk(1), (char *)-1);
    UT_EQ(sbrk(PGSIZE), (char *)-1);
    UT_EQ((uint64)sbrk(0), UT_HEAP_LIMIT);
    ut_meminfo(&m1);
    UT_EQ(m1.vsize, UT_HEAP_LIMIT);
    UT_EQ(m1.free_pages, m0.free_pages);
    UT_EQ(m1.resident_pages, m0.resident_pages);
    // The highest heap page works like any other.
    *(volatile char *)(UT_HEAP_LIMIT - 1) = 9;
    UT_EQ(*(volatile char *)(UT_HEAP_LIMIT - 1), 9);
    UT_EQ((uint64)sbrk(-rest), UT_HEAP_LIMIT);
    while (n-- > 0)
        UT_CHECK(sbrk(-0x7fffffff) != (char *)-1);
    UT_EQ(sbrk(0), start);
    ut_meminfo(&m1);
    UT_EQ(m1.resident_pages, m0.resident_pages);
}

// Shrinking past address 0 fails and leaves the break alone.
static void
mem_sbrk_negative(void)
{
    char *brk = sbrk(0);

    UT_EQ(sbrk(-0x7fffffff), (char *)-1);
    UT_EQ(sbrk(0), brk);
    UT_EQ(sbrk(-(int)(uint64)brk - 1), (char *)-1);
    UT_EQ(sbrk(0), brk);
    UT_EQ(sbrk(-0x7fffffff - 1), (char *)-1);
    UT_EQ(sbrk(0), brk);
}

// faults counts pages brought in, once each; resident follows.
static void
mem_counters(void)
{
    struct meminfo m0, m1, m2;
    static struct procinfo pi[NPROC];
    char *base = sbrk(10 * PGSIZE);
    int n, me = getpid(), found = 0;

    // pi is copy-on-write after the runner's fork: faults of its own.
    memset(pi, 0, sizeof(pi));
    ut_meminfo(&m0);
    for (int i = 0; i < 10; i++)
        base[i * PGSIZE + i] = i + 1;
    ut_meminfo(&m1);
    UT_EQ(m1.faults - m0.faults, 10);
    UT_EQ(m1.resident_pages - m0.resident_pages, 10);
    UT_CHECK(m0.free_pages - m1.free_pages >= 10);
    UT_CHECK(m0.free_pages - m1.free_pages <= 13);
    for (int i = 0; i < 10; i++)
        base[i * PGSIZE + 100] = i;
    ut_meminfo(&m2);
    UT_EQ(m2.faults, m1.faults);
    UT_EQ(m2.resident_pages, m1.resident_pages);
    n = procinfo(pi, NPROC);
    for (int i = 0; i < n; i++) {
        if (pi[i].pid != me)
            continue;
        found = 1;
        UT_EQ(pi[i].faults, m2.faults);
        UT_EQ(pi[i].resident_pages, m2.resident_pages);
        UT_EQ(pi[i].vsize, m2.vsize);
    }
    UT_CHECK(found);
}

// A fresh untouched heap page (all sbrk calls here are page multiples).
static char *
mem_fresh(struct meminfo *before)
{
    char *p = sbrk(PGSIZE);

    UT_EQ((uint64)p % PGSIZE, 0);
    ut_meminfo(before);
    return p;
}

// The system call in between faulted exactly one page: a private one if it
// stored there, the shared zero page (nothing resident) if it only read.
static void
mem_one_more(const struct meminfo *before, int stored)
{
    struct meminfo now;

    ut_meminfo(&now);
    UT_EQ(now.faults - before->faults, 1);
    UT_EQ(now.resident_pages - before->resident_pages, stored);
    UT_EQ(now.zero_pages - before->zero_pages, !stored);
}

// read() from a file and a pipe, and write() to a file, through never
// touched heap pages: the kernel faults them in like user code would.
static void
mem_lazy_rw(void)
{
    struct meminfo m;
    int fd, fds[2];
    char *p;

    ut_write_file("utm_lazy", "lazydata", 8);
    fd = open("utm_lazy", O_RDONLY);
    UT_CHECK(fd >= 0);
    p = mem_fresh(&m);
    UT_EQ(read(fd, p + 100, 8), 8);
    mem_one_more(&m, 1);
    UT_EQ(memcmp(p + 100, "lazydata", 8), 0);
    close(fd);
    UT_EQ(pipe(fds), 0);
    UT_EQ(write(fds[1], "pipe!", 5), 5);
    p = mem_fresh(&m);
    UT_EQ(read(fds[0], p + 7, 5), 5);
    mem_one_more(&m, 1);
    UT_EQ(memcmp(p + 7, "pipe!", 5), 0);
    p = mem_fresh(&m);
    UT_EQ(write(fds[1], p, 3), 3);
    mem_one_more(&m, 0);
    UT_EQ(read(fds[0], p + 10, 3), 3);
    UT_EQ(p[10] | p[11] | p[12], 0);
    close(fds[0]);
    close(fds[1]);
    fd = open("utm_lazy", O_TRUNC | O_RDWR);
    UT_CHECK(fd >= 0);
    p = mem_fresh(&m);
    UT_EQ(write(fd, p + 50, 100), 100);
    mem_one_more(&m, 0);
    close(fd);
    fd = open("utm_lazy", O_RDONLY);
    UT_EQ(read(fd, p, PGSIZE), 100);
    for (int i = 0; i < 100; i++)
        UT_EQ(p[i], 0);
    close(fd);
    UT_EQ(unlink("utm_lazy"), 0);
}

// pipe(), fstat(), wait() and meminfo() results into untouched pages.
static void
mem_lazy_args(void)
{
    struct meminfo m;
    struct stat *st;
    char *p;
    int *fds, pid;

    p = mem_fresh(&m);
    fds = (int *)p;
    UT_EQ(pipe(fds), 0);
    mem_one_more(&m, 1);
    UT_EQ(write(fds[1], "f", 1), 1);
    close(fds[0]);
    close(fds[1]);
    // fstat works on inodes (a pipe gives -1, as in xv6): use ".".
    int dfd = open(".", O_RDONLY);
    UT_CHECK(dfd >= 0);
    st = (struct stat *)mem_fresh(&m);
    UT_EQ(fstat(dfd, st), 0);
    mem_one_more(&m, 1);
    UT_EQ(st->type, T_DIR);
    close(dfd);
    pid = UT_FORK();
    if (pid == 0)
        exit(9);
    p = mem_fresh(&m);
    UT_EQ(wait((int *)p), pid);
    mem_one_more(&m, 1);
    UT_EQ(*(int *)p, 9);
    p = mem_fresh(&m);
    UT_EQ(meminfo((struct meminfo *)p), 0);
    UT_EQ(((struct meminfo *)p)->page_size, PGSIZE);
}

// exec() argument strings in an untouched page: they read as "".
static void
mem_lazy_exec(void)
{
    char *p = sbrk(PGSIZE), *argv[6];
    int pid;

    argv[0] = UT_SELF;
    argv[1] = "-argcheck";
    argv[2] = "empty";
    argv[3] = p;
    argv[4] = p + 1000;
    argv[5] = 0;
    pid = UT_FORK();
    if (pid == 0) {
        exec(UT_SELF, argv);
        exit(3);
    }
    UT_EQ(UT_WAIT(pid), 105);
}

// An `ld -N` image (xv6's forktest is one): a single writable and
// executable segment, loaded as asked. The code stores 7 into its own
// segment, loads it back and exits with it.
static void
mem_exec_rwx(void)
{
    static const uint32 code[] = {
        0x00000297, // auipc t0, 0
        0x00700313, // addi t1, zero, 7
        0x0462b023, // sd t1, 64(t0)
        0x0402b503, // ld a0, 64(t0)
        0x00200893, // addi a7, zero, 2 (SYS_exit)
        0x00000073, // ecall
        0x0000006f, // j .
    };
    static uchar elf[120 + sizeof(code)];
    uint64 hdr[] = {
        // ELF header: 64-bit LE, ET_EXEC, EM_RISCV, entry 120, phoff 64.
        0x00010102464c457fUL, 0, 2 | (243UL << 16) | (1UL << 32), 120,
        64, 0, 0x0038004000000000UL, 1,
        // Program header: PT_LOAD, flags RWX, offset 0, vaddr/paddr 0.
        1 | (7UL << 32), 0, 0, 0, sizeof(elf), PGSIZE, PGSIZE,
    };
    char *argv[] = {"utm_rwx", 0};
    int pid;

    memmove(elf, hdr, 120);
    memmove(elf + 120, code, sizeof(code));
    ut_write_file("utm_rwx", elf, sizeof(elf));
    pid = UT_FORK();
    if (pid == 0) {
        exec("utm_rwx", argv);
        exit(3);
    }
    UT_EQ(UT_WAIT(pid), 7);
    UT_EQ(unlink("utm_rwx"), 0);
}

const struct ut_test ut_mem_tests[] = {
    {"mem_layout", mem_layout, 0},
    {"mem_sbrk_small", mem_sbrk_small, 0},
    {"mem_sbrk_big", mem_sbrk_big, 0},
    {"mem_fork_lazy", mem_fork_lazy, 0},
    {"mem_shrink", mem_shrink, 0},
    {"mem_shrink_partial", mem_shrink_partial, 0},
    {"mem_sbrk_limit", mem_sbrk_limit, 0},
    {"mem_sbrk_negative", mem_sbrk_negative, 0},
    {"mem_counters", mem_counters, 0},
    {"mem_lazy_rw", mem_lazy_rw, 0},
    {"mem_lazy_args", mem_lazy_args, 0},
    {"mem_lazy_exec", mem_lazy_exec, 0},
    {"mem_exec_rwx", mem_exec_rwx, 0},
    {0, 0, 0},
};
