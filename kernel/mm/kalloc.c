// The shared page pool: every RAM bank from the device tree, less the
// reserved ranges; a 32-bit reference count per page. Pages never handed
// out yet are taken from untouched runs in address order, freed pages from
// a free list, so boot does not touch every page of RAM; a second list
// holds pages the idle harts zeroed. Knows nothing of page tables or
// processes; kcache.c puts per-hart caches in front of it.
#include "types.h"
#include "riscv.h"
#include "spinlock.h"
#include "machine.h"
#include "kalloc.h"
#include "kpool.h"
#include "klib.h"
#include "printf.h"

struct kpool_bank kpool_bank[MACHINE_MAX_MEM];
int kpool_nbank;
uint64 kpool_nfree; // free pages at boot (kcache.c counts the changes)
uint64 kalloc_zero_pa;

struct free_page {
    struct free_page *next;
};

// A run of pages that have never been allocated: [next, end).
struct fresh_run {
    uint64 next;
    uint64 end;
};
#define MAX_RUNS (MACHINE_MAX_MEM + MACHINE_MAX_RESV + 1)

// The zeroed list is capped so idle harts do not zero all of RAM: 4 MiB,
// or an eighth of memory on a small machine.
#define ZEROED_MAX 1024

static struct {
    struct spinlock lock;
    struct free_page *free;  // pages given back by kfree
    struct free_page *zeroed;// free pages already zeroed (link word aside)
    uint64 zeroed_max;
    struct fresh_run run[MAX_RUNS];
    int nrun;
    int cur;                 // run[] index fresh pages come from now
    uint64 total;
} mem;

uint64 kpool_nzeroed; // pages on mem.zeroed; changed under mem.lock

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

static struct kpool_bank *
bank_of(uint64 pa)
{
    for (int i = 0; i < kpool_nbank; i++) {
        struct kpool_bank *b = &kpool_bank[i];
        if (pa >= b->base && pa < b->base + b->npages * PGSIZE)
            return b;
    }
    return 0;
}

// Reference count slot of an allocated page; panics on anything else,
// because a bad pointer here is always a kernel bug.
uint32 *
kpool_ref(void *pa)
{
    struct kpool_bank *b = bank_of((uint64)pa);
    if (b == 0 || ((uint64)pa & (PGSIZE - 1)) != 0)
        panic("kalloc: %p is not a page of RAM", pa);
    return &b->ref[((uint64)pa - b->base) / PGSIZE];
}

// One page from the fresh runs (no lock: boot, or under mem.lock).
static void *
take_fresh(void)
{
    while (mem.cur < mem.nrun && mem.run[mem.cur].next == mem.run[mem.cur].end)
        mem.cur++;
    if (mem.cur == mem.nrun)
        return 0;
    void *pa = (void *)mem.run[mem.cur].next;
    mem.run[mem.cur].next += PGSIZE;
    return pa;
}

// The zero page is marked reserved: a stray kfree or kpage_ref of it
// panics, and it never counts as free or total.
static void
take_zero_page(void)
{
    void *pa = take_fresh();
    if (pa == 0)
        panic("kalloc: no memory for the zero page");
    page_zero(pa);
    *kpool_ref(pa) = KPOOL_RESERVED;
    kpool_nfree--;
    kalloc_zero_pa = (uint64)pa;
}

void
kalloc_init(const struct machine *m)
{
    // A fresh start (host tests re-run it).
    memset(&mem, 0, sizeof(mem));
    memset(kpool_bank, 0, sizeof(kpool_bank));
    kpool_nbank = 0;
    kpool_nfree = 0;
    kcache_init();
    initlock(&mem.lock, "kalloc");
    struct machine local = *m; // plus the arrays carved below
    for (int i = 0; i < m->nmem && i < MACHINE_MAX_MEM; i++) {
        struct kpool_bank *b = &kpool_bank[kpool_nbank++];
        b->base = PGROUNDUP(m->mem[i].base);
        uint64 end = PGROUNDDOWN(m->mem[i].base + m->mem[i].size);
        b->npages = end > b->base ? (end - b->base) / PGSIZE : 0;
        uint64 bytes = b->npages * sizeof(uint32);
        uint64 pa = carve(&local, bytes);
        b->ref = (uint32 *)pa;
        if (machine_reserve(&local, pa, PGROUNDUP(bytes)) < 0)
            panic("kalloc: too many reserved ranges");
    }
    for (int i = 0; i < kpool_nbank; i++) {
        struct kpool_bank *b = &kpool_bank[i];
        for (uint64 n = 0; n < b->npages; n++) {
            uint64 pa = b->base + n * PGSIZE;
            // Reserved pages are marked, so a stray kfree or kpage_ref of
            // one panics instead of handing out firmware or kernel memory.
            if (reserved(&local, pa, PGSIZE)) {
                b->ref[n] = KPOOL_RESERVED;
                continue;
            }
            b->ref[n] = 0;
            kpool_nfree++;
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
    take_zero_page();
    mem.total = kpool_nfree;
    mem.zeroed_max = mem.total / 8 < ZEROED_MAX ? mem.total / 8 : ZEROED_MAX;
}

int
kpool_take(void **out, int max)
{
    int n = 0;
    acquire(&mem.lock);
    while (n < max && mem.free) {
        out[n++] = mem.free;
        mem.free = mem.free->next;
    }
    while (n < max && (out[n] = take_fresh()) != 0)
        n++;
    // Last resort, so that memory is never "out" while pages sit zeroed.
    while (n < max && mem.zeroed) {
        out[n++] = mem.zeroed;
        mem.zeroed = mem.zeroed->next;
        kpool_nzeroed--;
    }
    release(&mem.lock);
    return n;
}

int
kpool_take_zeroed(void **out, int max)
{
    int n = 0;
    acquire(&mem.lock);
    while (n < max && mem.zeroed) {
        struct free_page *fp = mem.zeroed;
        mem.zeroed = fp->next;
        fp->next = 0; // the link was the only non-zero word
        out[n++] = fp;
    }
    kpool_nzeroed -= n;
    release(&mem.lock);
    return n;
}

void
kpool_give(void **pages, int n)
{
    acquire(&mem.lock);
    for (int i = 0; i < n; i++) {
        struct free_page *fp = pages[i];
        fp->next = mem.free;
        mem.free = fp;
    }
    release(&mem.lock);
}

int
kpool_give_zeroed(void *pa)
{
    acquire(&mem.lock);
    int room = kpool_nzeroed < mem.zeroed_max;
    if (room) {
        struct free_page *fp = pa;
        fp->next = mem.zeroed;
        mem.zeroed = fp;
        kpool_nzeroed++;
    }
    release(&mem.lock);
    return room;
}

int
kpool_zeroed_wanted(void)
{
    return __atomic_load_n(&kpool_nzeroed, __ATOMIC_RELAXED) < mem.zeroed_max;
}


int
kpage_refcount_any(uint64 pa)
{
    struct kpool_bank *b = bank_of(pa);
    if (b == 0 || (pa & (PGSIZE - 1)) != 0)
        return 0;
    uint32 r = __atomic_load_n(&b->ref[(pa - b->base) / PGSIZE],
                               __ATOMIC_RELAXED);
    return r == KPOOL_RESERVED ? 0 : (int)r;
}

uint64
kalloc_total_pages(void)
{
    return mem.total;
}

uint64
kalloc_zeroed_pages(void)
{
    return __atomic_load_n(&kpool_nzeroed, __ATOMIC_RELAXED);
}
