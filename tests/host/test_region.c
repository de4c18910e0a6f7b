// Host tests of the mmap region list (kernel/mm/region.c): sorted insert,
// overlap and capacity refusals, munmap's carve and split with file
// offsets, the top-down gap search and sbrk's ceiling.
#include <stdlib.h>

#include "hosttest.h"
#include "kernel/types.h"
#include "kernel/mm/region.h"

#define PG 4096UL
#define LO (16 * PG)  // the break, in these tests
#define HI (256 * PG) // the trapframe

static struct region_list list;
static struct region_cut cut[NMMAP];

static struct region
reg(uint64 start_pg, uint64 end_pg, uint64 off_pg)
{
    struct region r = {start_pg * PG, end_pg * PG,           PROT_READ,
                       MAP_SHARED,    (struct file *)0x1000, off_pg * PG};
    return r;
}

static int
add(uint64 start_pg, uint64 end_pg)
{
    struct region r = reg(start_pg, end_pg, start_pg);
    return region_insert(&list, &r);
}

static void
reset(void)
{
    memset(&list, 0, sizeof(list));
}

// Inserts keep address order; overlaps, empty regions and a full list
// are refused and change nothing.
static void
test_insert_sorted(void)
{
    reset();
    CHECK_EQ(add(100, 110), 0);
    CHECK_EQ(add(20, 30), 0);
    CHECK_EQ(add(50, 60), 0);
    CHECK_EQ(list.n, 3);
    CHECK_EQ(list.r[0].start, 20 * PG);
    CHECK_EQ(list.r[1].start, 50 * PG);
    CHECK_EQ(list.r[2].start, 100 * PG);
    CHECK_EQ(add(25, 26), -1);   // inside
    CHECK_EQ(add(45, 51), -1);   // straddles a start
    CHECK_EQ(add(109, 120), -1); // straddles an end
    CHECK_EQ(add(10, 200), -1);  // covers all
    CHECK_EQ(add(70, 70), -1);   // empty
    CHECK_EQ(list.n, 3);
    CHECK_EQ(add(30, 50), 0); // exactly the gap
    CHECK_EQ(list.r[1].start, 30 * PG);
    reset();
    for (int i = 0; i < NMMAP; i++)
        CHECK_EQ(add(20 + 2 * i, 21 + 2 * i), 0);
    CHECK_EQ(add(100, 101), -1);
    CHECK_EQ(list.n, NMMAP);
}

static void
test_find(void)
{
    reset();
    add(20, 30);
    add(50, 60);
    CHECK(region_find(&list, 20 * PG) == &list.r[0]);
    CHECK(region_find(&list, 30 * PG - 1) == &list.r[0]);
    CHECK(region_find(&list, 30 * PG) == 0);
    CHECK(region_find(&list, 55 * PG + 7) == &list.r[1]);
    CHECK(region_find(&list, 60 * PG) == 0);
    CHECK(region_find(&list, 0) == 0);
    CHECK(region_find(&list, ~0UL) == 0);
    CHECK_EQ(region_overlaps(&list, 30 * PG, 50 * PG), 0);
    CHECK_EQ(region_overlaps(&list, 29 * PG, 31 * PG), 1);
}

// A hole in the middle splits the region; each piece keeps the file
// offset of its own first page.
static void
test_carve_split(void)
{
    reset();
    add(20, 30);
    CHECK_EQ(region_carve(&list, 23 * PG, 25 * PG, cut), 1);
    CHECK_EQ(cut[0].r.start, 23 * PG);
    CHECK_EQ(cut[0].r.end, 25 * PG);
    CHECK_EQ(cut[0].r.off, 23 * PG);
    CHECK_EQ(cut[0].kept, 2);
    CHECK_EQ(list.n, 2);
    CHECK_EQ(list.r[0].start, 20 * PG);
    CHECK_EQ(list.r[0].end, 23 * PG);
    CHECK_EQ(list.r[0].off, 20 * PG);
    CHECK_EQ(list.r[1].start, 25 * PG);
    CHECK_EQ(list.r[1].end, 30 * PG);
    CHECK_EQ(list.r[1].off, 25 * PG);
}

// Head, tail, whole regions, and one range across several regions and
// the gaps between them.
static void
test_carve_edges(void)
{
    reset();
    add(20, 30);
    CHECK_EQ(region_carve(&list, 20 * PG, 22 * PG, cut), 1);
    CHECK_EQ(cut[0].kept, 1);
    CHECK_EQ(list.r[0].start, 22 * PG);
    CHECK_EQ(list.r[0].off, 22 * PG);
    CHECK_EQ(region_carve(&list, 28 * PG, 40 * PG, cut), 1);
    CHECK_EQ(cut[0].r.start, 28 * PG);
    CHECK_EQ(cut[0].r.end, 30 * PG);
    CHECK_EQ(list.r[0].end, 28 * PG);
    reset();
    add(20, 30);
    add(40, 50);
    add(60, 70);
    add(80, 90);
    CHECK_EQ(region_carve(&list, 25 * PG, 65 * PG, cut), 3);
    CHECK_EQ(cut[0].kept, 1);
    CHECK_EQ(cut[1].kept, 0);
    CHECK_EQ(cut[1].r.start, 40 * PG);
    CHECK_EQ(cut[2].r.end, 65 * PG);
    CHECK_EQ(list.n, 3);
    CHECK_EQ(list.r[0].end, 25 * PG);
    CHECK_EQ(list.r[1].start, 65 * PG);
    CHECK_EQ(list.r[2].start, 80 * PG);
    CHECK_EQ(region_carve(&list, 100 * PG, 110 * PG, cut), 0);
    CHECK_EQ(region_carve(&list, 0, HI, cut), 3);
    CHECK_EQ(list.n, 0);
}

// A split of a full list fails before changing anything.
static void
test_carve_full(void)
{
    reset();
    for (int i = 0; i < NMMAP; i++)
        add(20 + 4 * i, 23 + 4 * i);
    CHECK_EQ(region_carve(&list, 21 * PG, 22 * PG, cut), -1);
    CHECK_EQ(list.n, NMMAP);
    CHECK_EQ(list.r[0].end, 23 * PG);
    CHECK_EQ(region_carve(&list, 20 * PG, 21 * PG, cut), 1); // head: fine
    CHECK_EQ(list.n, NMMAP);
}

// Gaps are taken from the top down, between regions when needed.
static void
test_gap(void)
{
    reset();
    CHECK_EQ(region_gap(&list, LO, HI, 10 * PG), HI - 10 * PG);
    CHECK_EQ(region_gap(&list, LO, HI, HI - LO), LO);
    CHECK_EQ(region_gap(&list, LO, HI, HI - LO + PG), 0);
    CHECK_EQ(region_gap(&list, LO, HI, 0), 0);
    add(250, 256);
    add(200, 245);
    CHECK_EQ(region_gap(&list, LO, HI, 5 * PG), 245 * PG);
    CHECK_EQ(region_gap(&list, LO, HI, 6 * PG), 194 * PG);
    CHECK_EQ(region_gap(&list, LO, HI, 184 * PG), LO);
    CHECK_EQ(region_gap(&list, LO, HI, 185 * PG), 0);
    CHECK_EQ(region_gap(&list, 210 * PG, HI, PG), 249 * PG);
    CHECK_EQ(region_gap(&list, 246 * PG, HI, 5 * PG), 0);
    CHECK_EQ(region_lowest(&list, HI), 200 * PG);
    reset();
    CHECK_EQ(region_lowest(&list, HI), HI);
}

int
main(void)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_insert_sorted), HT_TEST(test_find),
        HT_TEST(test_carve_split),   HT_TEST(test_carve_edges),
        HT_TEST(test_carve_full),    HT_TEST(test_gap),
    };
    return HT_RUN(tests);
}
