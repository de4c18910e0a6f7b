// Demand-zero faults and the kernel's copies to and from user memory. The
// copies bring in lazy heap pages exactly as a user fault would, so a
// never-touched buffer works as an argument to any system call.
#include "types.h"
#include "riscv.h"
#include "param.h"
#include "kalloc.h"
#include "klib.h"
#include "proc.h"
#include "vm.h"
#include "mmap.h"

int
vmfault(pagetable_t pt, uint64 va, int is_write)
{
    struct proc *p = myproc();
    // Only the heap and the mappings above it are lazy: below heap_start
    // lie text, data, the stack guard page and the stack, whose absence
    // is always an error.
    if (p == 0 || p->pagetable != pt || va < p->heap_start)
        return VMFAULT_BAD;
    if (va >= p->sz)
        return mmap_fault(p, va, is_write);
    pte_t *pte = vm_walk(pt, va, 1);
    if (pte == 0)
        return VMFAULT_NOMEM;
    if (*pte & PTE_V) // mapped already: a permission fault, not a lazy one
        return VMFAULT_BAD;
    void *page = kzalloc();
    if (page == 0)
        return VMFAULT_NOMEM;
    // Heap pages are never executable. No sfence here: the return to user
    // mode (userret) flushes this hart's TLB, and no other hart runs this
    // address space. is_write does not matter until a shared zero page.
    (void)is_write;
    *pte = PA2PTE(page) | PTE_R | PTE_W | PTE_U | PTE_V | PTE_A | PTE_D;
    p->faults++;
    p->resident++;
    return VMFAULT_OK;
}

uint64
walkaddr(pagetable_t pt, uint64 va)
{
    pte_t *pte = vm_walk(pt, va, 0);
    if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
        return 0;
    return PTE2PA(*pte);
}

// Physical address of the user page holding va, faulting it in if it is a
// lazy heap page; 0 if the access is not allowed.
static uint64
user_page(pagetable_t pt, uint64 va, int write)
{
    va = PGROUNDDOWN(va);
    pte_t *pte = vm_walk(pt, va, 0);
    // A kernel store to a read-only page faults as the user's would: a
    // clean page of a shared file mapping becomes writable (dirty).
    if (pte == 0 || !(*pte & PTE_V) || (write && !(*pte & PTE_W))) {
        if (vmfault(pt, va, write) != VMFAULT_OK)
            return 0;
        pte = vm_walk(pt, va, 0);
    }
    uint64 need = PTE_V | PTE_U | (write ? PTE_W : PTE_R);
    if ((*pte & need) != need)
        return 0;
    return PTE2PA(*pte);
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
