// User address spaces: allocation, teardown, fork's copy. Every walker here
// recurses by level and skips invalid entries, so its cost follows the
// pages that exist, never the size of the break.
#include "types.h"
#include "riscv.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "vm.h"

#define TOP_LEVEL (PTLEVELS - 1)
#define NPTE 512

pagetable_t
uvm_create(void)
{
    return kzalloc();
}

// Unmaps [start, end) within the table pt that maps from va `base` at
// `level`; frees the pages and any child table the range covers entirely.
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
            kfree((void *)PTE2PA(pte));
            pt[i] = 0;
            n++;
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

// Copies the user leaves under old (a table at `level`) into new.
// Kernel-only leaves (trampoline, trapframe) are skipped: the child has
// its own, mapped by proc_pagetable.
static int
copy_level(pagetable_t old, pagetable_t new, int level)
{
    for (int i = 0; i < NPTE; i++) {
        pte_t pte = old[i];
        if (!(pte & PTE_V))
            continue;
        if (level == 0) {
            if (!(pte & PTE_U))
                continue;
            void *page = kalloc();
            if (page == 0)
                return -1;
            page_copy(page, (void *)PTE2PA(pte));
            new[i] = PA2PTE(page) | PTE_FLAGS(pte);
            continue;
        }
        if (!(new[i] & PTE_V)) {
            pagetable_t child = kzalloc();
            if (child == 0)
                return -1;
            new[i] = PA2PTE(child) | PTE_V;
        }
        if (copy_level((pagetable_t)PTE2PA(pte), (pagetable_t)PTE2PA(new[i]),
                       level - 1) < 0)
            return -1;
    }
    return 0;
}

int
uvm_copy(pagetable_t old, pagetable_t new)
{
    return copy_level(old, new, TOP_LEVEL);
}

static void
free_level(pagetable_t pt, int level)
{
    for (int i = 0; i < NPTE; i++) {
        pte_t pte = pt[i];
        if (!(pte & PTE_V))
            continue;
        if (level == 0)
            kfree((void *)PTE2PA(pte));
        else
            free_level((pagetable_t)PTE2PA(pte), level - 1);
    }
    kfree(pt);
}

void
uvm_free(pagetable_t pt)
{
    free_level(pt, TOP_LEVEL);
}
