// Physical page allocator over every RAM bank the device tree reports, with
// a reference count per page (for shared pages later: copy-on-write, zero page).
#ifndef LAZYOS_KALLOC_H
#define LAZYOS_KALLOC_H

#include "types.h"

struct machine;

// Hands every page of RAM to the allocator except the reserved ranges in *m
// (which must already include the kernel image, the tree and the initrd).
// Called once on the boot hart.
void kalloc_init(const struct machine *m);
// One 4 KiB page with refcount 1, contents undefined; 0 when memory is out.
void *kalloc(void);
// One zeroed page with refcount 1; 0 when memory is out.
void *kzalloc(void);
// Drops one reference; the page returns to the pool when none remain.
// Panics on a pointer that is not a page the allocator gave out.
void kfree(void *pa);
// Adds a reference to an allocated page.
void kpage_ref(void *pa);
int kpage_refcount(void *pa);
uint64 kalloc_free_pages(void);
uint64 kalloc_total_pages(void);

#endif
