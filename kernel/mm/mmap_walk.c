// A range walker over a user page table for the mapping code: it visits
// the leaves that exist in a range and skips empty subtrees.
#include "types.h"
#include "riscv.h"
#include "mmap.h"

#define NPTE 512

static int
walk_level(pagetable_t pt, int level, uint64 base, uint64 start, uint64 end,
           mm_leaf_fn fn, void *arg)
{
    uint64 span = LEVELSIZE(level);
    int sum = 0;
    for (uint64 i = (start - base) / span; i < NPTE; i++) {
        uint64 lo = base + i * span;
        if (lo >= end)
            break;
        if (!(pt[i] & PTE_V))
            continue;
        if (level == 0) {
            sum += fn(&pt[i], lo, arg);
            continue;
        }
        if (pt[i] & PTE_LEAF)
            continue; // user tables hold no large pages; never descend one
        uint64 hi = lo + span;
        sum +=
            walk_level((pagetable_t)PTE2PA(pt[i]), level - 1, lo,
                       start > lo ? start : lo, end < hi ? end : hi, fn, arg);
    }
    return sum;
}

int
mm_walk(pagetable_t pt, uint64 start, uint64 end, mm_leaf_fn fn, void *arg)
{
    if (start >= end || end > MAXVA)
        return 0;
    return walk_level(pt, PTLEVELS - 1, 0, start, end, fn, arg);
}
