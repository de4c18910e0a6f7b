// vminfo (call 28), what pmap prints: every region of a process with its
// resident, shared and copy-on-write pages, and a picture of the heap.
// Reads another process's tables only while that process cannot run.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "kalloc.h"
#include "klib.h"
#include "syscall.h"
#include "vm.h"
#include "region.h"
#include "vmregion.h"
#include "mmap.h"

_Static_assert(sizeof(struct vmmap) <= PGSIZE, "struct vmmap > a page");

// How one mapped user page is held.
enum page_state { PS_PRIVATE = 1, PS_SHARED = 2, PS_COW = 4, PS_ZERO = 8 };

static int
page_state(pte_t pte)
{
    uint64 pa = PTE2PA(pte);
    if (pa == kalloc_zero_page())
        return PS_ZERO;
    int s = kpage_refcount_any(pa) > 1 ? PS_SHARED : PS_PRIVATE;
    return pte & PTE_COW ? s | PS_COW : s;
}

// Adds one leaf to the counts of a region (arg).
static int
count_leaf(pte_t *pte, uint64 va, void *arg)
{
    struct vmregion_info *ri = arg;
    if (!(*pte & PTE_U))
        return 0; // the stack guard page
    int s = page_state(*pte);
    if (s & PS_ZERO) {
        ri->zero++;
        return 0;
    }
    ri->resident++;
    ri->shared += (s & PS_SHARED) != 0;
    ri->cow += (s & PS_COW) != 0;
    return 0;
}

// Finds the image's extent: its lowest user page and the end of its
// highest executable page (arg: uint64[2], {lowest, text end}).
static int
text_leaf(pte_t *pte, uint64 va, void *arg)
{
    uint64 *ext = arg;
    if ((*pte & PTE_U) && va < ext[0])
        ext[0] = va;
    if ((*pte & PTE_X) && va + PGSIZE > ext[1])
        ext[1] = va + PGSIZE;
    return 0;
}

static void
add_region(struct vmmap *m, pagetable_t pt, int kind, uint64 start, uint64 end,
           int prot)
{
    if (start >= end ||
        m->nregions == (int)(sizeof(m->region) / sizeof(m->region[0])))
        return;
    struct vmregion_info *ri = &m->region[m->nregions++];
    memset(ri, 0, sizeof(*ri));
    ri->start = start;
    ri->end = end;
    ri->kind = kind;
    ri->prot = prot;
    mm_walk(pt, start, end, count_leaf, ri);
}

// Ors the states of the pages in a picture group together (arg).
static int
state_leaf(pte_t *pte, uint64 va, void *arg)
{
    *(int *)arg |= page_state(*pte);
    return 0;
}

// One char per group of heap pages: the most shared state in the group.
static void
draw_heap(struct vmmap *m, pagetable_t pt, uint64 start, uint64 end)
{
    uint64 pages = (end - start) / PGSIZE;
    uint64 per = (pages + VM_PICTURE - 1) / VM_PICTURE;
    m->pages_per_char = per ? per : 1;
    int n = 0;
    for (uint64 va = start; va < end; va += per * PGSIZE) {
        uint64 hi = end - va > per * PGSIZE ? va + per * PGSIZE : end;
        int s = 0;
        mm_walk(pt, va, hi, state_leaf, &s);
        m->picture[n++] = (s & PS_SHARED)    ? VMPIC_SHARED
                          : (s & PS_PRIVATE) ? VMPIC_PRIVATE
                          : (s & PS_ZERO)    ? VMPIC_ZERO
                                             : VMPIC_UNTOUCHED;
    }
    m->picture[n] = 0;
}

// Fills *m from p, which is the caller or cannot run (see sys_vminfo).
static void
describe(struct proc *p, struct vmmap *m)
{
    pagetable_t pt = p->pagetable;
    uint64 heap = p->heap_start, brk = PGROUNDUP(p->sz);
    // exec's layout: image, guard page, USERSTACK stack pages, heap.
    uint64 below = (USERSTACK + 1) * PGSIZE, ext[2] = {~0UL, 0};
    uint64 image_end = heap > below ? heap - below : 0;
    m->pid = p->pid;
    safestrcpy(m->name, p->name, sizeof(m->name));
    mm_walk(pt, 0, image_end, text_leaf, ext);
    uint64 data = ext[1] > ext[0] ? ext[1] : ext[0];
    add_region(m, pt, VR_TEXT, ext[0], ext[1], PROT_READ | PROT_EXEC);
    add_region(m, pt, VR_DATA, data, image_end, PROT_READ | PROT_WRITE);
    add_region(m, pt, VR_STACK, image_end + PGSIZE, heap,
               PROT_READ | PROT_WRITE);
    add_region(m, pt, VR_HEAP, heap, brk, PROT_READ | PROT_WRITE);
    draw_heap(m, pt, heap, brk);
    for (int i = 0; p->regions && i < p->regions->n; i++) {
        struct region *r = &p->regions->r[i];
        add_region(m, pt, VR_MMAP, r->start, r->end, r->prot);
        struct vmregion_info *ri = &m->region[m->nregions - 1];
        ri->flags = r->flags;
        ri->has_file = r->file != 0;
        ri->offset = r->off;
    }
}

// The process pid, locked and not running, or 0. A sleeping or zombie
// process cannot change its address space while we hold its lock (and
// sleeps only between whole changes); a runnable one may have been
// preempted half-way through one, so we wait for it to sleep. How long is
// judged by its progress, not ours: it is "busy" (0) only once it has run
// BUSY_TICKS ticks of its own since we first looked, so a slow or crowded
// machine, where it may wait long for a hart, never makes the call fail.
#define BUSY_TICKS 3
static struct proc *
lock_still(int pid)
{
    uint64 first = 0;
    for (int seen = 0; !killed(myproc()); seen = 1) {
        struct proc *q = proc_lookup(pid);
        if (q == 0)
            return 0; // no such process
        acquire(&q->lock);
        if (q->pid != pid || q->state == P_FREE) { // gone meanwhile
            release(&q->lock);
            return 0;
        }
        if (q->state == P_BLOCKED || q->state == P_ZOMBIE)
            return q;
        uint64 ran = q->cputicks;
        release(&q->lock);
        if (!seen)
            first = ran;
        else if (ran - first >= BUSY_TICKS)
            return 0;
        yield();
    }
    return 0;
}

// vminfo(pid, struct vmmap *): the regions of process pid (0: the
// caller). 0, or -1 for no such process, one that stayed busy (see
// lock_still), or a bad pointer.
uint64
sys_vminfo(void)
{
    int pid;
    uint64 addr;
    argint(0, &pid);
    argaddr(1, &addr);
    struct proc *me = myproc(), *p = me;
    struct vmmap *m = kzalloc(); // too big for the kernel stack
    if (m == 0)
        return -1;
    if (pid == 0 || pid == me->pid) {
        describe(me, m);
    } else if ((p = lock_still(pid)) != 0) {
        describe(p, m);
        release(&p->lock);
    }
    // Copy out without any lock: the copy may fault a page in.
    int r = p ? copyout(me->pagetable, addr, m, sizeof(*m)) : -1;
    kfree(m);
    return r;
}
