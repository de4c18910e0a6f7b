// The mmap, munmap and msync system calls: argument checks, placing a
// mapping, and taking one apart. Pages arrive later, in mmap_fault.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "fs.h"
#include "kalloc.h"
#include "syscall.h"
#include "vm.h"
#include "region.h"
#include "mmap_file.h"
#include "mmap.h"

#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)
// No mapping reaches past the largest file (MAXFILE is in bytes).
#define MAP_FILE_MAX ((uint64)MAXFILE)

// Checks prot, flags, length and offset; fills r (all but the address
// and the file reference). 0, or -1 for a bad argument.
static int
check_args(struct region *r, uint64 len, int prot, int flags, uint64 off)
{
    int kind = flags & (MAP_SHARED | MAP_PRIVATE);
    if (len == 0 || len > USER_HEAP_TOP || (prot & ~PROT_KNOWN) ||
        ((prot & PROT_WRITE) && (prot & PROT_EXEC)) || (flags & ~MAP_KNOWN) ||
        (kind != MAP_SHARED && kind != MAP_PRIVATE))
        return -1;
    r->end = PGROUNDUP(len); // start added once the place is known
    r->prot = prot;
    r->flags = flags & ~MAP_FIXED;
    r->file = 0;
    r->off = 0;
    // fork brings every page of a shared anonymous mapping in
    // (mmap_fork_prepare): one larger than all of RAM could never be backed.
    if ((flags & MAP_SHARED) && (flags & MAP_ANONYMOUS) &&
        r->end / PGSIZE > kalloc_total_pages())
        return -1;
    if (flags & MAP_ANONYMOUS)
        return 0;
    if (off % PGSIZE != 0 || off > MAP_FILE_MAX || r->end > MAP_FILE_MAX - off)
        return -1;
    r->off = off;
    return 0;
}

// The place for a mapping of len bytes: addr itself with MAP_FIXED (which
// must lie above the break, below the trapframe, clear of other
// mappings), else the highest free gap. 0 if there is none.
static uint64
place(struct proc *p, uint64 addr, uint64 len, int fixed)
{
    uint64 lo = PGROUNDUP(p->sz), hi = USER_HEAP_TOP;
    if (!fixed)
        return region_gap(p->regions, lo, hi, len);
    if (addr % PGSIZE != 0 || addr < lo || addr > hi || len > hi - addr ||
        region_overlaps(p->regions, addr, addr + len))
        return 0;
    return addr;
}

// mmap(addr, length, prot, flags, fd, offset): the start of the new
// mapping, or -1 (MAP_FAILED) for any bad argument or a full list.
uint64
sys_mmap(void)
{
    uint64 addr, len, off;
    int prot, flags, fd;
    argaddr(0, &addr);
    argaddr(1, &len);
    argint(2, &prot);
    argint(3, &flags);
    argint(4, &fd);
    argaddr(5, &off);
    struct proc *p = myproc();
    struct region r;
    struct file *f = 0;
    if (check_args(&r, len, prot, flags, off) < 0)
        return -1;
    if (!(flags & MAP_ANONYMOUS)) {
        if (fd < 0 || fd >= NOFILE || (f = p->ofile[fd]) == 0 ||
            mfile_check(f, prot, flags) < 0)
            return -1;
    }
    if (p->regions == 0 && (p->regions = kzalloc()) == 0)
        return -1;
    len = r.end;
    r.start = place(p, addr, len, flags & MAP_FIXED);
    if (r.start == 0)
        return -1;
    r.end = r.start + len;
    // The mapping holds the file itself: closing fd does not end it.
    r.file = f ? mfile_dup(f) : 0;
    if (region_insert(p->regions, &r) < 0) {
        if (r.file)
            mfile_put(r.file);
        return -1;
    }
    return r.start;
}

// Checks a user range [addr, addr+len) for munmap/msync: page-aligned,
// not empty, above the break and below the trapframe. Sets *end.
static int
check_range(struct proc *p, uint64 addr, uint64 len, uint64 *end)
{
    if (addr % PGSIZE != 0 || len == 0 || addr < PGROUNDUP(p->sz) ||
        addr > USER_HEAP_TOP || len > USER_HEAP_TOP - addr)
        return -1;
    *end = addr + PGROUNDUP(len);
    return *end <= USER_HEAP_TOP ? 0 : -1;
}

// Ends one piece region_carve took out: write-back, pages, file reference.
static void
end_piece(struct proc *p, struct region_cut *c)
{
    mmap_writeback(p->pagetable, &c->r, c->r.start, c->r.end);
    p->resident -= mmap_unmap(p->pagetable, &c->r, c->r.start, c->r.end);
    if (c->r.file && c->kept == 0)
        mfile_put(c->r.file);
    else if (c->r.file && c->kept == 2)
        mfile_dup(c->r.file); // each half of a split holds the file
}

// munmap(addr, length): 0, also when nothing was mapped there; -1 for a
// bad range or when a split would need more than NMMAP mappings.
uint64
sys_munmap(void)
{
    uint64 addr, len, end;
    struct region_cut cut[NMMAP];
    argaddr(0, &addr);
    argaddr(1, &len);
    struct proc *p = myproc();
    if (check_range(p, addr, len, &end) < 0)
        return -1;
    if (p->regions == 0)
        return 0;
    int n = region_carve(p->regions, addr, end, cut);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        end_piece(p, &cut[i]);
    if (n > 0)
        sfence_vma(); // pages went back to the pool: drop stale entries
    return 0;
}

// msync(addr, length, flags): writes the MAP_SHARED file pages in the
// range back now. 0, or -1 for a bad range or flag, a range holding no
// mapping, or a failed write.
uint64
sys_msync(void)
{
    uint64 addr, len, end;
    int flags, found = 0, bad = 0;
    argaddr(0, &addr);
    argaddr(1, &len);
    argint(2, &flags);
    struct proc *p = myproc();
    if ((flags & ~MS_SYNC) || check_range(p, addr, len, &end) < 0 ||
        p->regions == 0)
        return -1;
    struct region_list *l = p->regions;
    for (int i = 0; i < l->n; i++) {
        struct region *r = &l->r[i];
        if (r->end <= addr || r->start >= end)
            continue;
        found = 1;
        uint64 lo = addr > r->start ? addr : r->start;
        uint64 hi = end < r->end ? end : r->end;
        bad |= mmap_writeback(p->pagetable, r, lo, hi) < 0;
    }
    return found && !bad ? 0 : -1;
}
