// A process's mappings: a small array of regions kept sorted by address,
// never overlapping. Pure bookkeeping (no pages, no files), so host tests
// run it as it is; mmap.c gives the regions their meaning.
#ifndef LAZYOS_REGION_H
#define LAZYOS_REGION_H

#include "types.h"
#include "mmap_abi.h"

struct file;

struct region {
    uint64 start, end; // [start, end), page-aligned, start < end
    int prot;          // PROT_*
    int flags;         // MAP_SHARED or MAP_PRIVATE, maybe MAP_ANONYMOUS
    struct file *file; // 0 for anonymous memory
    uint64 off;        // file offset of start
};

// Owned by one process: only it changes the list (in its own system calls
// and exit), so no lock guards it. Others read it only while holding that
// process's p->lock with the process not running (see vminfo).
struct region_list {
    int n;
    struct region r[NMMAP];
};

// A piece region_carve took out of the list. `kept` says how many pieces
// of the same original region stayed (0, 1 or 2): the caller owes the
// original's file reference to them (drop it for 0, add one for 2).
struct region_cut {
    struct region r;
    int kept;
};

// The region holding va, or 0.
struct region *region_find(struct region_list *l, uint64 va);
// 1 if any region overlaps [start, end), else 0.
int region_overlaps(struct region_list *l, uint64 start, uint64 end);
// Adds *r in address order. -1 if the list is full or r overlaps a region.
int region_insert(struct region_list *l, const struct region *r);
// Removes [start, end) from every region it overlaps, splitting a region
// whose middle goes. The pieces removed go to cut[] (at most NMMAP).
// Returns how many, or -1 (list unchanged) when a split finds no free slot.
int region_carve(struct region_list *l, uint64 start, uint64 end,
                 struct region_cut *cut);
// The highest address a with [a, a+len) free inside [lo, hi), or 0 if no
// gap is long enough. Top-down, so mappings stay far from the heap.
uint64 region_gap(struct region_list *l, uint64 lo, uint64 hi, uint64 len);
// The lowest region start, or hi when the list is empty or all lie above.
uint64 region_lowest(struct region_list *l, uint64 hi);

#endif
