// Page faults (demand zero, the zero page, copy-on-write) and the kernel's
// copies to and from user memory. The copies fault pages exactly as a user
// access would, so a never-touched buffer works as an argument to any
// system call and a kernel store into a shared page breaks the sharing.
#include "types.h"
#include "riscv.h"
#include "param.h"
#include "kalloc.h"
#include "kpool.h"
#include "klib.h"
#include "proc.h"
#include "vm.h"
#include "vmregion.h"
#include "icache.h"

// A store to a page that is mapped: legal only for a copy-on-write page
// or the zero page, which both become a private writable page here.
static __attribute__((noinline)) int
store_fault(struct proc *p, pte_t *pte)
{
    pte_t old = *pte;
    uint64 pa = PTE2PA(old);
    // D preset with W, as everywhere: U74 cores fault instead of setting it.
    uint64 perm = (PTE_FLAGS(old) | PTE_W | PTE_D) & ~PTE_COW;
    void *page;
    if (!(old & PTE_U))
        return VMFAULT_BAD; // trapframe, trampoline, the stack guard
    if (pa == kalloc_zero_page()) {
        if ((page = kzalloc()) == 0)
            return VMFAULT_NOMEM;
        p->resident++;
    } else if (!(old & PTE_COW)) {
        return VMFAULT_BAD; // text, or a read-only region
    } else if (__atomic_load_n(kpool_ref_fast(pa), __ATOMIC_ACQUIRE) == 1) {
        // The others copied already: ours alone, take it back as it is.
        // No one can raise the count meanwhile; only our own fork could.
        *pte = PA2PTE(pa) | perm;
        p->faults++;
        return VMFAULT_OK;
    } else {
        if ((page = kalloc()) == 0)
            return VMFAULT_NOMEM;
        page_copy(page, (void *)pa);
        kfree((void *)pa); // our reference; the last sharer reuses it
        if (old & PTE_X)
            icache_code_written(); // an ld -N image's writable text
    }
    // No sfence: the return to user mode (userret) flushes this hart's
    // TLB, and no other hart runs this address space meanwhile.
    *pte = PA2PTE(page) | perm;
    p->faults++;
    return VMFAULT_OK;
}

// An unmapped heap page. Heap pages are never executable. A load maps the
// zero page (no data page until the first store); a store a zeroed page,
// ready-made by the idle harts when the pool has one.
static inline int
heap_fault(struct proc *p, pte_t *pte, int is_write)
{
    if (!is_write) {
        *pte = PA2PTE(kalloc_zero_page()) | PTE_R | PTE_U | PTE_V | PTE_A;
        p->faults++;
        return VMFAULT_OK;
    }
    void *page = kzalloc();
    if (page == 0)
        return VMFAULT_NOMEM;
    *pte = PA2PTE(page) | PTE_R | PTE_W | PTE_U | PTE_V | PTE_A | PTE_D;
    p->faults++;
    p->resident++;
    return VMFAULT_OK;
}

// A store outside the heap: ours if it hits a copy-on-write or zero page
// (any region's), the regions' otherwise.
static __attribute__((noinline)) int
other_store(struct proc *p, uint64 va)
{
    pte_t *pte = vm_walk(p->pagetable, va, 0);
    if (pte && (*pte & PTE_V) &&
        ((*pte & PTE_COW) || PTE2PA(*pte) == kalloc_zero_page()))
        return store_fault(p, pte);
    return VMFAULT_SLOW;
}

int
vmfault_quick(struct proc *p, uint64 va, enum vm_access access)
{
    if (va >= MAXVA)
        return VMFAULT_BAD;
    // The page holding the break belongs to the process, all of it.
    if (va < p->heap_start || va >= PGROUNDUP(p->sz))
        return access == VM_STORE ? other_store(p, va) : VMFAULT_SLOW;
    if (access == VM_FETCH)
        return VMFAULT_BAD; // heap pages never run
    pte_t *pte = vm_walk(p->pagetable, va, 1);
    if (pte == 0)
        return VMFAULT_NOMEM; // no page-table page
    if (*pte & PTE_V)
        return access == VM_STORE ? store_fault(p, pte) : VMFAULT_BAD;
    return heap_fault(p, pte, access == VM_STORE);
}

int
vmfault(pagetable_t pt, uint64 va, enum vm_access access)
{
    struct proc *p = myproc();
    if (p == 0 || p->pagetable != pt)
        return VMFAULT_BAD;
    int r = vmfault_quick(p, va, access);
    // Everything else outside the heap (an unmapped page, or an access
    // its PTE refuses) is the regions' to decide. They may sleep.
    return r == VMFAULT_SLOW ? vmregion_fault(p, va, access == VM_STORE) : r;
}

uint64
walkaddr(pagetable_t pt, uint64 va)
{
    pte_t *pte = vm_walk(pt, va, 0);
    if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
        return 0;
    return PTE2PA(*pte);
}

// Physical address of the user page holding va, as the user access would
// find it: a missing page is faulted in, and a store to a copy-on-write or
// zero page gets its private copy first (a load never copies). 0 if the
// access is not allowed.
static uint64
user_page(pagetable_t pt, uint64 va, int write)
{
    uint64 need = PTE_V | PTE_U | (write ? PTE_W : PTE_R);
    va = PGROUNDDOWN(va);
    pte_t *pte = vm_walk(pt, va, 0);
    if (pte == 0 || (*pte & need) != need) {
        if (vmfault(pt, va, write ? VM_STORE : VM_LOAD) != VMFAULT_OK)
            return 0;
        pte = vm_walk(pt, va, 0);
        if ((*pte & need) != need)
            return 0;
    }
    return PTE2PA(*pte);
}

int
vm_touch(pagetable_t pt, uint64 va, int write)
{
    return user_page(pt, va, write) ? 0 : -1;
}

// Moves len bytes between kernel buffer kbuf and user address va, a page
// at a time (user pages are not contiguous in physical memory).
static int
copy_user(pagetable_t pt, uint64 va, char *kbuf, uint64 len, int to_user)
{
    while (len > 0) {
        uint64 pa = user_page(pt, va, to_user);
        if (pa == 0)
            return -1;
        uint64 off = va % PGSIZE;
        uint64 n = PGSIZE - off < len ? PGSIZE - off : len;
        if (to_user)
            memmove((void *)(pa + off), kbuf, n);
        else
            memmove(kbuf, (void *)(pa + off), n);
        len -= n;
        kbuf += n;
        va += n;
    }
    return 0;
}

int
copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len)
{
    return copy_user(pt, dstva, (char *)src, len, 1);
}

int
copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len)
{
    return copy_user(pt, srcva, dst, len, 0);
}

int
copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max)
{
    while (max > 0) {
        uint64 pa = user_page(pt, srcva, 0);
        if (pa == 0)
            return -1;
        uint64 off = srcva % PGSIZE;
        const char *s = (const char *)(pa + off);
        for (uint64 n = PGSIZE - off; n > 0 && max > 0; n--, max--) {
            *dst = *s++;
            if (*dst++ == '\0')
                return 0;
            srcva++;
        }
    }
    return -1; // no NUL within max bytes
}
