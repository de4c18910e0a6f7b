// System calls on file descriptors: read, write, close, dup, fstat, pipe.
// Every bad argument returns -1.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"
#include "file.h"
#include "sysfs.h"

int
argfd(int n, int *pfd, struct file **pf)
{
    int fd;
    argint(n, &fd);
    if (fd < 0 || fd >= NOFILE)
        return -1;
    struct file *f = myproc()->ofile[fd];
    if (f == 0)
        return -1;
    if (pfd)
        *pfd = fd;
    *pf = f;
    return 0;
}

int
fdalloc(struct file *f)
{
    struct proc *p = myproc();
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->ofile[fd] == 0) {
            p->ofile[fd] = f;
            return fd;
        }
    return -1;
}

// read and write: fd, buf, n through op; -1 for a bad descriptor.
static uint64
fd_transfer(int (*op)(struct file *, uint64, int))
{
    struct file *f;
    uint64 addr;
    int n;
    argaddr(1, &addr);
    argint(2, &n);
    if (argfd(0, 0, &f) < 0)
        return -1;
    return op(f, addr, n);
}

// read(fd, buf, n): bytes read, 0 at end of file, -1 on error.
uint64
sys_read(void)
{
    return fd_transfer(fileread);
}

// write(fd, buf, n): bytes written (fewer on a full disk), or -1.
uint64
sys_write(void)
{
    return fd_transfer(filewrite);
}

// close(fd): 0, or -1 for a descriptor that is not open.
uint64
sys_close(void)
{
    struct file *f;
    int fd;
    if (argfd(0, &fd, &f) < 0)
        return -1;
    myproc()->ofile[fd] = 0;
    fileclose(f);
    return 0;
}

// dup(fd): the lowest free descriptor for the same open file, or -1.
uint64
sys_dup(void)
{
    struct file *f;
    int fd;
    if (argfd(0, 0, &f) < 0 || (fd = fdalloc(f)) < 0)
        return -1;
    filedup(f);
    return fd;
}

// fstat(fd, struct stat *): 0, or -1 (bad descriptor or pointer, a pipe).
uint64
sys_fstat(void)
{
    struct file *f;
    uint64 st;
    argaddr(1, &st);
    if (argfd(0, 0, &f) < 0)
        return -1;
    return filestat(f, st);
}

// pipe(int fds[2]): 0, or -1 (no memory, no descriptors, bad pointer).
uint64
sys_pipe(void)
{
    uint64 uaddr;
    struct file *rd, *wr;
    struct proc *p = myproc();
    argaddr(0, &uaddr);
    if (pipealloc(&rd, &wr) < 0)
        return -1;
    int fds[2] = {fdalloc(rd), -1};
    if (fds[0] >= 0)
        fds[1] = fdalloc(wr);
    if (fds[1] < 0 || copyout(p->pagetable, uaddr, fds, sizeof(fds)) < 0) {
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0)
                p->ofile[fds[i]] = 0;
        fileclose(rd);
        fileclose(wr);
        return -1;
    }
    return 0;
}
