// The allocator's shared pool behind the per-hart caches: kalloc.c owns it,
// kcache.c takes and gives pages in batches. Private to kernel/mm/.
#ifndef LAZYOS_KPOOL_H
#define LAZYOS_KPOOL_H

#include "types.h"
#include "riscv.h"
#include "machine.h"
#include "kalloc.h"

// A RAM bank and the reference count of each of its pages (0 = free).
struct kpool_bank {
    uint64 base;   // first page
    uint64 npages;
    uint32 *ref;
};
extern struct kpool_bank kpool_bank[MACHINE_MAX_MEM];
extern int kpool_nbank;
// Free pages at boot; kcache.c adds each hart's gains and losses since.
extern uint64 kpool_nfree;

// Count of a page the allocator never hands out (firmware, kernel image,
// the reference-count arrays, the zero page).
#define KPOOL_RESERVED 0xffffffffu

// Reference-count slot of an allocated page; panics on anything else.
uint32 *kpool_ref(void *pa);
// Moves up to max free pages into out[] (contents undefined); returns how
// many. Zeroed pages are handed out as plain ones only when nothing else
// is left. Takes the pool lock.
int kpool_take(void **out, int max);
// Moves up to max zeroed pages into out[]; returns how many.
int kpool_take_zeroed(void **out, int max);
// Gives n free pages (refcount 0) back to the pool.
void kpool_give(void **pages, int n);
// Gives one zeroed free page to the pool; 0 if the pool is full (the page
// is then the caller's to give back with kpool_give).
int kpool_give_zeroed(void *pa);
// Whether the zeroed pool has room (racy: a hint for the idle harts).
int kpool_zeroed_wanted(void);
// Empties every hart's cache (kcache.c); kalloc_init calls it first, so
// host tests may start over on new fake RAM.
void kcache_init(void);
// Reference-count slot of page pa if it lies in the first bank (most
// machines have one), else 0. Never fails; no call, so callers' fast
// paths need no stack frame.
static inline uint32 *
kpool_ref_bank0(uint64 pa)
{
    uint64 off = pa - kpool_bank[0].base;
    if (off < kpool_bank[0].npages * PGSIZE && (off & (PGSIZE - 1)) == 0)
        return &kpool_bank[0].ref[off >> PGSHIFT];
    return 0;
}

// Reference-count slot of page pa: inline for the first bank (most
// machines have one), kpool_ref() for the rest and for bad pointers.
static inline uint32 *
kpool_ref_fast(uint64 pa)
{
    uint64 off = pa - kpool_bank[0].base;
    if (off < kpool_bank[0].npages * PGSIZE && (off & (PGSIZE - 1)) == 0)
        return &kpool_bank[0].ref[off >> PGSHIFT];
    return kpool_ref((void *)pa);
}

// A page whose last reference went (its count is 0 now): into this hart's
// cache of free pages. Any context; kcache.c.
void kcache_put(void *pa);

// fork and exit change the count of every page of a process in a row:
// they copy bank 0 into a kpool_span once, so that finding a page's count
// costs no loads. Pages are named by number (address / PGSIZE), which is
// what a PTE holds.
struct kpool_span {
    uint64 first; // number of bank 0's first page
    uint64 npages;
    uint32 *ref;
};

static inline struct kpool_span
kpool_span0(void)
{
    struct kpool_bank *b = &kpool_bank[0];
    return (struct kpool_span){b->base >> PGSHIFT, b->npages, b->ref};
}

// kpage_ref of page number pn, inline when s holds it. The check reads the
// count the atomic found, which no other hart can change in between. On a
// bad count the increment is undone and kpage_ref, the checked road,
// panics.
static inline void
kpool_span_get(struct kpool_span s, uint64 pn)
{
    uint64 i = pn - s.first;
    if (i < s.npages) {
        uint32 was = __atomic_fetch_add(&s.ref[i], 1, __ATOMIC_RELAXED);
        if (was - 1 < KPOOL_RESERVED - 2) // 1 .. KPOOL_RESERVED - 2
            return;
        __atomic_fetch_sub(&s.ref[i], 1, __ATOMIC_RELAXED);
    }
    kpage_ref((void *)(pn << PGSHIFT));
}

// kfree of page number pn, inline when s holds it (never the zero page: it
// is reserved). Checked like kpool_span_get: a free or reserved page gets
// its count back and kfree panics on it.
static inline void
kpool_span_put(struct kpool_span s, uint64 pn)
{
    uint64 i = pn - s.first;
    if (i < s.npages) {
        // acq_rel: the last owner's writes happen before the page's reuse.
        uint32 left = __atomic_sub_fetch(&s.ref[i], 1, __ATOMIC_ACQ_REL);
        if (left - 1 < KPOOL_RESERVED - 2) // still shared: the usual case
            return;
        if (left == 0) {
            kcache_put((void *)(pn << PGSHIFT));
            return;
        }
        __atomic_fetch_add(&s.ref[i], 1, __ATOMIC_RELAXED);
    }
    kfree((void *)(pn << PGSHIFT));
}

// Pages in the zeroed pool (kalloc_zeroed_pages, inline for kzalloc).
extern uint64 kpool_nzeroed;

#endif
