// Host tests of the shared file page cache (kernel/mm/mmap_share.c) over
// the real allocator on fake RAM: hits, fills, waits, the last put, table
// pages coming and going, out of memory, and what read() and write() do
// to resident pages. Locks, sleep and the user copy are stubbed here.
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#include "hosttest.h"
#include "mm_stubs.h"
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/param.h"
#include "kernel/spinlock.h"
#include "kernel/proc.h"
#include "kernel/machine.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/mmap_share.h"

#define RAM_SIZE (8UL << 20)

// ---- stubs for what the code under test calls ----
struct cpu cpus[NCPU];
static int sleeps;
// Runs in place of another process while the caller sleeps (one hart).
static void (*while_asleep)(void);

void
initlock(struct spinlock *lk, const char *name)
{
    lk->name = name;
}

// On one hart a lock taken twice is a deadlock: abort the test.
void
acquire(struct spinlock *lk)
{
    if (lk->locked)
        abort();
    lk->locked = 1;
}

void
release(struct spinlock *lk)
{
    if (!lk->locked)
        abort();
    lk->locked = 0;
}

// Gives up lk as the kernel's sleep does; "the other process" runs now.
void
sleep(void *chan, struct spinlock *lk)
{
    (void)chan;
    sleeps++;
    release(lk);
    if (while_asleep == 0)
        abort(); // nobody would ever wake us
    void (*fn)(void) = while_asleep;
    while_asleep = 0;
    fn();
    acquire(lk);
}

void
wakeup(void *chan)
{
    (void)chan;
}

// Copies as the kernel's does; a user address of 1 is a bad one. Runs
// while_copying first, as another process might while the copy faults.
static void (*while_copying)(void);

int
either_copyout(int user_dst, uint64 dst, const void *src, uint64 len)
{
    if (while_copying)
        while_copying();
    while_copying = 0;
    if (user_dst && dst == 1)
        return -1;
    memmove((void *)dst, src, len);
    return 0;
}

// ---- fixture ----
static uint64 free0; // free pages after setup

static void
setup(void)
{
    mm_ram_init(RAM_SIZE);
    free0 = kalloc_free_pages();
    sleeps = 0;
}

#define KEY_A 0x1000
#define KEY_B 0x2000

// Page idx of key, filled with byte c; a first get must miss.
static void *
fill(uint64 key, uint64 idx, char c)
{
    void *pa = 0;
    CHECK_EQ(mshare_get(key, idx, 1, &pa), MSHARE_FILL);
    CHECK(pa != 0);
    if (pa == 0)
        return 0;
    memset(pa, c, PGSIZE);
    mshare_filled(key, idx, pa, 1);
    return pa;
}

// ---- tests ----
// A second mapper gets the same page; the entry lives until the last put.
static void
test_hit_and_last_put(void)
{
    setup();
    void *a = fill(KEY_A, 7, 'a'), *b = 0;
    CHECK_EQ(kpage_refcount(a), 1); // the cache holds no reference
    CHECK_EQ(mshare_get(KEY_A, 7, 1, &b), MSHARE_HIT);
    CHECK(a == b);
    CHECK_EQ(kpage_refcount(a), 2);
    CHECK_EQ(mshare_get(KEY_B, 7, 1, &b), MSHARE_FILL); // another file
    CHECK(a != b);
    mshare_filled(KEY_B, 7, b, 1);
    mshare_put(KEY_B, 7, b);
    mshare_put(KEY_A, 7, a);
    CHECK_EQ(kpage_refcount(a), 1);
    CHECK_EQ(mshare_get(KEY_A, 7, 0, &b), MSHARE_HIT); // still there
    CHECK(a == b);
    mshare_put(KEY_A, 7, a);
    mshare_put(KEY_A, 7, a);
    CHECK_EQ(kalloc_free_pages(), free0); // page and tables all back
    CHECK_EQ(mshare_get(KEY_A, 7, 0, &b), MSHARE_BUSY); // gone
}

// A failed fill leaves nothing; one that may not wait never fills.
static void
test_failed_fill_and_busy(void)
{
    setup();
    void *a = 0, *b = 0;
    CHECK_EQ(mshare_get(KEY_A, 3, 0, &a), MSHARE_BUSY);
    CHECK_EQ(kalloc_free_pages(), free0);
    CHECK_EQ(mshare_get(KEY_A, 3, 1, &a), MSHARE_FILL);
    CHECK_EQ(mshare_get(KEY_A, 3, 0, &b), MSHARE_BUSY); // being filled
    CHECK_EQ(mshare_copy(KEY_A, 3, mm_ram), 0);            // not yet
    mshare_filled(KEY_A, 3, a, 0);
    CHECK_EQ(kalloc_free_pages(), free0);
    a = fill(KEY_A, 3, 'x');
    mshare_put(KEY_A, 3, a);
    CHECK_EQ(kalloc_free_pages(), free0);
}

static void *filler_page;
static void *waiter_page;

static void
finish_fill(void)
{
    memset(filler_page, 'w', PGSIZE);
    mshare_filled(KEY_A, 9, filler_page, 1);
}

// A second faulter of a page being filled waits for that fill and gets
// the same page: one read, one page.
static void
test_wait_for_fill(void)
{
    setup();
    CHECK_EQ(mshare_get(KEY_A, 9, 1, &filler_page), MSHARE_FILL);
    while_asleep = finish_fill;
    CHECK_EQ(mshare_get(KEY_A, 9, 1, &waiter_page), MSHARE_HIT);
    CHECK_EQ(sleeps, 1);
    CHECK(waiter_page == filler_page);
    CHECK_EQ(((char *)waiter_page)[100], 'w');
    CHECK_EQ(kpage_refcount(waiter_page), 2);
    mshare_put(KEY_A, 9, waiter_page);
    mshare_put(KEY_A, 9, filler_page);
    CHECK_EQ(kalloc_free_pages(), free0);
}

// Indexes at the table's edges, for two files: each its own page, copies
// read the right bytes, and every table page goes with the last put.
static void
test_far_indexes(void)
{
    static const uint64 idx[] = {
        0, 511, 512, 1ul << 18, (1ul << 18) + 513, MSHARE_MAX_PAGES - 1};
    enum { N = sizeof(idx) / sizeof(idx[0]) };
    void *pa[2][N];
    setup();
    void *dst = kalloc();
    uint64 after_dst = kalloc_free_pages();
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < N; i++)
            pa[k][i] = fill(k ? KEY_B : KEY_A, idx[i], (char)('a' + i + k));
    CHECK(kalloc_free_pages() < after_dst - 2 * N); // table pages too
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < N; i++) {
            CHECK_EQ(mshare_copy(k ? KEY_B : KEY_A, idx[i], dst), 1);
            CHECK_EQ(((char *)dst)[5], 'a' + i + k);
        }
    }
    void *none = 0;
    CHECK_EQ(mshare_get(KEY_A, MSHARE_MAX_PAGES, 1, &none), MSHARE_NOMEM);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < N; i++)
            mshare_put(k ? KEY_B : KEY_A, idx[i], pa[k][i]);
    CHECK_EQ(kalloc_free_pages(), after_dst);
    kfree(dst);
    CHECK_EQ(kalloc_free_pages(), free0);
}

// With memory gone a miss is MSHARE_NOMEM and leaves nothing behind; one
// file entry per open file, and no more.
static void
test_out_of_memory_and_full(void)
{
    setup();
    void **hoard = malloc((free0 + 1) * sizeof(void *)), *pa = 0;
    uint64 n = 0;
    while ((hoard[n] = kalloc()) != 0)
        n++;
    CHECK_EQ(mshare_get(KEY_A, 1, 1, &pa), MSHARE_NOMEM);
    kfree(hoard[--n]); // room for the page but not its tables
    CHECK_EQ(mshare_get(KEY_A, 1, 1, &pa), MSHARE_NOMEM);
    CHECK_EQ(kalloc_free_pages(), 1);
    while (n > 0)
        kfree(hoard[--n]);
    free(hoard);
    void *page[NFILE];
    for (int i = 0; i < NFILE; i++)
        page[i] = fill(KEY_A + i * 8, 0, 'f');
    CHECK_EQ(mshare_get(KEY_A + NFILE * 8, 0, 1, &pa), MSHARE_NOMEM);
    for (int i = 0; i < NFILE; i++)
        mshare_put(KEY_A + i * 8, 0, page[i]);
    CHECK_EQ(kalloc_free_pages(), free0);
}

// write()'s bytes reach a resident page, filled or being filled, and no
// other; read() copies from a filled page only, holding it meanwhile.
static void
test_update_and_read(void)
{
    setup();
    char got[8] = {0};
    CHECK_EQ(mshare_update(KEY_A, 10, "XYZ", 3), 0); // nothing resident
    char *a = fill(KEY_A, 2, 'a');
    CHECK_EQ(mshare_update(KEY_A, 2 * PGSIZE + 10, "XYZ", 3), 1);
    CHECK_EQ(mshare_update(KEY_B, 2 * PGSIZE + 10, "QQ", 2), 0);
    CHECK_EQ(mshare_update(KEY_A, 3 * PGSIZE + 10, "QQ", 2), 0);
    CHECK(memcmp(a + 9, "aXYZa", 5) == 0);
    CHECK_EQ(mshare_read(KEY_A, 2 * PGSIZE + 9, 1, (uint64)got, 5), 1);
    CHECK(memcmp(got, "aXYZa", 5) == 0);
    CHECK_EQ(mshare_read(KEY_A, 3 * PGSIZE, 1, (uint64)got, 5), 0);
    CHECK_EQ(mshare_read(KEY_A, 2 * PGSIZE, 1, 1, 5), -1); // bad address
    CHECK_EQ(kpage_refcount(a), 1); // the reads let go of the page
    void *b = 0;
    CHECK_EQ(mshare_get(KEY_A, 4, 1, &b), MSHARE_FILL);
    CHECK_EQ(mshare_update(KEY_A, 4 * PGSIZE + 1, "F", 1), 1);
    CHECK_EQ(((char *)b)[1], 'F');
    CHECK_EQ(mshare_read(KEY_A, 4 * PGSIZE, 1, (uint64)got, 2), 0);
    mshare_filled(KEY_A, 4, b, 1);
    mshare_put(KEY_A, 4, b);
    mshare_put(KEY_A, 2, a);
    CHECK_EQ(kalloc_free_pages(), free0);
}

static void *unmapped_page;

static void
unmap_page(void)
{
    mshare_put(KEY_A, 5, unmapped_page);
}

// The mapping goes while read() copies from its page: the read's hold is
// then the last, and the page and its entry go with it.
static void
test_read_outlives_mapping(void)
{
    setup();
    char got[4] = {0};
    unmapped_page = fill(KEY_A, 5, 'r');
    while_copying = unmap_page;
    CHECK_EQ(mshare_read(KEY_A, 5 * PGSIZE, 0, (uint64)got, 4), 1);
    CHECK(memcmp(got, "rrrr", 4) == 0);
    CHECK_EQ(kalloc_free_pages(), free0);
    CHECK_EQ(mshare_read(KEY_A, 5 * PGSIZE, 0, (uint64)got, 4), 0);
}

// Truncation zeroes every resident byte at or past the new end, pages in
// other leaves and pages being filled too, and nothing before it.
static void
test_truncate(void)
{
    setup();
    char *p0 = fill(KEY_A, 0, 'a'), *p1 = fill(KEY_A, 1, 'b');
    char *p2 = fill(KEY_A, 2, 'c'), *far = fill(KEY_A, 600, 'd');
    char *other = fill(KEY_B, 2, 'e');
    void *filling = 0;
    CHECK_EQ(mshare_get(KEY_A, 700, 1, &filling), MSHARE_FILL);
    memset(filling, 'f', PGSIZE);
    mshare_truncate(KEY_A, PGSIZE + 100);
    CHECK(p0[0] == 'a' && p0[PGSIZE - 1] == 'a');
    CHECK(p1[99] == 'b' && p1[100] == 0 && p1[PGSIZE - 1] == 0);
    CHECK(p2[0] == 0 && p2[PGSIZE - 1] == 0);
    CHECK(far[0] == 0 && ((char *)filling)[5] == 0);
    CHECK_EQ(other[7], 'e'); // another file
    mshare_filled(KEY_A, 700, filling, 1);
    void *pages[] = {p0, p1, p2, far, filling};
    uint64 idx[] = {0, 1, 2, 600, 700};
    for (int i = 0; i < 5; i++)
        mshare_put(KEY_A, idx[i], pages[i]);
    mshare_put(KEY_B, 2, other);
    CHECK_EQ(kalloc_free_pages(), free0);
}

// Putting a page the cache does not hold is a kernel bug: a panic. Last,
// as the panic leaves the cache's lock held.
static void
test_put_foreign_panics(void)
{
    setup();
    void *pa = kalloc();
    expect_panic = 1;
    int panicked = setjmp(panic_jmp);
    if (!panicked)
        mshare_put(KEY_A, 0, pa);
    expect_panic = 0;
    CHECK(panicked);
}

int
main(void)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_hit_and_last_put),
        HT_TEST(test_failed_fill_and_busy),
        HT_TEST(test_wait_for_fill),
        HT_TEST(test_far_indexes),
        HT_TEST(test_out_of_memory_and_full),
        HT_TEST(test_update_and_read),
        HT_TEST(test_read_outlives_mapping),
        HT_TEST(test_truncate),
        HT_TEST(test_put_foreign_panics),
    };
    return HT_RUN(tests);
}
