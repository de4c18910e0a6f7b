// The allocator's front: per-hart caches of free and of zeroed pages in
// front of the shared pool (kalloc.c), so harts faulting at once do not
// queue on one lock, and the idle harts' page zeroing. Reference counts
// change with atomic instructions, never under a lock.
#include "types.h"
#include "riscv.h"
#include "param.h"
#include "spinlock.h"
#include "proc.h"
#include "kalloc.h"
#include "kpool.h"
#include "klib.h"
#include "printf.h"

// A hart refills or drains BATCH pages at a time, so the pool lock is
// taken once per BATCH allocations at most.
#define CACHE_MAX 64
#define BATCH 32

struct hart_cache {
    void *free[CACHE_MAX];  // contents undefined
    int nfree;
    void *zeroed[CACHE_MAX];
    int nzeroed;
    int64 freed; // free pages gained on this hart (negative: taken)
} __attribute__((aligned(64))); // one hart's cache never shares a line

static struct hart_cache cache[NCPU];

void
kcache_init(void)
{
    memset(cache, 0, sizeof(cache));
}

// Makes a page from c allocated: one reference, one free page fewer. The
// count is per hart, so harts allocating at once share no cache line.
static inline void *
claim(struct hart_cache *c, void *pa)
{
    *kpool_ref_fast((uint64)pa) = 1;
    c->freed--;
    return pa;
}

// Interrupts are off for every cache access: an interrupt handler may
// allocate, and the thread must not move to another hart mid-update.
static void *
take_plain(struct hart_cache *c)
{
    if (c->nfree == 0)
        c->nfree = kpool_take(c->free, BATCH);
    if (c->nfree > 0)
        return c->free[--c->nfree];
    if (c->nzeroed > 0)
        return c->zeroed[--c->nzeroed];
    return 0;
}

void *
kalloc(void)
{
    uint64 on = intr_save();
    struct hart_cache *c = &cache[cpuid()];
    void *pa = take_plain(c);
    if (pa)
        claim(c, pa);
    intr_restore(on);
    return pa;
}

// page_zero(pa), then pa: a tail call, so that kzalloc needs no frame.
static __attribute__((noinline)) void *
zeroed(void *pa)
{
    page_zero(pa);
    return pa;
}

// kzalloc's general road: a batch from the pool if the idle harts left
// some there, else a page of this hart's (refilled if need be) zeroed
// here; pages outside the first bank come this way too.
static __attribute__((noinline)) void *
kzalloc_slow(void)
{
    uint64 on = intr_save();
    struct hart_cache *c = &cache[cpuid()];
    if (c->nzeroed == 0 && kalloc_zeroed_pages() > 0)
        c->nzeroed = kpool_take_zeroed(c->zeroed, BATCH);
    void *pa = c->nzeroed > 0 ? claim(c, c->zeroed[--c->nzeroed]) : 0;
    if (pa) {
        intr_restore(on);
        return pa;
    }
    pa = take_plain(c);
    if (pa)
        claim(c, pa);
    intr_restore(on);
    return pa ? zeroed(pa) : 0;
}

void *
kzalloc(void)
{
    // The demand-zero fault's allocation, written so that it needs no
    // stack frame: this hart's top zeroed page; if no hart has one (the
    // idle harts fill the pool), its top free page, zeroed here. Either
    // only from the first bank, whose reference counts are inline.
    uint64 on = intr_save();
    struct hart_cache *c = &cache[cpuid()];
    int plain = c->nzeroed == 0;
    int *n = plain ? &c->nfree : &c->nzeroed;
    if (*n > 0 && !(plain && __atomic_load_n(&kpool_nzeroed, __ATOMIC_RELAXED))) {
        void *pa = (plain ? c->free : c->zeroed)[*n - 1];
        uint32 *ref = kpool_ref_bank0((uint64)pa);
        if (ref) {
            *n -= 1;
            c->freed--;
            *ref = 1;
            intr_restore(on);
            return plain ? zeroed(pa) : pa;
        }
    }
    intr_restore(on);
    return kzalloc_slow();
}

static __attribute__((noinline, noreturn)) void
bad_free(void *pa, uint32 r)
{
    panic("kfree: page %p is %s", pa, r ? "reserved" : "already free");
}

static __attribute__((noinline, noreturn)) void
bad_ref(void *pa)
{
    panic("kpage_ref: bad count on %p", pa);
}

// Out of line, so that kfree and the walkers' inline puts stay frameless
// for the common case, a page still shared.
__attribute__((noinline)) void
kcache_put(void *pa)
{
    uint64 on = intr_save();
    struct hart_cache *c = &cache[cpuid()];
    if (c->nfree == CACHE_MAX) {
        c->nfree -= BATCH;
        kpool_give(&c->free[c->nfree], BATCH);
    }
    c->free[c->nfree++] = pa;
    c->freed++;
    intr_restore(on);
}

// kfree's general road: a page outside the first bank, or a bad pointer.
static __attribute__((noinline)) void
kfree_slow(void *pa)
{
    uint32 *ref = kpool_ref(pa);
    uint32 r = __atomic_load_n(ref, __ATOMIC_RELAXED);
    if (r == 0 || r == KPOOL_RESERVED)
        bad_free(pa, r);
    if (__atomic_sub_fetch(ref, 1, __ATOMIC_ACQ_REL) == 0)
        kcache_put(pa);
}

void
kfree(void *pa)
{
    // Exit and exec drop every page of a process here, most of them still
    // shared with a parent: that case ends after the atomic decrement.
    uint32 *ref = kpool_ref_bank0((uint64)pa);
    uint32 r = ref ? __atomic_load_n(ref, __ATOMIC_RELAXED) : 0;
    if (r == 0 || r == KPOOL_RESERVED) {
        kfree_slow(pa);
        return;
    }
    // acq_rel: the last owner's writes to the page happen before its reuse.
    if (__atomic_sub_fetch(ref, 1, __ATOMIC_ACQ_REL) == 0)
        kcache_put(pa);
}

void
kpage_ref(void *pa)
{
    // fork calls this for every page it shares: no frame on the way.
    uint32 *ref = kpool_ref_bank0((uint64)pa);
    if (ref == 0)
        ref = kpool_ref(pa);
    uint32 r = __atomic_load_n(ref, __ATOMIC_RELAXED);
    if (r == 0 || r >= KPOOL_RESERVED - 1)
        bad_ref(pa);
    __atomic_add_fetch(ref, 1, __ATOMIC_RELAXED);
}

int
kpage_refcount(void *pa)
{
    return __atomic_load_n(kpool_ref_fast((uint64)pa), __ATOMIC_ACQUIRE);
}

uint64
kalloc_free_pages(void)
{
    // Racy sum: exact whenever no hart is allocating or freeing.
    int64 n = (int64)kpool_nfree; // set once, at boot
    for (int i = 0; i < NCPU; i++)
        n += __atomic_load_n(&cache[i].freed, __ATOMIC_RELAXED);
    return n > 0 ? n : 0;
}

int
kalloc_idle_work(void)
{
    if (!kpool_zeroed_wanted())
        return 0;
    uint64 on = intr_save();
    void *pa = take_plain(&cache[cpuid()]);
    intr_restore(on);
    if (pa == 0)
        return 0;
    // The page stays counted as free the whole time: only its list changes.
    page_zero(pa);
    if (kpool_give_zeroed(pa))
        return 1;
    kpool_give(&pa, 1); // another hart filled the pool meanwhile
    return 0;
}
