// The kernel's own page table: the identity map of RAM (2 MiB leaves where
// alignment allows), the image with per-section permissions, devices, the
// trampoline and kernel stacks. Knows the memory map, never the board.
#include "types.h"
#include "riscv.h"
#include "memlayout.h"
#include "param.h"
#include "machine.h"
#include "kalloc.h"
#include "printf.h"
#include "vm.h"

pagetable_t kernel_pagetable;

extern char kernel_start[], etext[], data_start[], kernel_end[];
extern char trampoline[];

// Identity-maps [pa, pa+size) in the kernel table with 2 MiB leaves where
// both ends allow it and 4 KiB pages elsewhere. Pages already mapped to
// the same address are left alone (devices may share a page).
static void
kvm_map_range(uint64 pa, uint64 size, uint64 perm)
{
    const uint64 mega = LEVELSIZE(1);
    uint64 end = PGROUNDUP(pa + size);
    for (pa = PGROUNDDOWN(pa); pa < end;) {
        if ((pa % mega) == 0 && end - pa >= mega) {
            pte_t *top = &kernel_pagetable[PX(2, pa)];
            if (!(*top & PTE_V)) {
                pagetable_t next = kzalloc();
                if (next == 0)
                    panic("kvm: out of memory");
                *top = PA2PTE(next) | PTE_V;
            }
            pte_t *pte = &((pagetable_t)PTE2PA(*top))[PX(1, pa)];
            if (!(*pte & PTE_V))
                *pte = PA2PTE(pa) | perm | PTE_V | PTE_A | PTE_D;
            pa += mega;
            continue;
        }
        pte_t *pte = vm_walk(kernel_pagetable, pa, 1);
        if (pte == 0)
            panic("kvm: out of memory");
        if (!(*pte & PTE_V))
            *pte = PA2PTE(pa) | perm | PTE_V | PTE_A | PTE_D;
        pa += PGSIZE;
    }
}

// Each process slot owns a kernel stack below the trampoline, with an
// unmapped page under it so an overflow faults instead of corrupting.
static void
kvm_map_kstacks(void)
{
    for (int slot = 0; slot < NPROC; slot++) {
        for (int i = 0; i < KSTACK_PAGES; i++) {
            void *pa = kalloc();
            if (pa == 0 || vm_map(kernel_pagetable, KSTACK(slot) + i * PGSIZE,
                                  (uint64)pa, PGSIZE, PTE_R | PTE_W) < 0)
                panic("kvm: out of memory for kernel stacks");
        }
    }
}

void
kvm_init(const struct machine *m)
{
    kernel_pagetable = kzalloc();
    if (kernel_pagetable == 0)
        panic("kvm: out of memory");
    uint64 ks = (uint64)kernel_start, ke = (uint64)kernel_end;
    // The image first, with its own permissions: text is never writable,
    // data never executable.
    kvm_map_range(ks, (uint64)etext - ks, PTE_R | PTE_X);
    kvm_map_range((uint64)etext, (uint64)data_start - (uint64)etext, PTE_R);
    kvm_map_range((uint64)data_start, ke - (uint64)data_start, PTE_R | PTE_W);
    for (int i = 0; i < m->nmem; i++) {
        uint64 lo = m->mem[i].base, hi = lo + m->mem[i].size;
        // In the bank holding the image, RAM below it belongs to the
        // firmware (main.c reserves it) and is not mapped at all.
        if (ks >= lo && ks < hi) {
            kvm_map_range(ke, hi - ke, PTE_R | PTE_W);
        } else {
            kvm_map_range(lo, hi - lo, PTE_R | PTE_W);
        }
    }
    if (vm_map(kernel_pagetable, TRAMPOLINE, (uint64)trampoline, PGSIZE,
               PTE_R | PTE_X) < 0)
        panic("kvm: out of memory");
    kvm_map_kstacks();
}

void
kvm_map_ram(uint64 pa, uint64 size)
{
    kvm_map_range(pa, size, PTE_R | PTE_W);
}

uint64
kvm_map_device(uint64 pa, uint64 size)
{
    // Only a broken device tree gets here with these; say so plainly
    // instead of faulting on the first register access later.
    if (size == 0 || pa + size < pa || pa + size > MAXVA)
        panic("device tree: bad register range %p+%p", (void *)pa,
              (void *)size);
    kvm_map_range(pa, size, PTE_R | PTE_W);
    return pa;
}

void
kvm_init_hart(void)
{
    // Order page-table writes before the hardware walker reads them.
    sfence_vma();
    w_satp(MAKE_SATP(kernel_pagetable));
    sfence_vma();
}
