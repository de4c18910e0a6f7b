// Physical page allocator over every RAM bank the device tree reports, with
// a reference count per page (shared pages: copy-on-write fork), per-hart
// caches of free pages, a pool of pages zeroed ahead of time by idle harts,
// and the one system-wide zero page.
#ifndef LAZYOS_KALLOC_H
#define LAZYOS_KALLOC_H

#include "types.h"

struct machine;

// Hands every page of RAM to the allocator except the reserved ranges in *m
// (which must already include the kernel image, the tree and the initrd).
// Called once on the boot hart.
void kalloc_init(const struct machine *m);
// One 4 KiB page with refcount 1, contents undefined; 0 when memory is out.
// Any hart, any context (takes no lock while this hart's cache has pages).
void *kalloc(void);
// One zeroed page with refcount 1; 0 when memory is out. Takes a page the
// idle harts zeroed when there is one, else zeroes inline.
void *kzalloc(void);
// Drops one reference; the page returns to the pool when none remain.
// Panics on a pointer that is not a page the allocator gave out.
void kfree(void *pa);
// Adds a reference to an allocated page.
void kpage_ref(void *pa);
// References to an allocated page (1 = one owner). Panics on non-RAM.
int kpage_refcount(void *pa);
// Like kpage_refcount but never panics: 0 for an address that is not a
// page of RAM the allocator manages. For walks that may race (procinfo).
int kpage_refcount_any(uint64 pa);
uint64 kalloc_free_pages(void);
uint64 kalloc_total_pages(void);
// Free pages that are zeroed already (the idle harts' pool).
uint64 kalloc_zeroed_pages(void);
// The system-wide page of zeros, mapped read-only for reads of untouched
// heap. Not counted, never freed: walkers skip it (kpage_put). Set once by
// kalloc_init; inline because every fault path asks.
extern uint64 kalloc_zero_pa;
static inline uint64
kalloc_zero_page(void)
{
    return kalloc_zero_pa;
}
// Drops a user leaf's reference: kfree, except for the zero page.
static inline void
kpage_put(uint64 pa)
{
    if (pa != kalloc_zero_page())
        kfree((void *)pa);
}
// For an idle hart: zeroes one free page into the pool. Returns 1 if it
// did work (call again before sleeping), 0 when the pool is full or
// memory is out. Called from the scheduler's idle loop, interrupts on.
int kalloc_idle_work(void);

#endif
