// Sv39 mechanics shared by kernel and user page tables: walking and mapping.
// Pure page-table logic (no CSRs), so host tests run it over fake RAM.
#include "types.h"
#include "riscv.h"
#include "memlayout.h"
#include "param.h"
#include "kalloc.h"
#include "printf.h"
#include "vm.h"

// A new, empty page-table page under *pte; 0 when memory is out.
static __attribute__((noinline)) pagetable_t
new_table(pte_t *pte)
{
    pagetable_t next = kzalloc();
    if (next)
        *pte = PA2PTE(next) | PTE_V;
    return next;
}

// vm_walk's general road: large leaves, missing levels, allocation.
static __attribute__((noinline)) pte_t *
walk_slow(pagetable_t pt, uint64 va, int alloc)
{
    for (int level = PTLEVELS - 1; level > 0; level--) {
        pte_t *pte = &pt[PX(level, va)];
        if ((*pte & (PTE_V | PTE_LEAF)) == PTE_V) {
            pt = (pagetable_t)PTE2PA(*pte);
            continue;
        }
        if (*pte & PTE_V) // a 2 MiB leaf (kernel map only)
            return pte;
        if (!alloc || (pt = new_table(pte)) == 0)
            return 0;
    }
    return &pt[PX(0, va)];
}

pte_t *
vm_walk(pagetable_t pt, uint64 va, int alloc)
{
    if (va >= MAXVA)
        return 0;
    // Every fault walks: the common case (both upper levels present) is
    // written out so that it needs no stack frame at all.
    pte_t e = pt[PX(2, va)];
    if ((e & (PTE_V | PTE_LEAF)) == PTE_V) {
        e = ((pagetable_t)PTE2PA(e))[PX(1, va)];
        if ((e & (PTE_V | PTE_LEAF)) == PTE_V)
            return &((pagetable_t)PTE2PA(e))[PX(0, va)];
    }
    return walk_slow(pt, va, alloc);
}

int
vm_map(pagetable_t pt, uint64 va, uint64 pa, uint64 size, uint64 perm)
{
    if (size == 0 || (va % PGSIZE) != 0 || (pa % PGSIZE) != 0)
        panic("vm_map: unaligned va %p pa %p", (void *)va, (void *)pa);
    for (uint64 off = 0; off < size; off += PGSIZE) {
        pte_t *pte = vm_walk(pt, va + off, 1);
        if (pte == 0)
            return -1;
        if (*pte & PTE_V)
            panic("vm_map: remap of %p", (void *)(va + off));
        // A and D preset: U74 cores fault instead of setting them.
        *pte = PA2PTE(pa + off) | perm | PTE_V | PTE_A | PTE_D;
    }
    return 0;
}

void
vm_unmap_page(pagetable_t pt, uint64 va)
{
    pte_t *pte = vm_walk(pt, va, 0);
    if (pte)
        *pte = 0;
}
