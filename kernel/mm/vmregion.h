// The seam between the heap and every other kind of region (mmap): vmfault
// decides heap faults itself and hands any other address to vmregion_fault.
#ifndef LAZYOS_VMREGION_H
#define LAZYOS_VMREGION_H

#include "types.h"

struct proc;

// Software PTE bits (RSW, bits 8-9, which the hardware ignores):
//   PTE_COW     the page is shared read-only; the first store copies it,
//               or makes it writable again when no one else holds it.
//               Any region may set it on a leaf it maps (a MAP_PRIVATE page
//               over file data, say): vmfault's store path handles it.
//   PTE_SHARED  the leaf stays shared and keeps its permissions across
//               fork (MAP_SHARED): uvm_copy never marks it copy-on-write.
// fork shares [0, PGROUNDUP(sz)) with uvm_copy (vm.h); a region above the
// break shares its own pages by calling uvm_copy for its range.
#define PTE_COW (1UL << 8)
#define PTE_SHARED (1UL << 9)

// Called by vmfault() for a fault at user address va (below MAXVA) that
// lies outside [heap_start, PGROUNDUP(sz)) and is not a store to a
// PTE_COW or zero page (vmfault handles those itself): an unmapped page,
// or an access its PTE refuses (a region may use that, e.g. to make a
// clean shared page writable and note it dirty). p is the current process
// and p->pagetable the table to fill. Returns a VMFAULT_* code (vm.h):
// VMFAULT_OK once the access can be retried, VMFAULT_BAD if va belongs to
// no region or the access is not allowed (the process is killed, or the
// user copy fails), VMFAULT_NOMEM when a page could not be had. A region
// counts what it maps in p->resident and p->faults, as the heap does.
int vmregion_fault(struct proc *p, uint64 va, int is_write);

#endif
