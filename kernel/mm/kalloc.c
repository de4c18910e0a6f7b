// Physical page allocator: every RAM bank from the device tree, less the
// reserved ranges; a 16-bit reference count per page. Pages never handed
// out yet are taken from untouched runs in address order, freed pages from
// a free list, so boot does not touch every page of RAM.
// Knows nothing of page tables or processes.
#include "types.h"
#include "riscv.h"
#include "spinlock.h"
#include "machine.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"

struct ram_bank {
    uint64 base;   // first page
    uint64 npages;
    uint16 *ref;   // reference count per page; 0 = free
};

#define REF_RESERVED 0xffff // count of a page the allocator never hands out

struct free_page {
    struct free_page *next;
};

// A run of pages that have never been allocated: [next, end).
struct fresh_run {
    uint64 next;
    uint64 end;
};
#define MAX_RUNS (MACHINE_MAX_MEM + MACHINE_MAX_RESV + 1)

static struct {
    struct spinlock lock;
    struct free_page *free;  // pages given back by kfree
    struct fresh_run run[MAX_RUNS];
    int nrun;
    int cur;                 // run[] index fresh pages come from now
    uint64 nfree;            // free-list pages plus pages left in runs
    uint64 total;
    struct ram_bank bank[MACHINE_MAX_MEM];
    int nbank;
} mem;

static int
overlaps(uint64 a, uint64 asize, uint64 b, uint64 bsize)
{
    return a < b + bsize && b < a + asize;
}

static int
reserved(const struct machine *m, uint64 base, uint64 size)
{
    for (int i = 0; i < m->nresv; i++)
        if (overlaps(base, size, m->resv[i].base, m->resv[i].size))
            return 1;
    return 0;
}

// The reference-count arrays need memory before there is an allocator:
// take the first free run of pages large enough in any bank.
static uint64
carve(const struct machine *m, uint64 size)
{
    size = PGROUNDUP(size);
    for (int i = 0; i < m->nmem; i++) {
        uint64 lo = PGROUNDUP(m->mem[i].base);
        uint64 hi = PGROUNDDOWN(m->mem[i].base + m->mem[i].size);
        for (uint64 pa = lo; pa + size <= hi; pa += PGSIZE)
            if (!reserved(m, pa, size))
                return pa;
    }
    panic("kalloc: no room for page reference counts");
}

static struct ram_bank *
bank_of(uint64 pa)
{
    for (int i = 0; i < mem.nbank; i++) {
        struct ram_bank *b = &mem.bank[i];
        if (pa >= b->base && pa < b->base + b->npages * PGSIZE)
            return b;
    }
    return 0;
}

// Reference count slot of an allocated page; panics on anything else,
// because a bad pointer here is always a kernel bug.
static uint16 *
ref_of(void *pa)
{
    struct ram_bank *b = bank_of((uint64)pa);
    if (b == 0 || ((uint64)pa & (PGSIZE - 1)) != 0)
        panic("kalloc: %p is not a page of RAM", pa);
    return &b->ref[((uint64)pa - b->base) / PGSIZE];
}

void
kalloc_init(const struct machine *m)
{
    memset(&mem, 0, sizeof(mem)); // a fresh start (host tests re-run it)
    initlock(&mem.lock, "kalloc");
    struct machine local = *m; // plus the arrays carved below
    for (int i = 0; i < m->nmem && i < MACHINE_MAX_MEM; i++) {
        struct ram_bank *b = &mem.bank[mem.nbank++];
        b->base = PGROUNDUP(m->mem[i].base);
        uint64 end = PGROUNDDOWN(m->mem[i].base + m->mem[i].size);
        b->npages = end > b->base ? (end - b->base) / PGSIZE : 0;
        uint64 bytes = b->npages * sizeof(uint16);
        uint64 pa = carve(&local, bytes);
        b->ref = (uint16 *)pa;
        if (machine_reserve(&local, pa, PGROUNDUP(bytes)) < 0)
            panic("kalloc: too many reserved ranges");
    }
    for (int i = 0; i < mem.nbank; i++) {
        struct ram_bank *b = &mem.bank[i];
        for (uint64 n = 0; n < b->npages; n++) {
            uint64 pa = b->base + n * PGSIZE;
            // Reserved pages are marked, so a stray kfree or kpage_ref of
            // one panics instead of handing out firmware or kernel memory.
            if (reserved(&local, pa, PGSIZE)) {
                b->ref[n] = REF_RESERVED;
                continue;
            }
            b->ref[n] = 0;
            mem.nfree++;
            if (mem.nrun > 0 && mem.run[mem.nrun - 1].end == pa) {
                mem.run[mem.nrun - 1].end += PGSIZE;
            } else if (mem.nrun < MAX_RUNS) {
                mem.run[mem.nrun].next = pa;
                mem.run[mem.nrun++].end = pa + PGSIZE;
            } else {
                panic("kalloc: memory map too fragmented");
            }
        }
    }
    mem.total = mem.nfree;
}

void *
kalloc(void)
{
    acquire(&mem.lock);
    struct free_page *fp = mem.free;
    if (fp) {
        mem.free = fp->next;
    } else {
        while (mem.cur < mem.nrun &&
               mem.run[mem.cur].next == mem.run[mem.cur].end)
            mem.cur++;
        if (mem.cur < mem.nrun) {
            fp = (struct free_page *)mem.run[mem.cur].next;
            mem.run[mem.cur].next += PGSIZE;
        }
    }
    if (fp) {
        mem.nfree--;
        *ref_of(fp) = 1;
    }
    release(&mem.lock);
    return fp;
}

void *
kzalloc(void)
{
    void *pa = kalloc();
    if (pa)
        page_zero(pa);
    return pa;
}

void
kfree(void *pa)
{
    uint16 *ref = ref_of(pa);
    acquire(&mem.lock);
    if (*ref == 0 || *ref == REF_RESERVED)
        panic("kfree: page %p is %s", pa, *ref ? "reserved" : "already free");
    if (--*ref == 0) {
        struct free_page *fp = pa;
        fp->next = mem.free;
        mem.free = fp;
        mem.nfree++;
    }
    release(&mem.lock);
}

void
kpage_ref(void *pa)
{
    uint16 *ref = ref_of(pa);
    acquire(&mem.lock);
    if (*ref == 0 || *ref >= REF_RESERVED - 1)
        panic("kpage_ref: bad count on %p", pa);
    ++*ref;
    release(&mem.lock);
}

int
kpage_refcount(void *pa)
{
    return *ref_of(pa);
}

uint64
kalloc_free_pages(void)
{
    return mem.nfree;
}

uint64
kalloc_total_pages(void)
{
    return mem.total;
}
