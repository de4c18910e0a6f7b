// The allocator's shared pool behind the per-hart caches: kalloc.c owns it,
// kcache.c takes and gives pages in batches. Private to kernel/mm/.
#ifndef LAZYOS_KPOOL_H
#define LAZYOS_KPOOL_H

#include "types.h"
#include "riscv.h"
#include "machine.h"

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


// Pages in the zeroed pool (kalloc_zeroed_pages, inline for kzalloc).
extern uint64 kpool_nzeroed;

#endif
