// Sv39 page tables: the kernel's identity map, per-process user address
// spaces, demand-zero faults and the kernel's copies to and from user memory.
// Walkers visit only subtrees that exist, so their cost follows the pages
// mapped, not the size of the address space.
#ifndef LAZYOS_VM_H
#define LAZYOS_VM_H

#include "riscv.h"

struct machine;
struct proc;

// Builds the kernel page table: RAM banks (R+W, kernel text R+X), the
// trampoline and the kernel stacks. Boot hart, before the MMU is on.
void kvm_init(const struct machine *m);
// Identity-maps RAM the kernel reads outside the banks kvm_init mapped
// (the tree or initrd below the image). Boot hart, before paging is on.
void kvm_map_ram(uint64 pa, uint64 size);
// Turns on paging with the kernel page table on this hart.
void kvm_init_hart(void);
extern pagetable_t kernel_pagetable;

// Maps [va, va+size) to [pa, ...) with perm (PTE_A|PTE_D are added).
// Returns 0, or -1 if a page-table page could not be allocated (what was
// mapped stays mapped; the caller unmaps). Panics on remapping a live PTE.
int vm_map(pagetable_t pt, uint64 va, uint64 pa, uint64 size, uint64 perm);
// PTE for va, or 0 if any level is missing. With alloc, creates missing
// levels (returns 0 when out of memory).
pte_t *vm_walk(pagetable_t pt, uint64 va, int alloc);
// Clears the PTE of va without freeing the page (pages the process does not
// own: trampoline, trapframe). No TLB flush.
void vm_unmap_page(pagetable_t pt, uint64 va);

// ---- user address spaces ----
// An empty user page table (no user pages). 0 when out of memory.
pagetable_t uvm_create(void);
// Unmaps [start, end) (page-aligned), dropping a reference to each page;
// missing pages and whole missing subtrees are skipped, and page-table
// pages the range covers entirely are freed. Returns the number of
// resident pages unmapped (zero-page mappings are not counted). The caller
// flushes the TLB (sfence_vma) if that number is not 0 and pt is live.
uint64 uvm_unmap(pagetable_t pt, uint64 start, uint64 end);
// Maps zeroed pages over [start, end) (start page-aligned) with perm|PTE_U.
// Returns 0, or -1 on out of memory (then nothing new stays mapped).
int uvm_alloc(pagetable_t pt, uint64 start, uint64 end, uint64 perm);
// Drops the pages wholly above newsz and below oldsz; returns how many
// resident pages were mapped there (not counting the zero page;
// never-touched pages cost nothing).
uint64 uvm_dealloc(pagetable_t pt, uint64 oldsz, uint64 newsz);
// fork's copy: shares every existing user page of `old` in [start, end)
// (page-aligned) with `new`. Writable pages become read-only and PTE_COW
// in both (a store copies them later); text, the zero page and PTE_SHARED
// pages are shared as they are. Pages never touched stay unmapped in the
// child. Only tables that cover the range are visited: fork passes
// [0, PGROUNDUP(sz)), and a region above the break (mmap) passes its own
// range. 0, or -1 when a page-table page could not be had (new is then
// the caller's to free).
int uvm_copy(pagetable_t old, pagetable_t new, uint64 start, uint64 end);
// Drops every page still mapped in pt and frees every page-table page, pt
// included. Pages not owned by the process (trampoline, trapframe) must be
// unmapped by the caller first.
void uvm_free(pagetable_t pt);

// What one address space holds, by kind of page (uvm_usage).
struct vm_usage {
    uint64 resident; // user pages with a frame of their own or shared
    uint64 shared;   // of those, frames another address space maps too
    uint64 cow;      // of those, marked copy-on-write here
    uint64 zero;     // mappings of the shared zero page (not resident)
};
// Counts pt's user pages. Safe on another process's table while it
// changes (the answer is then approximate). Never fails.
void uvm_usage(pagetable_t pt, struct vm_usage *u);

// Result of vmfault().
enum vmfault_result {
    VMFAULT_OK = 0,       // the access can be retried: a page is mapped
    VMFAULT_BAD = -1,     // not a legal address or access: kill the process
    VMFAULT_NOMEM = -2,   // legal, but no page could be had
    VMFAULT_SLOW = -3,    // vmfault_quick only: take it to vmfault()
};
// The access that faulted (values match a store's `is_write` of 1).
enum vm_access { VM_LOAD = 0, VM_STORE = 1, VM_FETCH = 2 };
// The one place that decides page faults, for the current process only
// (pt must be its table). Legal faults:
//  - a store to a PTE_COW page: copied, or made writable if no one else
//    holds it; a store to the zero page: replaced by a private page;
//  - an unmapped page in the heap [heap_start, PGROUNDUP(sz)): a load maps
//    the shared zero page read-only, a store a private zeroed page (heap
//    pages are never executable: a fetch there is bad);
//  - any other fault outside the heap (an unmapped page, or an access its
//    PTE refuses): whatever vmregion_fault() decides (vmregion.h), with a
//    fetch asked as a load (the region's PTE then says whether it may run).
// Counts faults and resident pages in the process. Called by usertrap()
// and by the copy functions below. May sleep (a region's file read).
int vmfault(pagetable_t pt, uint64 va, enum vm_access access);
// The part of vmfault() that never sleeps, for p = the current process:
// the heap's faults and stores to copy-on-write or zero pages anywhere.
// VMFAULT_OK when done; anything else (VMFAULT_SLOW among others) means
// "ask vmfault()", which then decides, with nothing changed meanwhile.
// uservec's fast road calls it with interrupts off (trap.c).
int vmfault_quick(struct proc *p, uint64 va, enum vm_access access);

// Brings in the user page holding va for a load (or a store, if write)
// as the access itself would. 0, or -1 if the access is not allowed.
// May sleep (a region's file read).
int vm_touch(pagetable_t pt, uint64 va, int write);

// Physical address backing user va (PTE_U and present), or 0.
uint64 walkaddr(pagetable_t pt, uint64 va);
// Kernel <-> user copies. Lazy pages below the break are brought in as a
// fault would. 0 on success, -1 on any bad address.
int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len);
int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len);
// Copies a NUL-terminated string of at most max bytes (NUL included).
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);

#endif
