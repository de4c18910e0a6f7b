// The sorted region array behind mmap: lookup, insert, carve (munmap's
// split) and the search for a free gap. Knows nothing of pages or files.
#include "types.h"
#include "region.h"

struct region *
region_find(struct region_list *l, uint64 va)
{
    // Sixteen entries at most: a linear scan beats a binary search here.
    for (int i = 0; i < l->n; i++) {
        if (va < l->r[i].start)
            return 0; // sorted: nothing further can hold va
        if (va < l->r[i].end)
            return &l->r[i];
    }
    return 0;
}

int
region_overlaps(struct region_list *l, uint64 start, uint64 end)
{
    for (int i = 0; i < l->n; i++)
        if (l->r[i].start < end && start < l->r[i].end)
            return 1;
    return 0;
}

// Opens a hole at index i by moving the tail up one slot.
static void
shift_up(struct region_list *l, int i)
{
    for (int j = l->n; j > i; j--)
        l->r[j] = l->r[j - 1];
    l->n++;
}

static void
remove_at(struct region_list *l, int i)
{
    for (int j = i; j + 1 < l->n; j++)
        l->r[j] = l->r[j + 1];
    l->n--;
}

int
region_insert(struct region_list *l, const struct region *r)
{
    if (l->n == NMMAP || r->start >= r->end ||
        region_overlaps(l, r->start, r->end))
        return -1;
    int i = 0;
    while (i < l->n && l->r[i].start < r->start)
        i++;
    shift_up(l, i);
    l->r[i] = *r;
    return 0;
}

// Cuts [start, end) out of l->r[i] (which it overlaps) into *cut. Returns
// how many list slots the region now takes (0, 1 or 2).
static int
carve_one(struct region_list *l, int i, uint64 start, uint64 end,
          struct region_cut *cut)
{
    struct region *r = &l->r[i], left = *r, right = *r;
    uint64 lo = start > r->start ? start : r->start;
    uint64 hi = end < r->end ? end : r->end;
    cut->r = *r;
    cut->r.start = lo;
    cut->r.end = hi;
    cut->r.off = r->off + (lo - r->start);
    left.end = lo;
    right.start = hi;
    right.off = r->off + (hi - r->start);
    int keep_left = left.start < left.end, keep_right = right.start < right.end;
    cut->kept = keep_left + keep_right;
    if (keep_left && keep_right) {
        shift_up(l, i + 1); // the caller checked that a slot is free
        l->r[i] = left;
        l->r[i + 1] = right;
    } else if (keep_left) {
        *r = left;
    } else if (keep_right) {
        *r = right;
    } else {
        remove_at(l, i);
    }
    return cut->kept;
}

int
region_carve(struct region_list *l, uint64 start, uint64 end,
             struct region_cut *cut)
{
    // Only a region strictly containing [start, end) splits; check the
    // slot first so that a failure changes nothing.
    for (int i = 0; i < l->n; i++)
        if (l->r[i].start < start && end < l->r[i].end && l->n == NMMAP)
            return -1;
    int ncut = 0;
    for (int i = 0; i < l->n && l->r[i].start < end;) {
        if (l->r[i].end <= start) {
            i++;
            continue;
        }
        // The pieces that stay lie before `end` only on the left, so the
        // scan resumes after however many slots remain at i.
        i += carve_one(l, i, start, end, &cut[ncut++]);
    }
    return ncut;
}

uint64
region_gap(struct region_list *l, uint64 lo, uint64 hi, uint64 len)
{
    if (len == 0 || hi < lo || hi - lo < len)
        return 0;
    // Walk the gaps from the top: above the last region, then between.
    uint64 top = hi;
    for (int i = l->n - 1; i >= -1; i--) {
        uint64 bottom = i >= 0 ? l->r[i].end : lo;
        if (bottom < lo)
            bottom = lo;
        if (top > bottom && top - bottom >= len)
            return top - len;
        if (i >= 0 && l->r[i].start < top)
            top = l->r[i].start;
        if (top <= lo)
            return 0;
    }
    return 0;
}

uint64
region_lowest(struct region_list *l, uint64 hi)
{
    return l->n > 0 && l->r[0].start < hi ? l->r[0].start : hi;
}
