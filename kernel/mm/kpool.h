// The allocator's shared pool behind the per-hart caches: kalloc.c owns it,
// kcache.c takes and gives pages in batches. Private to kernel/mm/.
#ifndef LAZYOS_KPOOL_H
#define LAZYOS_KPOOL_H

#include "types.h"

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
// Free-page count: pages leave and return through these.
void kpool_count(int64 delta);

#endif
