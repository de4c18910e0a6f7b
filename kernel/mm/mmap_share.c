// The shared file pages: for each mapped file, a two-level table from page
// index to the page all its MAP_SHARED mappings use. Memory follows use:
// table pages come with a file's first page and go with its last.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "kalloc.h"
#include "klib.h"
#include "printf.h"
#include "mmap_share.h"

// A slot holds the page's address; while its first reader fills it from
// the file, this bit too (addresses are page-aligned, so it is free).
#define MS_FILLING 1ul
// 512 slots to a leaf page, 512 leaves to a middle page, MS_TOP middles
// in a file's entry: 2^21 pages, the largest file (mmap_file.c checks).
#define MS_BITS 9
#define MS_MASK ((1ul << MS_BITS) - 1)
#define MS_TOP ((int)(MSHARE_MAX_PAGES >> (2 * MS_BITS)))

struct ms_file {
    uint64 key;         // mfile_key of the file; 0 = a free entry
    uint64 npages;      // slots in use (filled or being filled)
    uint64 top[MS_TOP]; // middle pages, 0 where none yet
};

// Every mapping holds an open file, so no more than NFILE files can have
// pages here. A key is looked up by a scan: NFILE is small, and the scan
// is nothing beside the fault around it.
static struct ms_file ms_files[NFILE];
// Guards ms_files, every table page and the slots in them. Taken with no
// other lock but a spinlock a kernel copy faults under (never a p->lock);
// only the allocator's lock is taken inside it.
static struct spinlock ms_lock = {0, "mshare"};
// Entries in use, changed under ms_lock. read() and write() look at it
// without the lock to skip the scan while nothing is mapped; see ms_idle.
static int ms_live;

// Nonzero if no file has pages here. Safe without ms_lock for a caller
// holding the file's inode lock: a page of that file is entered before
// its filler takes the inode lock to read the file, so the entry is
// visible to whoever holds that lock after it; a page entered after the
// caller took the lock is filled after the caller lets go, and reads what
// the caller wrote.
static int
ms_idle(void)
{
    return __atomic_load_n(&ms_live, __ATOMIC_RELAXED) == 0;
}

// The entry for key; with alloc, a free one taken for it if it has none.
// 0 if absent (or the table is full, which open files rule out).
static struct ms_file *
ms_file(uint64 key, int alloc)
{
    struct ms_file *free = 0;
    for (int i = 0; i < NFILE; i++) {
        if (ms_files[i].key == key)
            return &ms_files[i];
        if (ms_files[i].key == 0 && free == 0)
            free = &ms_files[i];
    }
    if (alloc && free) {
        free->key = key;
        __atomic_store_n(&ms_live, ms_live + 1, __ATOMIC_RELAXED);
    }
    return alloc ? free : 0;
}

// tab[i] as a table page, made (zeroed) if alloc and missing.
static uint64 *
ms_next(uint64 *tab, uint64 i, int alloc)
{
    if (tab[i] == 0 && alloc)
        tab[i] = (uint64)kzalloc();
    return (uint64 *)tab[i];
}

// The slot of page idx of f; with alloc, the table pages it needs are
// made. 0 if there is none (or out of memory).
static uint64 *
ms_slot(struct ms_file *f, uint64 idx, int alloc)
{
    if (f == 0 || idx >= MSHARE_MAX_PAGES)
        return 0;
    uint64 *mid = ms_next(f->top, idx >> (2 * MS_BITS), alloc);
    uint64 *leaf = mid ? ms_next(mid, (idx >> MS_BITS) & MS_MASK, alloc) : 0;
    return leaf ? &leaf[idx & MS_MASK] : 0;
}

// Frees f's table pages once it has no page left, and the entry with them.
// Empty leaves stay until then: at most one page per 512 pages mapped.
static void
ms_file_trim(struct ms_file *f)
{
    if (f->npages != 0)
        return;
    for (int i = 0; i < MS_TOP; i++) {
        uint64 *mid = (uint64 *)f->top[i];
        for (int j = 0; mid && j <= (int)MS_MASK; j++)
            if (mid[j])
                kfree((void *)mid[j]);
        if (mid)
            kfree(mid);
    }
    memset(f, 0, sizeof(*f));
    __atomic_store_n(&ms_live, ms_live - 1, __ATOMIC_RELAXED);
}

// ms_lock held, page idx of key absent: enters a new page as being
// filled. MSHARE_FILL, or MSHARE_NOMEM with nothing changed.
static int
ms_add(uint64 key, uint64 idx, void **page)
{
    struct ms_file *f = ms_file(key, 1);
    uint64 *slot = ms_slot(f, idx, 1);
    void *pa = slot ? kalloc() : 0;
    if (pa == 0) {
        if (f)
            ms_file_trim(f); // a new entry must not stay behind empty
        return MSHARE_NOMEM;
    }
    *slot = (uint64)pa | MS_FILLING;
    f->npages++;
    *page = pa;
    return MSHARE_FILL;
}

int
mshare_get(uint64 key, uint64 idx, int may_wait, void **page)
{
    int res = MSHARE_BUSY;
    acquire(&ms_lock);
    for (;;) {
        uint64 *slot = ms_slot(ms_file(key, 0), idx, 0);
        if (slot && *slot && !(*slot & MS_FILLING)) {
            // A new reference, taken under the lock that mshare_put
            // checks the count under: a page going away is never revived.
            *page = (void *)*slot;
            kpage_ref(*page);
            res = MSHARE_HIT;
            break;
        }
        if (!may_wait)
            break;
        if (slot == 0 || *slot == 0) {
            res = ms_add(key, idx, page);
            break;
        }
        // Another process is reading the file into it: one read, one page.
        sleep(ms_files, &ms_lock);
    }
    release(&ms_lock);
    return res;
}

void
mshare_filled(uint64 key, uint64 idx, void *page, int ok)
{
    acquire(&ms_lock);
    struct ms_file *f = ms_file(key, 0);
    uint64 *slot = ms_slot(f, idx, 0);
    if (slot == 0 || *slot != ((uint64)page | MS_FILLING))
        panic("mshare_filled: page %p is not being filled", page);
    *slot = ok ? (uint64)page : 0;
    if (!ok) {
        // Nobody else took a reference while it was being filled.
        kfree(page);
        f->npages--;
        ms_file_trim(f);
    }
    release(&ms_lock);
    wakeup(ms_files); // waiters look again: a hit, or a fill of their own
}

void
mshare_put(uint64 key, uint64 idx, void *page)
{
    acquire(&ms_lock);
    struct ms_file *f = ms_file(key, 0);
    uint64 *slot = ms_slot(f, idx, 0);
    if (slot == 0 || *slot != (uint64)page)
        panic("mshare_put: page %p is not shared", page);
    // A count of 1 is ours alone and cannot grow behind us: new references
    // come from mshare_get under this lock, or from a fork of a process
    // mapping the page, which would make the count 2 or more already.
    if (kpage_refcount(page) == 1) {
        *slot = 0;
        f->npages--;
        ms_file_trim(f);
    }
    // Under the lock: two last-but-one sharers must not both see 2.
    kfree(page);
    release(&ms_lock);
}

int
mshare_copy(uint64 key, uint64 idx, void *dst)
{
    acquire(&ms_lock);
    uint64 *slot = ms_slot(ms_file(key, 0), idx, 0);
    int hit = slot && *slot && !(*slot & MS_FILLING);
    if (hit)
        memmove(dst, (void *)*slot, PGSIZE);
    release(&ms_lock);
    return hit;
}

int
mshare_update(uint64 key, uint64 off, const void *src, uint n)
{
    if (ms_idle())
        return 0;
    acquire(&ms_lock);
    uint64 *slot = ms_slot(ms_file(key, 0), off / PGSIZE, 0);
    int hit = slot && *slot;
    // A page being filled too: its filler reads the file under the inode
    // lock our caller holds, so it has read either before us (and these
    // bytes correct what it read) or it will after us (and read them).
    if (hit)
        memmove((char *)(*slot & ~MS_FILLING) + off % PGSIZE, src, n);
    release(&ms_lock);
    return hit;
}

int
mshare_read(uint64 key, uint64 off, int user_dst, uint64 dst, uint n)
{
    uint64 idx = off / PGSIZE;
    void *page;
    // Never waits: a page being filled holds nothing newer than the file.
    if (ms_idle() || mshare_get(key, idx, 0, &page) != MSHARE_HIT)
        return 0;
    // The reference, not ms_lock, keeps the page while the copy faults.
    int r = either_copyout(user_dst, dst, (char *)page + off % PGSIZE, n);
    // Through mshare_put: if every mapping went meanwhile, this reference
    // is the last and the entry must go with it.
    mshare_put(key, idx, page);
    return r < 0 ? -1 : 1;
}

// Zeroes the bytes at or past size of the pages in leaf, whose first
// slot is page base.
static void
ms_zero_leaf(uint64 *leaf, uint64 base, uint64 size)
{
    for (uint64 i = 0; i <= MS_MASK; i++) {
        uint64 at = (base + i) * PGSIZE; // the page's file offset
        if (leaf[i] == 0 || at + PGSIZE <= size)
            continue;
        uint64 from = at < size ? size - at : 0;
        memset((char *)(leaf[i] & ~MS_FILLING) + from, 0, PGSIZE - from);
    }
}

void
mshare_truncate(uint64 key, uint64 size)
{
    if (ms_idle())
        return;
    acquire(&ms_lock);
    struct ms_file *f = ms_file(key, 0);
    uint64 first = size / PGSIZE;
    // Only the leaves that exist, and of those only the ones reaching the
    // new end: the walk costs what is resident, not the file's length.
    for (uint64 t = first >> (2 * MS_BITS); f && t < (uint64)MS_TOP; t++) {
        uint64 *mid = (uint64 *)f->top[t];
        for (uint64 m = 0; mid && m <= MS_MASK; m++) {
            uint64 base = (t << (2 * MS_BITS)) | (m << MS_BITS);
            if (mid[m] && base + MS_MASK >= first)
                ms_zero_leaf((uint64 *)mid[m], base, size);
        }
    }
    release(&ms_lock);
}
