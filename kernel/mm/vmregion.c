// Regions other than the heap: mmap's mappings, decided in mmap_vm.c (see
// vmregion.h for the contract vmfault relies on).
#include "types.h"
#include "vm.h"
#include "vmregion.h"
#include "mmap.h"

int
vmregion_fault(struct proc *p, uint64 va, int is_write)
{
    return mmap_fault(p, va, is_write);
}
