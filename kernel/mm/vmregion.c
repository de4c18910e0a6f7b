// Regions other than the heap. There are none yet: mmap adds its region
// lookup here (see vmregion.h for the contract vmfault relies on).
#include "types.h"
#include "vm.h"
#include "vmregion.h"

int
vmregion_fault(struct proc *p, uint64 va, int is_write)
{
    (void)p, (void)va, (void)is_write;
    // Text, data and stack are mapped at exec: never lazy, and their
    // permissions are final.
    return VMFAULT_BAD;
}
