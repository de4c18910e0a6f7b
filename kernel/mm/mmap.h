// mmap inside the kernel: the hooks the fault path, fork, exec and exit
// call, and the page walker the mapping code shares. The system calls
// (mmap, munmap, msync, vminfo, vmtrace) are in mmap.c, mmap_info.c and
// mmap_trace.c.
#ifndef LAZYOS_MMAP_H
#define LAZYOS_MMAP_H

#include "types.h"
#include "riscv.h"
#include "vm.h"

struct proc;
struct region;

// Fault on user address va outside the heap of p (the current process).
// Maps the page if va lies in one of p's mappings and the access fits its
// protection: zeros for anonymous memory, the file's bytes otherwise.
// Returns a VMFAULT_* code (vm.h). May sleep (file read).
int mmap_fault(struct proc *p, uint64 va, int is_write);
// Before fork: brings in every missing page of p's anonymous MAP_SHARED
// mappings, so that parent and child share all of them (file pages are
// found again later through mmap_share.c). 0, or -1 when out of
// memory or a file page cannot be read (fork then fails). May sleep.
int mmap_fork_prepare(struct proc *p);
// Gives child a copy of parent's mappings and shares their pages through
// uvm_copy (MAP_SHARED ones as they are, private ones copy-on-write).
// Also passes on the vmtrace switch. 0, or -1 when out of memory (child
// then holds no mapping; the caller frees it).
int mmap_fork(struct proc *parent, struct proc *child);
// Ends every mapping of p whose pages pt holds (p->pagetable at exit, the
// old table at exec): writes MAP_SHARED file pages back, unmaps them
// (back to mmap_share.c) and drops the file references. The other pages
// go with pt. May sleep.
void mmap_release(struct proc *p, pagetable_t pt);
// Before read() or write() locks its file: brings in every page of
// [va, va+len) that lies in a file mapping of p (for a store if write),
// so that the copy under the inode lock never has to read another file
// (or this one) to fill a page: two such reads, crossed, would deadlock.
// Stops at the first page it cannot have. May sleep.
void mmap_prefault(struct proc *p, uint64 va, uint64 len, int write);
// The highest break sbrk may set: the lowest mapping, or USER_HEAP_TOP.
uint64 mmap_heap_limit(struct proc *p);

// vmfault() for a process with vmtrace on: also prints the fault's
// address, cause and cost in instructions. usertrap() calls it instead
// of vmfault when p->vmtrace is set; tracing off costs that one branch.
int vmtrace_fault(struct proc *p, uint64 va, enum vm_access access);

// Writes the dirty pages of r inside [start, end) back to r's file and
// makes them clean (only MAP_SHARED file mappings with PROT_WRITE have
// any). 0, or -1 if a write failed. May sleep.
int mmap_writeback(pagetable_t pt, struct region *r, uint64 start, uint64 end);

// Unmaps the pages of r inside [start, end) from pt and drops them:
// shared file pages through mmap_share.c, the rest with uvm_unmap. The
// caller flushes the TLB. Returns how many pages were mapped.
uint64 mmap_unmap(pagetable_t pt, struct region *r, uint64 start, uint64 end);

// Calls fn on every valid leaf PTE of pt in [start, end) (page-aligned),
// skipping missing subtrees, so the cost follows the pages that exist.
// Returns the sum of fn's results.
typedef int (*mm_leaf_fn)(pte_t *pte, uint64 va, void *arg);
int mm_walk(pagetable_t pt, uint64 start, uint64 end, mm_leaf_fn fn, void *arg);

#endif
