// Host tests of the page allocator and the Sv39 user-memory logic (kalloc.c,
// vm.c, uvm.c, vmfault.c) over fake RAM from malloc. Locks and the current
// process are stubbed here, panic in mm_stubs.c; the code under test is
// the kernel's.
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#include "hosttest.h"
#include "mm_stubs.h"
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/mm/memlayout.h"
#include "kernel/param.h"
#include "kernel/spinlock.h"
#include "kernel/proc.h"
#include "kernel/machine.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/vmregion.h"
#include "kernel/mm/mmap.h"

#define RAM_SIZE MM_RAM_SIZE

// ---- stubs for what the code under test calls ----
static struct proc fake_proc;
struct cpu cpus[NCPU]; // myproc() is cpus[0].proc on the host
#define current (cpus[0].proc)
void initlock(struct spinlock *lk, const char *name) { lk->name = name; }
void acquire(struct spinlock *lk) { lk->locked = 1; }
void release(struct spinlock *lk) { lk->locked = 0; }
static int code_writes; // icache_code_written calls
void icache_code_written(void) { code_writes++; }
// No mappings on the host: every address outside the heap is bad.
int
mmap_fault(struct proc *p, uint64 va, int is_write)
{
    (void)p, (void)va, (void)is_write;
    return VMFAULT_BAD;
}

// ---- fixture ----
// A fresh allocator over ram_bytes of junk-filled fake RAM (mm_stubs.c).
static void
setup(uint64 ram_bytes)
{
    mm_ram_init(ram_bytes);
    memset(&fake_proc, 0, sizeof(fake_proc));
    cpus[0].proc = &fake_proc;
}

// A process-like address space: one text page at 0x1000, heap above.
static pagetable_t
new_space(uint64 heap_start, uint64 brk)
{
    pagetable_t pt = uvm_create();
    CHECK(pt != 0);
    CHECK_EQ(uvm_alloc(pt, 0x1000, 0x2000, PTE_R | PTE_X), 0);
    fake_proc.pagetable = pt;
    fake_proc.heap_start = heap_start;
    fake_proc.sz = brk;
    return pt;
}

static int
page_is_zero(uint64 pa)
{
    for (uint64 i = 0; i < PGSIZE; i++)
        if (((uint8 *)pa)[i])
            return 0;
    return 1;
}

// ---- tests ----
static void
test_kalloc_counts_and_refs(void)
{
    setup(RAM_SIZE);
    uint64 total = kalloc_total_pages();
    CHECK(total > 4000 && total < RAM_SIZE / PGSIZE); // minus the ref array
    CHECK_EQ(kalloc_free_pages(), total);
    void *a = kzalloc();
    CHECK(a != 0 && page_is_zero((uint64)a));
    CHECK_EQ(kalloc_free_pages(), total - 1);
    kpage_ref(a);
    CHECK_EQ(kpage_refcount(a), 2);
    kfree(a);
    CHECK_EQ(kalloc_free_pages(), total - 1); // one reference left
    kfree(a);
    CHECK_EQ(kalloc_free_pages(), total);
    expect_panic = 1;
    int panicked = setjmp(panic_jmp);
    if (!panicked)
        kfree(a); // double free
    CHECK(panicked);
    // The first page of RAM holds the reference counts: reserved, so a
    // stray kfree must panic rather than hand it out.
    panicked = setjmp(panic_jmp);
    if (!panicked)
        kfree(mm_ram);
    CHECK(panicked);
    CHECK_EQ(kalloc_free_pages(), total);
    expect_panic = 0;
}

static void
test_kalloc_exhaustion(void)
{
    setup(64 * PGSIZE);
    uint64 n = 0;
    while (kalloc())
        n++;
    CHECK_EQ(n, kalloc_total_pages());
    CHECK_EQ(kalloc_free_pages(), 0);
    CHECK(kzalloc() == 0);
}

static void
test_fault_rules(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + (1UL << 30);
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap - 1, 1), VMFAULT_BAD);  // below the heap
    CHECK_EQ(vmfault(pt, 0x1000, 1), VMFAULT_BAD);    // text, mapped
    CHECK_EQ(vmfault(pt, brk, 1), VMFAULT_BAD);       // at the break
    CHECK_EQ(vmfault(pt, MAXVA + 5, 0), VMFAULT_BAD); // far above
    // A load maps the zero page read-only: nothing resident yet.
    CHECK_EQ(vmfault(pt, heap + 123, 0), VMFAULT_OK);
    pte_t *pte = vm_walk(pt, heap, 0);
    CHECK_EQ(PTE2PA(*pte), kalloc_zero_page());
    CHECK_EQ(PTE_FLAGS(*pte), PTE_V | PTE_R | PTE_U | PTE_A);
    CHECK_EQ(vmfault(pt, heap + 5, 0), VMFAULT_BAD); // mapped, readable
    CHECK_EQ(fake_proc.resident, 0);
    // The first store replaces it with a private zeroed page.
    CHECK_EQ(vmfault(pt, heap + 456, 1), VMFAULT_OK);
    uint64 pa = walkaddr(pt, heap);
    CHECK(pa != 0 && pa != kalloc_zero_page() && page_is_zero(pa));
    CHECK_EQ(PTE_FLAGS(*pte),
             PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D); // never X
    CHECK_EQ(vmfault(pt, heap + 456, 1), VMFAULT_BAD); // writable now
    CHECK_EQ(fake_proc.faults, 2);
    CHECK_EQ(fake_proc.resident, 1);
    CHECK(page_is_zero(kalloc_zero_page()));
    struct proc other = fake_proc;
    current = &other;
    other.pagetable = uvm_create();
    CHECK_EQ(vmfault(pt, heap + PGSIZE, 1), VMFAULT_BAD); // not our table
    uvm_free(other.pagetable);
    current = &fake_proc;
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

static void
test_copy_functions(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + 3 * PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    char msg[] = "across a page boundary";
    uint64 at = heap + PGSIZE - 6; // never touched: copyout faults it in
    CHECK_EQ(copyout(pt, at, msg, sizeof(msg)), 0);
    CHECK_EQ(fake_proc.faults, 2);
    char back[64];
    CHECK_EQ(copyinstr(pt, back, at, sizeof(back)), 0);
    CHECK_STR(back, msg);
    CHECK_EQ(copyinstr(pt, back, at, 5), -1); // no NUL within 5 bytes
    CHECK_EQ(copyin(pt, back, heap + 2 * PGSIZE, 8), 0); // lazy read: zeros
    CHECK_EQ(back[0], 0);
    CHECK_EQ(copyout(pt, brk - 4, msg, 8), -1);  // runs past the break
    CHECK_EQ(copyout(pt, 0x1000, msg, 1), -1);   // text is not writable
    CHECK_EQ(copyin(pt, back, 0x1000, 1), 0);    // but readable
    CHECK_EQ(copyin(pt, back, heap - 1, 2), -1); // guard, below the heap
    CHECK_EQ(copyin(pt, back, 0, 1), -1);        // null page
    CHECK_EQ(copyout(pt, TRAPFRAME, msg, 1), -1);
    CHECK_EQ(copyout(pt, ~0UL - 3, msg, 1), -1);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

static void
test_out_of_memory(void)
{
    setup(48 * PGSIZE);
    uint64 heap = 0x4000, brk = heap + (1UL << 30);
    pagetable_t pt = new_space(heap, brk);
    int r, n = 0;
    while ((r = vmfault(pt, heap + n * PGSIZE, 1)) == VMFAULT_OK)
        n++;
    CHECK_EQ(r, VMFAULT_NOMEM);
    CHECK(n > 30);
    CHECK_EQ(uvm_alloc(pt, 0x10000000, 0x10004000, PTE_R), -1);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// fork's sharing: which PTEs become copy-on-write, the reference counts,
// a copy when shared, reuse by the last owner, text never writable.
static void
test_cow_share_copy_reuse(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + 4 * PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap, 1), VMFAULT_OK);
    uint64 pa = walkaddr(pt, heap), text = walkaddr(pt, 0x1000);
    *(uint64 *)pa = 0x1234;
    struct proc child = fake_proc;
    child.pagetable = uvm_create();
    uint64 before = kalloc_free_pages();
    CHECK_EQ(uvm_copy(pt, child.pagetable, 0, brk), 0);
    CHECK(before - kalloc_free_pages() <= 2); // page tables, no data
    pte_t *pp = vm_walk(pt, heap, 0), *cp = vm_walk(child.pagetable, heap, 0);
    CHECK_EQ(*pp, *cp);
    CHECK((*pp & PTE_COW) && !(*pp & PTE_W));
    CHECK_EQ(kpage_refcount((void *)pa), 2);
    pte_t *tp = vm_walk(child.pagetable, 0x1000, 0);
    CHECK(!(*tp & PTE_COW) && (*tp & PTE_X)); // text: shared as it is
    CHECK_EQ(kpage_refcount((void *)text), 2);
    CHECK_EQ(vmfault(pt, heap, 0), VMFAULT_BAD); // a load never copies
    // The child stores: it gets a copy, the parent keeps the original.
    current = &child;
    CHECK_EQ(vmfault(child.pagetable, heap + 8, 1), VMFAULT_OK);
    uint64 cpa = walkaddr(child.pagetable, heap);
    CHECK(cpa != pa && *(uint64 *)cpa == 0x1234);
    CHECK((*cp & PTE_W) && !(*cp & PTE_COW) && (*cp & PTE_D));
    CHECK_EQ(kpage_refcount((void *)pa), 1);
    CHECK_EQ(vmfault(child.pagetable, 0x1000, 1), VMFAULT_BAD);
    // The parent is the last owner now: writable again, no copy.
    current = &fake_proc;
    before = kalloc_free_pages();
    CHECK_EQ(vmfault(pt, heap, 1), VMFAULT_OK);
    CHECK_EQ(walkaddr(pt, heap), pa);
    CHECK_EQ(kalloc_free_pages(), before);
    CHECK((*pp & PTE_W) && !(*pp & PTE_COW));
    uvm_free(child.pagetable);
    CHECK_EQ(kpage_refcount((void *)text), 1);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// Kernel stores (copyout) into a shared page copy it first; kernel loads
// (copyin) copy nothing.
static void
test_cow_copyout(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + 2 * PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(copyout(pt, heap, "parent", 7), 0);
    struct proc child = fake_proc;
    child.pagetable = uvm_create();
    CHECK_EQ(uvm_copy(pt, child.pagetable, 0, brk), 0);
    current = &child;
    char buf[8];
    uint64 before = kalloc_free_pages();
    CHECK_EQ(copyin(child.pagetable, buf, heap, 7), 0);
    CHECK_EQ(kalloc_free_pages(), before);
    CHECK_EQ(copyout(child.pagetable, heap, "child", 6), 0);
    CHECK_EQ(kalloc_free_pages(), before - 1);
    CHECK_STR((char *)walkaddr(child.pagetable, heap), "child");
    CHECK_STR((char *)walkaddr(pt, heap), "parent");
    current = &fake_proc;
    uvm_free(child.pagetable);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// Out of memory during a copy: VMFAULT_NOMEM, the page stays shared.
static void
test_cow_out_of_memory(void)
{
    setup(64 * PGSIZE);
    uint64 heap = 0x4000, brk = heap + PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap, 1), VMFAULT_OK);
    struct proc child = fake_proc;
    child.pagetable = uvm_create();
    CHECK_EQ(uvm_copy(pt, child.pagetable, 0, brk), 0);
    void *hog[64];
    int n = 0;
    while (n < 64 && (hog[n] = kalloc()) != 0)
        n++;
    current = &child;
    CHECK_EQ(vmfault(child.pagetable, heap, 1), VMFAULT_NOMEM);
    CHECK(*vm_walk(child.pagetable, heap, 0) & PTE_COW);
    CHECK_EQ(kpage_refcount((void *)walkaddr(pt, heap)), 2);
    current = &fake_proc;
    while (n > 0)
        kfree(hog[--n]);
    uvm_free(child.pagetable);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// A copy of an executable page (an ld -N image's writable text) must
// reach instruction fetches, so it is announced to the I-cache code; a
// copy of a data page is not (that would cost a fence.i). Fetches in the
// heap are refused, present page or not.
static void
test_cow_exec_page(void)
{
    setup(RAM_SIZE);
    uint64 rwx = 0x20000, heap = 0x40000, brk = heap + 2 * PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(uvm_alloc(pt, rwx, rwx + PGSIZE, PTE_R | PTE_W | PTE_X), 0);
    CHECK_EQ(vmfault(pt, heap, VM_STORE), VMFAULT_OK);
    struct proc child = fake_proc;
    child.pagetable = uvm_create();
    CHECK_EQ(uvm_copy(pt, child.pagetable, 0, brk), 0);
    current = &child;
    int before = code_writes;
    CHECK_EQ(vmfault(child.pagetable, heap, VM_STORE), VMFAULT_OK);
    CHECK_EQ(code_writes, before);
    CHECK_EQ(vmfault(child.pagetable, rwx + 8, VM_STORE), VMFAULT_OK);
    CHECK_EQ(code_writes, before + 1);
    CHECK(*vm_walk(child.pagetable, rwx, 0) & PTE_X);
    CHECK_EQ(vmfault(child.pagetable, heap, VM_FETCH), VMFAULT_BAD);
    CHECK_EQ(vmfault(child.pagetable, heap + PGSIZE, VM_FETCH), VMFAULT_BAD);
    CHECK(vm_walk(child.pagetable, heap + PGSIZE, 0) == 0 ||
          !(*vm_walk(child.pagetable, heap + PGSIZE, 0) & PTE_V));
    current = &fake_proc;
    uvm_free(child.pagetable);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// The zero page: shared by loads in parent and child, never counted or
// freed; stores replace it; the page holding the break is all legal.
static void
test_zero_page(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + PGSIZE + 10;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap + 5, 0), VMFAULT_OK);
    CHECK_EQ(vmfault(pt, heap + PGSIZE + 4000, 0), VMFAULT_OK); // past brk
    CHECK_EQ(vmfault(pt, heap + 2 * PGSIZE, 0), VMFAULT_BAD);
    struct proc child = fake_proc;
    child.pagetable = uvm_create();
    CHECK_EQ(uvm_copy(pt, child.pagetable, 0, PGROUNDUP(brk)), 0);
    CHECK_EQ(walkaddr(child.pagetable, heap), kalloc_zero_page());
    struct vm_usage u;
    uvm_usage(child.pagetable, &u);
    CHECK_EQ(u.zero, 2);
    CHECK_EQ(u.resident, 1); // the text page
    CHECK_EQ(u.shared, 1);
    current = &child;
    CHECK_EQ(vmfault(child.pagetable, heap, 1), VMFAULT_OK);
    *(char *)walkaddr(child.pagetable, heap) = 1;
    CHECK(page_is_zero(kalloc_zero_page()));
    CHECK_EQ(walkaddr(pt, heap), kalloc_zero_page());
    CHECK_EQ(child.resident, 1);
    current = &fake_proc;
    uvm_free(child.pagetable);
    CHECK_EQ(uvm_dealloc(pt, brk, heap), 0); // two zero mappings: 0 resident
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// Idle work fills the zeroed pool without changing the free count; kzalloc
// hands those pages out, and they really are zero (RAM is junk-filled).
static void
test_idle_zeroed_pool(void)
{
    setup(RAM_SIZE);
    uint64 total = kalloc_free_pages();
    int n = 0;
    while (n < 5000 && kalloc_idle_work())
        n++;
    CHECK(n > 100 && n < 5000); // the pool is capped
    CHECK_EQ(kalloc_zeroed_pages(), (uint64)n);
    CHECK_EQ(kalloc_free_pages(), total);
    for (int i = 0; i < 40; i++) {
        void *pa = kzalloc();
        CHECK(pa != 0 && page_is_zero((uint64)pa));
        kfree(pa);
    }
    CHECK(kalloc_zeroed_pages() < (uint64)n);
    CHECK_EQ(kalloc_free_pages(), total);
}

#include "test_vm_uvm.c"

int
main(void)
{
    static const struct ht_test tests[] = {
        HT_TEST(test_kalloc_counts_and_refs),
        HT_TEST(test_kalloc_exhaustion),
        HT_TEST(test_fault_rules),
        HT_TEST(test_sparse_heap_copy_and_free),
        HT_TEST(test_huge_sparse_walk_is_cheap),
        HT_TEST(test_copy_functions),
        HT_TEST(test_out_of_memory),
        HT_TEST(test_cow_share_copy_reuse),
        HT_TEST(test_cow_copyout),
        HT_TEST(test_cow_out_of_memory),
        HT_TEST(test_cow_exec_page),
        HT_TEST(test_zero_page),
        HT_TEST(test_idle_zeroed_pool),
        HT_TEST(test_fork_leaf_kinds),
        HT_TEST(test_fork_skips_empty_tables),
        HT_TEST(test_fork_runs_and_gaps),
        HT_TEST(test_fork_second_bank),
        HT_TEST(test_fork_bad_counts_panic),
    };
    return HT_RUN(tests);
}
