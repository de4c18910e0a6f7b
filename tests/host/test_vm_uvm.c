// Part of test_vm.c, included after its fixture: the walkers of
// kernel/mm/uvm.c (fork's share, exit's free, the cost of a sparse heap)
// and the inline reference counts they keep (kpool_span_get/put).
#include "kernel/mm/kpool.h"

static void
test_sparse_heap_copy_and_free(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + (1UL << 30);
    uint64 start = kalloc_free_pages();
    pagetable_t pt = new_space(heap, brk);
    uint64 before = kalloc_free_pages();
    int touches = 0;
    for (uint64 va = heap; va < brk; va += 4UL << 20, touches++) {
        CHECK_EQ(vmfault(pt, va, VM_STORE), VMFAULT_OK);
        *(uint64 *)walkaddr(pt, va) = va;
    }
    uint64 used = before - kalloc_free_pages();
    // 256 data pages plus one leaf table each (4 MiB apart) and a few more.
    CHECK(used >= (uint64)touches && used <= 2 * (uint64)touches + 4);
    uint64 table_pages = start - kalloc_free_pages() - touches - 1; // - text

    pagetable_t child = uvm_create();
    before = kalloc_free_pages();
    CHECK_EQ(uvm_copy(pt, child, 0, brk), 0);
    // Copy-on-write: only the child's page-table pages, no data page.
    CHECK_EQ(before - kalloc_free_pages(), table_pages - 1);
    CHECK_EQ(*(uint64 *)walkaddr(child, heap + (4UL << 20)),
             heap + (4UL << 20));
    CHECK(walkaddr(child, heap + PGSIZE) == 0); // untouched stays lazy
    CHECK(walkaddr(child, heap) == walkaddr(pt, heap)); // one shared frame
    CHECK_EQ(kpage_refcount((void *)walkaddr(pt, heap)), 2);

    // Shrinking frees exactly the pages that exist above the new break.
    uint64 freed = uvm_dealloc(pt, brk, heap + (8UL << 20) + 1);
    CHECK_EQ(freed, (uint64)touches - 3); // keeps 0, 4 and 8 MiB pages
    CHECK(walkaddr(pt, heap + (8UL << 20)) != 0);
    CHECK(walkaddr(pt, heap + (12UL << 20)) == 0);
    uvm_free(child);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

static void
test_huge_sparse_walk_is_cheap(void)
{
    setup(RAM_SIZE);
    // A break near the top of the address space with two touched pages:
    // copy and free must cost a handful of pages, not 64 million PTEs.
    uint64 heap = 0x4000, brk = USER_HEAP_TOP;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap, VM_STORE), VMFAULT_OK);
    CHECK_EQ(vmfault(pt, brk - 1, VM_STORE), VMFAULT_OK);
    pagetable_t child = uvm_create();
    uint64 before = kalloc_free_pages();
    CHECK_EQ(uvm_copy(pt, child, 0, brk), 0);
    CHECK(before - kalloc_free_pages() <= 3 + 2 * 2 + 1);
    CHECK_EQ(uvm_dealloc(child, brk, heap), 2);
    uvm_free(child);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// Every kind of leaf in one table: a private page turns copy-on-write, a
// PTE_SHARED page stays writable, the zero page is mapped but not counted,
// a kernel-only leaf stays behind; the child's exit undoes every count.
static void
test_fork_leaf_kinds(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + 4 * PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap, VM_STORE), VMFAULT_OK);
    CHECK_EQ(vmfault(pt, heap + PGSIZE, VM_LOAD), VMFAULT_OK);
    void *shared = kzalloc(), *kernel_only = kzalloc();
    CHECK_EQ(vm_map(pt, heap + 2 * PGSIZE, (uint64)shared, PGSIZE,
                    PTE_R | PTE_W | PTE_U | PTE_SHARED), 0);
    CHECK_EQ(vm_map(pt, heap + 3 * PGSIZE, (uint64)kernel_only, PGSIZE,
                    PTE_R | PTE_W), 0);
    uint64 priv = walkaddr(pt, heap), text = walkaddr(pt, 0x1000);
    uint32 *zero_ref = kpool_ref((void *)kalloc_zero_page());
    pagetable_t child = uvm_create();
    CHECK_EQ(uvm_copy(pt, child, 0, brk), 0);

    pte_t *pp = vm_walk(pt, heap, 0), *cp = vm_walk(child, heap, 0);
    CHECK(cp && *cp == *pp && (*pp & PTE_COW) && !(*pp & PTE_W));
    CHECK_EQ(kpage_refcount((void *)priv), 2);
    pp = vm_walk(pt, heap + 2 * PGSIZE, 0);
    cp = vm_walk(child, heap + 2 * PGSIZE, 0);
    CHECK(cp && *cp == *pp && (*pp & PTE_W) && !(*pp & PTE_COW));
    CHECK_EQ(kpage_refcount(shared), 2);
    CHECK_EQ(walkaddr(child, heap + PGSIZE), kalloc_zero_page());
    CHECK_EQ(*zero_ref, KPOOL_RESERVED);
    cp = vm_walk(child, heap + 3 * PGSIZE, 0);
    CHECK(cp == 0 || *cp == 0);
    CHECK_EQ(kpage_refcount(kernel_only), 1);
    CHECK_EQ(kpage_refcount((void *)text), 2);

    uint64 before = kalloc_free_pages();
    uvm_free(child);
    CHECK_EQ(kalloc_free_pages(), before + 3); // its tables, no data page
    CHECK_EQ(kpage_refcount((void *)priv), 1);
    CHECK_EQ(kpage_refcount(shared), 1);
    CHECK_EQ(kpage_refcount((void *)text), 1);
    CHECK_EQ(*zero_ref, KPOOL_RESERVED);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// Tables that shrinking emptied stay in the parent (a leaf table, and a
// table of leaf tables); the child gets none for them.
static void
test_fork_skips_empty_tables(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + (2UL << 30);
    pagetable_t pt = new_space(heap, brk);
    uint64 far = heap + (4UL << 20), farther = (1UL << 30) + (8UL << 20);
    CHECK_EQ(vmfault(pt, heap, VM_STORE), VMFAULT_OK);
    CHECK_EQ(vmfault(pt, far, VM_STORE), VMFAULT_OK);
    CHECK_EQ(vmfault(pt, farther, VM_STORE), VMFAULT_OK);
    CHECK_EQ(uvm_unmap(pt, far, far + PGSIZE), 1);
    CHECK_EQ(uvm_unmap(pt, farther, farther + (2UL << 20)), 1);
    CHECK(vm_walk(pt, far, 0) != 0); // its leaf table is still there
    uint64 before = kalloc_free_pages();
    pagetable_t child = uvm_create();
    CHECK_EQ(uvm_copy(pt, child, 0, brk), 0);
    CHECK_EQ(before - kalloc_free_pages(), 3); // root, one table per level
    CHECK(vm_walk(child, far, 0) == 0 && vm_walk(child, farther, 0) == 0);
    CHECK(walkaddr(child, heap) == walkaddr(pt, heap));
    uvm_free(child);
    CHECK_EQ(kalloc_free_pages(), before);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// Heap page i of test_fork_runs_and_gaps is touched: long runs, short
// gaps, single pages, and the entries either side of each leaf table's
// edges (heap page 508 starts the second table, 1020 the third).
static int
touched(int i)
{
    return i < 300 || (i >= 303 && i < 1000 && i % 7 != 3) || i == 1019 ||
           i == 1020 || i == 1199 || i == 1200 || i == 1300;
}

// Runs and gaps across three leaf tables, and a copy range that ends in
// the middle of the last: the leaf loops must see exactly the pages there.
static void
test_fork_runs_and_gaps(void)
{
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + 1400 * PGSIZE;
    uint64 end = heap + 1200 * PGSIZE; // the copy stops here
    pagetable_t pt = new_space(heap, brk);
    for (int i = 0; i < 1400; i++)
        if (touched(i))
            CHECK_EQ(vmfault(pt, heap + i * PGSIZE, VM_STORE), VMFAULT_OK);
    uint64 before = kalloc_free_pages();
    pagetable_t child = uvm_create();
    CHECK_EQ(uvm_copy(pt, child, 0, end), 0);
    int bad = 0;
    for (int i = 0; i < 1400; i++) {
        uint64 va = heap + i * PGSIZE;
        pte_t *pp = vm_walk(pt, va, 0), *cp = vm_walk(child, va, 0);
        int in = touched(i) && va < end;
        if (in)
            bad += !cp || *cp != *pp || !(*pp & PTE_COW) ||
                   kpage_refcount((void *)walkaddr(pt, va)) != 2;
        else
            bad += cp && *cp != 0;
        if (touched(i) && !in)
            bad += !(*pp & PTE_W) ||
                   kpage_refcount((void *)walkaddr(pt, va)) != 1;
    }
    CHECK_EQ(bad, 0);
    uvm_free(child);
    CHECK_EQ(kalloc_free_pages(), before);
    for (int i = 0; i < 1400; i++)
        if (touched(i))
            bad += kpage_refcount((void *)walkaddr(pt, heap + i * PGSIZE)) != 1;
    CHECK_EQ(bad, 0);
    uvm_free(pt);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// RAM in two banks: bank 0 of bank0_pages pages at the start of the fake
// RAM, bank 1 from 2 MiB on.
static uint64
setup_two_banks(uint64 bank0_pages)
{
    static struct machine m;
    setup(RAM_SIZE); // allocates and fills the fake RAM
    memset(&m, 0, sizeof(m));
    m.mem[0].base = (uint64)mm_ram;
    m.mem[0].size = bank0_pages * PGSIZE;
    m.mem[1].base = (uint64)mm_ram + (2UL << 20);
    m.mem[1].size = RAM_SIZE - (2UL << 20);
    m.nmem = 2;
    kalloc_init(&m);
    return m.mem[1].base;
}

// Pages outside bank 0 take the slow road (kpage_ref, kfree) with the same
// results, also mixed in one table with pages that take the inline one.
static void
test_fork_second_bank(void)
{
    uint64 bank1 = setup_two_banks(32);
    // Use bank 0 up, so that what follows comes from bank 1. The caches
    // hand pages out in no particular order: take twice bank 0's size.
    void *hog[32], *other[64];
    int n = 0, n_other = 0;
    for (int i = 0; i < 64; i++) {
        void *pa = kalloc();
        if (pa && (uint64)pa < bank1)
            hog[n++] = pa;
        else if (pa)
            other[n_other++] = pa;
    }
    CHECK(n > 8 && n_other > 8);
    while (n_other > 0)
        kfree(other[--n_other]);
    uint64 heap = 0x4000, brk = heap + 3 * PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap, VM_STORE), VMFAULT_OK);
    uint64 far = walkaddr(pt, heap), near = (uint64)hog[--n];
    CHECK(far >= bank1);
    CHECK_EQ(vm_map(pt, heap + PGSIZE, near, PGSIZE, PTE_R | PTE_W | PTE_U),
             0);
    pagetable_t child = uvm_create();
    CHECK_EQ(uvm_copy(pt, child, 0, brk), 0);
    CHECK_EQ(kpage_refcount((void *)far), 2);
    CHECK_EQ(kpage_refcount((void *)near), 2);
    uvm_free(child);
    CHECK_EQ(kpage_refcount((void *)far), 1);
    CHECK_EQ(kpage_refcount((void *)near), 1);
    uvm_free(pt); // the last references: both pages go back
    while (n > 0)
        kfree(hog[--n]);
    CHECK_EQ(kalloc_free_pages(), kalloc_total_pages());
}

// A count that cannot be right panics in fork and in exit, and the inline
// road leaves it as it found it (the checked road reports it).
static void
test_fork_bad_counts_panic(void)
{
    static const uint32 bad_get[] = {0, KPOOL_RESERVED - 1, KPOOL_RESERVED};
    static const uint32 bad_put[] = {0, KPOOL_RESERVED};
    setup(RAM_SIZE);
    uint64 heap = 0x4000, brk = heap + PGSIZE;
    pagetable_t pt = new_space(heap, brk);
    CHECK_EQ(vmfault(pt, heap, VM_STORE), VMFAULT_OK);
    uint32 *ref = kpool_ref((void *)walkaddr(pt, heap));
    expect_panic = 1;
    for (volatile int k = 0; k < 3; k++) { // volatile: setjmp
        *ref = bad_get[k];
        pagetable_t child = uvm_create();
        int panicked = setjmp(panic_jmp);
        if (!panicked)
            uvm_copy(pt, child, heap, brk);
        CHECK(panicked);
        CHECK_EQ(*ref, bad_get[k]);
    }
    *ref = 1;
    pagetable_t child = uvm_create();
    CHECK_EQ(uvm_copy(pt, child, heap, brk), 0); // only the heap page
    for (volatile int k = 0; k < 2; k++) {
        *ref = bad_put[k];
        int panicked = setjmp(panic_jmp);
        if (!panicked)
            uvm_free(child);
        CHECK(panicked);
        CHECK_EQ(*ref, bad_put[k]);
    }
    expect_panic = 0;
}
