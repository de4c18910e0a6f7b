// User address spaces: allocation, teardown, fork's copy-on-write share.
// Every walker here recurses by level and skips invalid entries, so its
// cost follows the pages that exist, never the size of the break.
#include "types.h"
#include "riscv.h"
#include "kalloc.h"
#include "kpool.h"
#include "klib.h"
#include "printf.h"
#include "vm.h"
#include "vmregion.h"

#define TOP_LEVEL (PTLEVELS - 1)
#define NPTE 512

// Index of the first valid entry of pt at or after i, or NPTE. Tables are
// mostly empty (a small process has five, with a handful of entries in
// all), so fork and exit spend their time here: eight entries are tested
// with one branch.
static inline int
next_valid(pagetable_t pt, int i, int n)
{
    for (; i < n && (i & 7) != 0; i++)
        if (pt[i] & PTE_V)
            return i;
    for (; i + 8 <= n; i += 8)
        if ((pt[i] | pt[i + 1] | pt[i + 2] | pt[i + 3] | pt[i + 4] |
             pt[i + 5] | pt[i + 6] | pt[i + 7]) & PTE_V)
            break;
    for (; i < n; i++)
        if (pt[i] & PTE_V)
            return i;
    return NPTE;
}

// The first valid entry at or after p and before end (both in one table),
// or end or beyond: for a leaf loop that found *p invalid. Out of line,
// so that the loops keep their registers for the pages, not for gaps.
static __attribute__((noinline)) pte_t *
leaf_skip(pte_t *p, pte_t *end)
{
    pagetable_t pt = (pagetable_t)PGROUNDDOWN((uint64)p); // tables are pages
    return pt + next_valid(pt, p - pt, end - pt);
}

// A leaf's page number (PTE2PA / PGSIZE without the shifts): what the
// reference counts are indexed by.
#define PTE2PN(pte) ((pte) >> 10)

pagetable_t
uvm_create(void)
{
    return kzalloc();
}

// Unmaps [start, end) within the table pt that maps from va `base` at
// `level`; drops the pages and frees any child table the range covers
// entirely. Counts the pages that were resident (not the zero page).
static uint64
unmap_level(pagetable_t pt, int level, uint64 base, uint64 start, uint64 end)
{
    uint64 span = LEVELSIZE(level), n = 0;
    for (uint64 i = (start - base) / span; i < NPTE; i++) {
        uint64 lo = base + i * span, hi = lo + span;
        if (lo >= end)
            break;
        pte_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        if (level == 0) {
            n += PTE2PA(pte) != kalloc_zero_page();
            kpage_put(PTE2PA(pte));
            pt[i] = 0;
            continue;
        }
        if (pte & PTE_LEAF)
            panic("uvm_unmap: large page in a user table");
        pagetable_t child = (pagetable_t)PTE2PA(pte);
        n += unmap_level(child, level - 1, lo, start > lo ? start : lo,
                         end < hi ? end : hi);
        if (start <= lo && hi <= end) {
            kfree(child);
            pt[i] = 0;
        }
    }
    return n;
}

uint64
uvm_unmap(pagetable_t pt, uint64 start, uint64 end)
{
    if (start >= end)
        return 0;
    if ((start % PGSIZE) != 0 || (end % PGSIZE) != 0 || end > MAXVA)
        panic("uvm_unmap: bad range %p-%p", (void *)start, (void *)end);
    return unmap_level(pt, TOP_LEVEL, 0, start, end);
}

int
uvm_alloc(pagetable_t pt, uint64 start, uint64 end, uint64 perm)
{
    uint64 va;
    for (va = start; va < end; va += PGSIZE) {
        pte_t *pte = vm_walk(pt, va, 1);
        void *page = pte && !(*pte & PTE_V) ? kzalloc() : 0;
        if (page == 0)
            goto undo; // out of memory, or the page is taken already
        *pte = PA2PTE(page) | perm | PTE_U | PTE_V | PTE_A | PTE_D;
    }
    return 0;
undo:
    uvm_unmap(pt, start, va);
    return -1;
}

uint64
uvm_dealloc(pagetable_t pt, uint64 oldsz, uint64 newsz)
{
    if (newsz >= oldsz)
        return 0;
    return uvm_unmap(pt, PGROUNDUP(newsz), PGROUNDUP(oldsz));
}

// The table *slot points to, made (zeroed) by the first call: a child
// gets a table only where the parent's has entries, not where shrinking
// the heap left an empty one. 0 when memory is out.
static pagetable_t
slot_table(pte_t *slot)
{
    if (*slot & PTE_V)
        return (pagetable_t)PTE2PA(*slot);
    pagetable_t t = kzalloc();
    if (t)
        *slot = PA2PTE(t) | PTE_V;
    return t;
}

// fork's work per page, so a loop of its own: no level test per entry,
// bank 0 and the zero page held in registers across the table (the
// stores to the tables would make the compiler reload globals), each
// count changed inline by kpool_span_get. Shares entries [first, n) of
// the leaf table old into the table at *slot, as share_level describes.
static __attribute__((noinline)) int
share_leaves(pagetable_t old, pte_t *slot, int first, int n)
{
    pte_t *end = old + n, *p = old + first;
    if (!(*p & PTE_V) && (p = leaf_skip(p, end)) >= end)
        return 0;
    pagetable_t new = slot_table(slot);
    if (new == 0)
        return -1;
    struct kpool_span bank = kpool_span0();
    uint64 zero = kalloc_zero_page() >> PGSHIFT;
    // The child's entry is at a fixed distance from the parent's: one
    // register for both tables.
    uint64 to_new = (uint64)new - (uint64)old;
    // A touched heap is runs of pages: the next entry is tested first,
    // the call for a gap kept off that road.
    for (; p < end; p++) {
        if (!(*p & PTE_V) && (p = leaf_skip(p, end)) >= end)
            break;
        pte_t pte = *p;
        if (!(pte & PTE_U))
            continue;
        if ((pte & (PTE_W | PTE_SHARED)) == PTE_W)
            *p = pte = (pte & ~PTE_W) | PTE_COW;
        *(pte_t *)((uint64)p + to_new) = pte;
        if (PTE2PN(pte) != zero) // never counted
            kpool_span_get(bank, PTE2PN(pte));
    }
    return 0;
}

// Shares the user leaves of [start, end) under old (a table at `level`
// that maps from va `base`) into the child's table at *slot, made when
// needed. A writable private page becomes read-only and copy-on-write in
// both; the rest (text, the zero page, PTE_SHARED pages) is shared as it
// is. Kernel-only leaves (trampoline, trapframe) are skipped: the child
// has its own, from proc_pagetable.
static int
share_level(pagetable_t old, pte_t *slot, int level, uint64 base,
            uint64 start, uint64 end)
{
    uint64 span = LEVELSIZE(level);
    int first = (start - base) / span;
    int n = end - base >= NPTE * span ? NPTE : (end - base + span - 1) / span;
    if (level == 0)
        return share_leaves(old, slot, first, n);
    pagetable_t new = 0;
    for (int i = next_valid(old, first, n); i < n;
         i = next_valid(old, i + 1, n)) {
        if (new == 0 && (new = slot_table(slot)) == 0)
            return -1;
        uint64 lo = base + i * span;
        if (share_level((pagetable_t)PTE2PA(old[i]), &new[i], level - 1, lo,
                        start > lo ? start : lo,
                        end < lo + span ? end : lo + span) < 0)
            return -1;
    }
    return 0;
}

int
uvm_copy(pagetable_t old, pagetable_t new, uint64 start, uint64 end)
{
    if (start >= end)
        return 0;
    if ((start % PGSIZE) != 0 || (end % PGSIZE) != 0 || end > MAXVA)
        panic("uvm_copy: bad range %p-%p", (void *)start, (void *)end);
    // The parent's PTEs lose PTE_W here, but it is in the kernel: its
    // return to user mode (userret) flushes the TLB before it can store.
    pte_t root = PA2PTE(new) | PTE_V; // the one table the child has already
    return share_level(old, &root, TOP_LEVEL, 0, start, end);
}

// exit's work per page: a loop of its own, like share_leaves. Drops every
// leaf of the table pt (the zero page is not counted) and frees pt.
static __attribute__((noinline)) void
free_leaves(pagetable_t pt)
{
    struct kpool_span bank = kpool_span0();
    uint64 zero = kalloc_zero_page() >> PGSHIFT;
    pte_t *end = pt + NPTE;
    for (pte_t *p = pt; p < end; p++) {
        if (!(*p & PTE_V) && (p = leaf_skip(p, end)) >= end)
            break;
        if (PTE2PN(*p) != zero)
            kpool_span_put(bank, PTE2PN(*p));
    }
    kfree(pt);
}

static void
free_level(pagetable_t pt, int level)
{
    // The root maps MAXVA only with its lower half: nothing to find above.
    int n = level == TOP_LEVEL ? MAXVA / LEVELSIZE(TOP_LEVEL) : NPTE;
    for (int i = next_valid(pt, 0, n); i < n; i = next_valid(pt, i + 1, n)) {
        pagetable_t child = (pagetable_t)PTE2PA(pt[i]);
        if (level == 1)
            free_leaves(child);
        else
            free_level(child, level - 1);
    }
    kfree(pt);
}

void
uvm_free(pagetable_t pt)
{
    free_level(pt, TOP_LEVEL);
}

// Tallies the user leaves under pt (a table at `level`). Reads only: a
// table page must be an allocated page of RAM before it is followed, so a
// table another hart frees meanwhile yields a wrong count, never a fault.
static void
usage_level(pagetable_t pt, int level, struct vm_usage *u)
{
    for (int i = 0; i < NPTE; i++) {
        pte_t pte = __atomic_load_n(&pt[i], __ATOMIC_RELAXED);
        uint64 pa = PTE2PA(pte);
        if (!(pte & PTE_V))
            continue;
        if (level > 0) {
            if (!(pte & PTE_LEAF) && kpage_refcount_any(pa) > 0)
                usage_level((pagetable_t)pa, level - 1, u);
            continue;
        }
        if (!(pte & PTE_U))
            continue;
        if (pa == kalloc_zero_page()) {
            u->zero++;
            continue;
        }
        u->resident++;
        u->shared += kpage_refcount_any(pa) > 1;
        u->cow += (pte & PTE_COW) != 0;
    }
}

void
uvm_usage(pagetable_t pt, struct vm_usage *u)
{
    memset(u, 0, sizeof(*u));
    if (pt && kpage_refcount_any((uint64)pt) > 0)
        usage_level(pt, TOP_LEVEL, u);
}
