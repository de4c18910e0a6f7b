// exec: build a new address space from an ELF file, then swap it in. The
// old image is only freed once nothing can fail any more.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "printf.h"
#include "vm.h"
#include "mmap.h"
#include "fpu.h"
#include "elf.h"
#include "inode.h"
#include "exec.h"
#include "icache.h"

// Page permissions for a segment, as its program header asks. Our own
// programs are W^X (tests/host/test_wx.sh checks the build); an `ld -N`
// image such as xv6's forktest has one writable and executable segment,
// which is loaded as asked, with a warning on the console.
static void
segment_perm(const char *path, uint32 flags, uint64 *perm)
{
    if ((flags & PF_W) && (flags & PF_X))
        printf("exec %s: warning: writable and executable segment\n", path);
    *perm = PTE_R;
    if (flags & PF_W)
        *perm |= PTE_W;
    if (flags & PF_X)
        *perm |= PTE_X;
}

// Copies filesz bytes at file offset off into the (mapped, zeroed) pages at va.
static int
load_bytes(pagetable_t pt, struct inode *ip, uint64 va, uint64 off, uint64 filesz)
{
    for (uint64 done = 0; done < filesz;) {
        uint64 pa = walkaddr(pt, va + done);
        if (pa == 0)
            return -1;
        uint64 inpage = (va + done) % PGSIZE;
        uint64 n = PGSIZE - inpage;
        if (n > filesz - done)
            n = filesz - done;
        if (readi(ip, 0, pa + inpage, off + done, n) != (int)n)
            return -1;
        done += n;
    }
    return 0;
}

// Maps and fills every PT_LOAD segment; returns the end of the highest one
// (page-rounded), or 0 for a malformed file or out of memory.
static uint64
load_segments(pagetable_t pt, struct inode *ip, struct elfhdr *eh,
              const char *path, uint64 *pages)
{
    uint64 top = 0;
    for (int i = 0; i < eh->phnum; i++) {
        struct proghdr ph;
        // read_header checked that the table lies inside the file.
        uint64 off = eh->phoff + i * sizeof(ph);
        if (readi(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
            return 0;
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        uint64 perm, end = ph.vaddr + ph.memsz;
        // Bound offsets by the file size first, so no sum overflows.
        if (ph.memsz < ph.filesz || end < ph.vaddr || end > USER_HEAP_TOP ||
            ph.off > ip->size || ph.filesz > ip->size - ph.off ||
            ph.vaddr % PGSIZE != 0)
            return 0;
        segment_perm(path, ph.flags, &perm);
        if (uvm_alloc(pt, ph.vaddr, PGROUNDUP(end), perm) < 0)
            return 0;
        *pages += (PGROUNDUP(end) - ph.vaddr) / PGSIZE;
        if (load_bytes(pt, ip, ph.vaddr, ph.off, ph.filesz) < 0)
            return 0;
        if (PGROUNDUP(end) > top)
            top = PGROUNDUP(end);
    }
    return top;
}

// Pushes the argument strings and the argv array onto the new stack.
// Returns the new sp (16-byte aligned), or 0 if they do not fit.
static uint64
push_args(pagetable_t pt, uint64 sp, uint64 stack_base, char **argv, int *argc)
{
    uint64 uargv[MAXARG + 1];
    int n;
    for (n = 0; argv[n]; n++) {
        if (n >= MAXARG)
            return 0;
        uint64 len = strlen(argv[n]) + 1;
        if (sp - stack_base < len + 16)
            return 0;
        sp = (sp - len) & ~15UL;
        if (copyout(pt, sp, argv[n], len) < 0)
            return 0;
        uargv[n] = sp;
    }
    uargv[n] = 0;
    uint64 bytes = (n + 1) * sizeof(uint64);
    if (sp - stack_base < bytes + 16)
        return 0;
    sp = (sp - bytes) & ~15UL;
    if (copyout(pt, sp, uargv, bytes) < 0)
        return 0;
    *argc = n;
    return sp;
}

static int
read_header(struct inode *ip, struct elfhdr *eh)
{
    if (readi(ip, 0, (uint64)eh, 0, sizeof(*eh)) != sizeof(*eh))
        return -1;
    if (eh->magic != ELF_MAGIC || eh->class != ELFCLASS64 ||
        eh->data != ELFDATA2LSB || eh->type != ET_EXEC ||
        eh->machine != EM_RISCV || eh->phentsize != sizeof(struct proghdr) ||
        eh->phoff > ip->size ||
        (uint64)eh->phnum * sizeof(struct proghdr) > ip->size - eh->phoff)
        return -1;
    return 0;
}

int
exec(char *path, char **argv)
{
    struct proc *p = myproc();
    struct elfhdr eh;
    uint64 pages = 0, top = 0, sp = 0;
    int argc = 0;
    pagetable_t pt = 0;

    struct inode *ip = namei(path);
    if (ip == 0)
        return -1;
    ilock(ip);
    if (read_header(ip, &eh) == 0 && (pt = proc_pagetable(p)) != 0)
        top = load_segments(pt, ip, &eh, path, &pages);
    iunlockput(ip);
    if (top == 0)
        goto bad;
    icache_code_written(); // the new text, in pages that may have held any

    // Layout above the image: an unmapped guard page, then the stack. The
    // heap starts right above the stack.
    uint64 stack_base = top + PGSIZE;
    uint64 stack_top = stack_base + USERSTACK * PGSIZE;
    if (stack_top > USER_HEAP_TOP ||
        uvm_alloc(pt, stack_base, stack_top, PTE_R | PTE_W) < 0)
        goto bad;
    pages += USERSTACK;
    sp = push_args(pt, stack_top, stack_base, argv, &argc);
    if (sp == 0)
        goto bad;

    // Commit: nothing below can fail.
    pagetable_t old = p->pagetable;
    uint64 oldsz = p->sz;
    p->pagetable = pt;
    p->sz = p->heap_start = stack_top;
    p->resident = pages;
    p->faults = 0;
    p->trapframe->epc = eh.entry;
    p->trapframe->sp = sp;
    p->trapframe->a0 = argc; // also the return value, for the first exec
    p->trapframe->a1 = sp;   // argv
    char *last = path;
    for (char *s = path; *s; s++)
        if (*s == '/')
            last = s + 1;
    safestrcpy(p->name, last, sizeof(p->name));
    fpu_reset(p);
    mmap_release(p, old); // exec drops every mapping
    proc_freepagetable(old, oldsz);
    return argc; // lands in a0
bad:
    if (pt)
        proc_freepagetable(pt, 0);
    return -1;
}
