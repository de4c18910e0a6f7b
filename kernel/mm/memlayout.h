// Virtual address layout. Physical memory comes from the device tree, so
// nothing here names a physical address.
//
// Kernel page table: all RAM and device registers identity-mapped (va == pa),
// plus, at the top, the trampoline and the per-process kernel stacks.
// User page table, from address 0:
//   text, data, bss      (ELF segments; R-X / RW-)
//   guard page           (mapped without PTE_U: any user access faults)
//   stack                (USERSTACK pages, RW-)
//   heap                 (lazy: grows with sbrk up to USER_HEAP_TOP)
//   ...
//   TRAPFRAME            (this process's saved registers, kernel-only)
//   TRAMPOLINE           (trap entry/exit code, kernel-only, shared)
#ifndef LAZYOS_MEMLAYOUT_H
#define LAZYOS_MEMLAYOUT_H

#include "riscv.h"

#define TRAMPOLINE (MAXVA - PGSIZE)
#define TRAPFRAME (TRAMPOLINE - PGSIZE)

// The break may grow up to here and no further.
#define USER_HEAP_TOP TRAPFRAME

// Kernel stacks live below the trampoline in the kernel page table, each
// with an unmapped guard page beneath it so an overflow faults at once.
#define KSTACK_PAGES 2
#define KSTACK_SIZE (KSTACK_PAGES * PGSIZE)
#define KSTACK(slot) (TRAMPOLINE - ((slot) + 1) * (KSTACK_SIZE + PGSIZE))

#endif
