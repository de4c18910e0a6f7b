// mmap tests of what must fail: every bad argument to mmap, munmap and
// msync returns -1 (and changes nothing), and accesses against a
// mapping's protection kill only the process. The runner checks pages.
#include "ut.h"
#include "kernel/mm/mmap_abi.h"

#define FNAME "mmapbad.tmp"
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static void *
try_map(uint64 addr, uint64 len, int prot, int flags, int fd, uint64 off)
{
    return mmap((void *)addr, len, prot, flags, fd, off);
}

// Arguments wrong in themselves: length, prot, flags, fd, offset.
static void
mmap_bad_args(void)
{
    char data[100] = {1};
    ut_write_file(FNAME, data, sizeof(data));
    int ro = open(FNAME, O_RDONLY), wo = open(FNAME, O_WRONLY);
    int fds[2];
    UT_CHECK(ro >= 0 && wo >= 0 && pipe(fds) == 0);
    int dir = open(".", O_RDONLY);
    UT_CHECK(dir >= 0);
    UT_EQ(try_map(0, 0, RW, ANON, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, ~0UL, RW, ANON, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, MAXVA, RW, ANON, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_WRITE | PROT_EXEC, ANON, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, 8, ANON, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, RW, MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, RW, ANON | MAP_SHARED, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, RW, ANON | 0x1000, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, -1, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, NOFILE, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, 99999, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, ro, 1), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, ro, ~0UL & ~0xfffUL),
          MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_SHARED, ro, 8UL << 30),
          MAP_FAILED); // past the largest file
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, wo, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, RW, MAP_SHARED, ro, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, fds[0], 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, dir, 0), MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, PROT_READ, MAP_PRIVATE, 1, 0), MAP_FAILED);
    // What is allowed with the same files: a private writable copy of a
    // read-only file, a shared read-only view.
    char *p = try_map(0, PGSIZE, RW, MAP_PRIVATE, ro, 0);
    UT_CHECK(p != MAP_FAILED);
    UT_EQ(p[0], 1);
    char *q = try_map(0, PGSIZE, PROT_READ, MAP_SHARED, ro, 0);
    UT_CHECK(q != MAP_FAILED);
    UT_EQ(q[0], 1);
    UT_EQ(munmap(p, PGSIZE), 0);
    UT_EQ(munmap(q, PGSIZE), 0);
    close(ro);
    close(wo);
    close(dir);
    close(fds[0]);
    close(fds[1]);
    unlink(FNAME);
}

// MAP_FIXED must not land on the heap, stack, text, another mapping or
// the trapframe, nor at an unaligned address.
static void
mmap_bad_fixed(void)
{
    int local;
    uint64 brk = (uint64)sbrk(0), top = PGROUNDUP(brk);
    int fl = ANON | MAP_FIXED;
    UT_EQ(try_map(top + 1, PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    UT_EQ(try_map(top - PGSIZE, PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    UT_EQ(try_map(PGROUNDDOWN((uint64)&local), PGSIZE, RW, fl, -1, 0),
          MAP_FAILED);
    UT_EQ(try_map(0, PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    UT_EQ(try_map(PGSIZE, PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    UT_EQ(try_map(UT_TRAPFRAME, PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    UT_EQ(try_map(UT_TRAPFRAME - PGSIZE, 2 * PGSIZE, RW, fl, -1, 0),
          MAP_FAILED);
    UT_EQ(try_map(MAXVA, PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    char *p = try_map(top + 4 * PGSIZE, 2 * PGSIZE, RW, fl, -1, 0);
    UT_EQ(p, top + 4 * PGSIZE);
    UT_EQ(try_map(top + 5 * PGSIZE, PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    UT_EQ(try_map(top + 3 * PGSIZE, 2 * PGSIZE, RW, fl, -1, 0), MAP_FAILED);
    UT_EQ(try_map(UT_TRAPFRAME - PGSIZE, PGSIZE, RW, fl, -1, 0),
          UT_TRAPFRAME - PGSIZE); // the highest page there is
    UT_EQ(munmap((void *)(UT_TRAPFRAME - PGSIZE), PGSIZE), 0);
    UT_EQ(munmap(p, 2 * PGSIZE), 0);
}

// munmap and msync refuse unaligned or empty ranges, the heap, the stack,
// the trapframe; bad pointers are only numbers to them.
static void
mmap_bad_unmap(void)
{
    int local;
    char *p = try_map(0, 2 * PGSIZE, RW, ANON, -1, 0);
    UT_CHECK(p != MAP_FAILED);
    p[0] = 1;
    UT_EQ(munmap(p + 1, PGSIZE), -1);
    UT_EQ(munmap(p, 0), -1);
    UT_EQ(munmap((void *)PGROUNDDOWN((uint64)&local), PGSIZE), -1);
    UT_EQ(munmap((void *)PGSIZE, PGSIZE), -1);
    UT_EQ(munmap(p, ~0UL), -1);
    UT_EQ(munmap((void *)UT_TRAPFRAME, PGSIZE), -1);
    UT_EQ(munmap((void *)UT_TRAMPOLINE, PGSIZE), -1);
    UT_EQ(munmap((void *)MAXVA, PGSIZE), -1);
    UT_EQ(msync(p, PGSIZE, 0x100), -1);
    UT_EQ(msync(p + 1, PGSIZE, 0), -1);
    UT_EQ(msync(p, 0, 0), -1);
    UT_EQ(msync(p, PGSIZE, MS_SYNC), 0); // anonymous: nothing to write
    UT_EQ(p[0], 1);                      // every refusal changed nothing
    UT_EQ(munmap(p, 2 * PGSIZE), 0);
}

// Accesses the protection forbids kill the process, which leaks nothing.
static void
mmap_bad_access(void)
{
    char *ro = try_map(0, PGSIZE, PROT_READ, ANON, -1, 0);
    char *none = try_map(0, PGSIZE, PROT_NONE, ANON, -1, 0);
    UT_CHECK(ro != MAP_FAILED && none != MAP_FAILED);
    UT_EQ(ro[5], 0);
    UT_KILLED(ut_store, (uint64)ro);
    UT_KILLED(ut_load, (uint64)none);
    UT_KILLED(ut_store, (uint64)none);
    UT_KILLED(ut_call, (uint64)ro); // not PROT_EXEC
    // System calls treat them as bad buffers, without killing anyone.
    int fds[2];
    UT_EQ(pipe(fds), 0);
    UT_EQ(write(fds[1], "abc", 3), 3);
    UT_CHECK(read(fds[0], ro, 3) < 0);
    UT_CHECK(write(fds[1], none, 3) < 0);
    close(fds[0]);
    close(fds[1]);
    UT_EQ(munmap(ro, PGSIZE), 0);
    UT_EQ(munmap(none, PGSIZE), 0);
}

// PROT_WRITE alone still reads: Sv39 has no write-only pages, and a
// write-only PTE would fault on every access for ever.
static void
mmap_write_only(void)
{
    volatile char *p = try_map(0, 2 * PGSIZE, PROT_WRITE, ANON, -1, 0);
    UT_CHECK(p != MAP_FAILED);
    p[0] = 5;
    UT_EQ(p[0], 5);
    UT_EQ(p[PGSIZE], 0); // a load first
    p[PGSIZE] = 6;
    UT_EQ(p[PGSIZE], 6);
    UT_EQ(munmap((void *)p, 2 * PGSIZE), 0);
}

const struct ut_test ut_mmap_bad_tests[] = {
    {"mmap_bad_args", mmap_bad_args, 0},
    {"mmap_write_only", mmap_write_only, 0},
    {"mmap_bad_fixed", mmap_bad_fixed, 0},
    {"mmap_bad_unmap", mmap_bad_unmap, 0},
    {"mmap_bad_access", mmap_bad_access, 0},
    {0, 0, 0},
};
