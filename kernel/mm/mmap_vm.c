// Mappings meet the page tables: a fault in a mapping, fork's copy of the
// mappings, their end at exit and exec, and write-back to the file.
// File access goes through mmap_file.c only; shared file pages come from
// and go back to mmap_share.c.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "kalloc.h"
#include "klib.h"
#include "vm.h"
#include "region.h"
#include "vmregion.h"
#include "mmap_file.h"
#include "mmap_share.h"
#include "mmap.h"
#include "icache.h"

_Static_assert(sizeof(struct region_list) <= PGSIZE, "region list > a page");

// Leaf permissions for a mapping. Any access grants PTE_R: Sv39 reserves
// W without R (every access through such a PTE would fault, for ever),
// and execute-only user pages are not worth keeping apart here.
static uint64
prot_pte(int prot)
{
    uint64 perm = PTE_U;
    if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
        perm |= PTE_R;
    if (prot & PROT_WRITE)
        perm |= PTE_W;
    if (prot & PROT_EXEC)
        perm |= PTE_X;
    return perm;
}

// Index in r's file of the page at va.
static uint64
file_page(struct region *r, uint64 va)
{
    return (r->off + (va - r->start)) / PGSIZE;
}

// A MAP_SHARED file mapping: its pages are the file's shared pages, the
// same for every such mapping of the file (mmap_share.c).
static int
shares_file(struct region *r)
{
    return r->file && (r->flags & MAP_SHARED);
}

// The shared page for va in r, with a reference for the mapping; 0 when
// out of memory or the file cannot be read now (*bad set then).
static void *
shared_page(struct region *r, uint64 va, int *bad)
{
    uint64 key = mfile_key(r->file), idx = file_page(r, va);
    void *page = 0;
    int got = mshare_get(key, idx, mfile_may_wait(r->file), &page);
    if (got == MSHARE_FILL) {
        // The page is entered already, so other faulters of it wait for
        // this one read instead of racing it with reads of their own.
        int ok = mfile_read(r->file, idx * PGSIZE, page) == 0;
        mshare_filled(key, idx, page, ok);
        got = ok ? MSHARE_HIT : MSHARE_BUSY;
    }
    *bad = got == MSHARE_BUSY;
    return got == MSHARE_HIT ? page : 0;
}

// The page for va in r, filled as the mapping says; 0 when out of memory
// or when the file cannot be read (*bad set then).
static void *
fill_page(struct region *r, uint64 va, int *bad)
{
    if (r->file == 0)
        return kzalloc();
    if (r->flags & MAP_SHARED)
        return shared_page(r, va, bad);
    void *page = kalloc();
    if (page == 0)
        return 0;
    // A private page is a copy taken now and never again: of the shared
    // page when one is resident (it may hold stores not yet written
    // back), else of the file.
    uint64 idx = file_page(r, va);
    if (mshare_copy(mfile_key(r->file), idx, page))
        return page;
    if (mfile_read(r->file, idx * PGSIZE, page) < 0) {
        kfree(page);
        *bad = 1;
        return 0;
    }
    return page;
}

// A writable MAP_SHARED file mapping: its pages are written back, so
// they are mapped without PTE_W until the first store (see dirty()).
static int
tracks_dirt(struct region *r)
{
    return r->file && (r->flags & MAP_SHARED) && (r->prot & PROT_WRITE);
}

// Maps the page at va (page-aligned, unmapped) of r in p's table, for a
// store if is_write. Returns a VMFAULT_* code.
static int
map_page(struct proc *p, struct region *r, uint64 va, int is_write)
{
    // Walk (and maybe allocate levels) first, so that nothing can fail
    // once a shared page is ours. The fill may sleep: only this process
    // changes its own table, so pte stays valid.
    pte_t *pte = vm_walk(p->pagetable, va, 1);
    if (pte == 0)
        return VMFAULT_NOMEM;
    int bad = 0;
    void *page = fill_page(r, va, &bad);
    if (page == 0)
        return bad ? VMFAULT_BAD : VMFAULT_NOMEM;
    // No sfence: the PTE was invalid, and userret flushes on the way out.
    uint64 perm = prot_pte(r->prot);
    if (tracks_dirt(r) && !is_write)
        perm &= ~PTE_W; // clean until stored to
    if (r->flags & MAP_SHARED)
        perm |= PTE_SHARED; // fork shares it as it is, never copy-on-write
    if (perm & PTE_X)
        icache_code_written(); // fill_page wrote what will run
    *pte = PA2PTE(page) | perm | PTE_V | PTE_A | PTE_D;
    p->resident++;
    return VMFAULT_OK;
}

static int
mapped(pagetable_t pt, uint64 va)
{
    pte_t *pte = vm_walk(pt, va, 0);
    return pte && (*pte & PTE_V);
}

// The first store to a clean page of a written-back mapping: PTE_W now
// doubles as its dirty bit. The hardware's PTE_D cannot serve: the U74
// faults on a clear PTE_D instead of setting it, so every PTE has it.
static int
dirty(pagetable_t pt, struct region *r, uint64 va)
{
    if (!tracks_dirt(r))
        return VMFAULT_BAD; // a store the page's protection forbids
    // No sfence: userret flushes this hart's TLB before the store runs
    // again, and no other hart runs this address space.
    *vm_walk(pt, va, 0) |= PTE_W;
    return VMFAULT_OK;
}

int
mmap_fault(struct proc *p, uint64 va, int is_write)
{
    struct region *r = p->regions ? region_find(p->regions, va) : 0;
    if (r == 0)
        return VMFAULT_BAD;
    // Loads are allowed wherever prot_pte gives PTE_R.
    int need = is_write ? PROT_WRITE : (PROT_READ | PROT_WRITE | PROT_EXEC);
    if (!(r->prot & need))
        return VMFAULT_BAD;
    va = PGROUNDDOWN(va);
    if (mapped(p->pagetable, va))
        return is_write ? dirty(p->pagetable, r, va) : VMFAULT_BAD;
    int res = map_page(p, r, va, is_write);
    if (res == VMFAULT_OK)
        p->faults++;
    return res;
}

static int
count_one(pte_t *pte, uint64 va, void *arg)
{
    return 1;
}

// Shared anonymous memory: no file to key its pages on, so only those
// present at fork are shared with the child.
static int
shares_anon(struct region *r)
{
    return r->file == 0 && (r->flags & MAP_SHARED);
}

// Pages fork would have to bring in for p's shared anonymous mappings.
static uint64
shared_missing(struct region_list *l, pagetable_t pt)
{
    uint64 n = 0;
    for (int i = 0; i < l->n; i++)
        if (shares_anon(&l->r[i]))
            n += (l->r[i].end - l->r[i].start) / PGSIZE -
                 mm_walk(pt, l->r[i].start, l->r[i].end, count_one, 0);
    return n;
}

int
mmap_fork_prepare(struct proc *p)
{
    struct region_list *l = p->regions;
    // An anonymous MAP_SHARED page must exist before fork to be shared:
    // one faulted in later by either side would be that side's alone (a
    // file's pages are found again in mmap_share.c, anonymous ones are
    // not). So they all arrive now; but never half of free memory at
    // once, which would starve others.
    if (l && shared_missing(l, p->pagetable) > kalloc_free_pages() / 2)
        return -1;
    for (int i = 0; l && i < l->n; i++) {
        struct region *r = &l->r[i];
        if (!shares_anon(r))
            continue;
        for (uint64 va = r->start; va < r->end; va += PGSIZE)
            if (!mapped(p->pagetable, va) &&
                map_page(p, r, va, 0) != VMFAULT_OK)
                return -1;
    }
    return 0;
}

void
mmap_prefault(struct proc *p, uint64 va, uint64 len, int write)
{
    struct region_list *l = p->regions;
    uint64 end = va + len;
    if (l == 0 || end <= va)
        return;
    // Heap and anonymous pages stay lazy: their faults take no file lock.
    for (int i = 0; i < l->n; i++) {
        struct region *r = &l->r[i];
        if (r->file == 0 || r->end <= va || r->start >= end)
            continue;
        uint64 stop = end < r->end ? end : r->end;
        for (uint64 a = PGROUNDDOWN(va > r->start ? va : r->start); a < stop;
             a += PGSIZE)
            if (vm_touch(p->pagetable, a, write) < 0)
                return; // the copy stops there too, with the bytes before
    }
}

uint64
mmap_heap_limit(struct proc *p)
{
    return p->regions ? region_lowest(p->regions, USER_HEAP_TOP)
                      : USER_HEAP_TOP;
}

// Writes one dirty page of a shared mapping back and makes it clean
// again (arg: the region). 1 if the write failed.
static int
writeback_leaf(pte_t *pte, uint64 va, void *arg)
{
    struct region *r = arg;
    if ((*pte & (PTE_U | PTE_W)) != (PTE_U | PTE_W))
        return 0;
    // Clean before the write, which may sleep: a sharer storing to the
    // page meanwhile does so through its own PTE, dirty on its side.
    *pte &= ~PTE_W;
    if (mfile_write(r->file, r->off + (va - r->start),
                    (void *)PTE2PA(*pte)) == 0)
        return 0;
    *pte |= PTE_W; // still dirty: a later msync, munmap or exit tries again
    return 1;
}

int
mmap_writeback(pagetable_t pt, struct region *r, uint64 start, uint64 end)
{
    if (!tracks_dirt(r))
        return 0;
    int failed = mm_walk(pt, start, end, writeback_leaf, r);
    sfence_vma(); // stores must fault again to mark a page dirty
    return failed ? -1 : 0;
}

// Drops one page of a shared file mapping (arg: the region) through the
// cache, which forgets the page with its last mapping.
static int
unshare_leaf(pte_t *pte, uint64 va, void *arg)
{
    struct region *r = arg;
    void *page = (void *)PTE2PA(*pte);
    *pte = 0;
    mshare_put(mfile_key(r->file), file_page(r, va), page);
    return 1;
}

uint64
mmap_unmap(pagetable_t pt, struct region *r, uint64 start, uint64 end)
{
    if (!shares_file(r))
        return uvm_unmap(pt, start, end);
    return mm_walk(pt, start, end, unshare_leaf, r);
}

int
mmap_fork(struct proc *parent, struct proc *child)
{
    child->vmtrace = parent->vmtrace;
    child->regions = 0;
    struct region_list *from = parent->regions;
    if (from == 0)
        return 0;
    // The pages first: a failure then leaves no file reference to undo
    // (proc_free frees whatever pages the child got, shared file pages
    // too, bypassing mmap_share.c: safe, as the parent still maps each
    // of them, so none of those drops is the last).
    for (int i = 0; i < from->n; i++)
        if (uvm_copy(parent->pagetable, child->pagetable, from->r[i].start,
                     from->r[i].end) < 0)
            return -1;
    struct region_list *l = kalloc();
    if (l == 0)
        return -1;
    memmove(l, from, sizeof(*l));
    for (int i = 0; i < l->n; i++)
        if (l->r[i].file)
            mfile_dup(l->r[i].file);
    child->regions = l;
    return 0;
}

void
mmap_release(struct proc *p, pagetable_t pt)
{
    struct region_list *l = p->regions;
    if (l == 0)
        return;
    // Unlist first: nothing below may find a mapping that is going away.
    p->regions = 0;
    for (int i = 0; i < l->n; i++) {
        struct region *r = &l->r[i];
        // Nobody is left to hear about a failed write at exit or exec.
        mmap_writeback(pt, r, r->start, r->end);
        // Shared file pages leave through the cache; the rest go with pt.
        if (shares_file(r))
            mmap_unmap(pt, r, r->start, r->end);
        if (r->file)
            mfile_put(r->file);
    }
    kfree(l);
}
