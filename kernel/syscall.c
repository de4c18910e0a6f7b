// System-call dispatch and argument fetching. The table itself is generated
// from kernel/syscall.tbl (build/gen/syscall_table.h), so the user stubs and
// the kernel can never disagree on a number.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "vm.h"
#include "klib.h"
#include "printf.h"
#include "syscall.h"
#include "syscall_table.h"

static uint64
argraw(int n)
{
    if (n < 0 || n > 5)
        panic("argraw: argument %d", n);
    // a0..a5 are consecutive in struct trapframe.
    return (&myproc()->trapframe->a0)[n];
}

void
argint(int n, int *ip)
{
    *ip = (int)argraw(n);
}

void
argaddr(int n, uint64 *ip)
{
    *ip = argraw(n);
}

int
fetchaddr(uint64 addr, uint64 *ip)
{
    return copyin(myproc()->pagetable, ip, addr, sizeof(*ip));
}

int
fetchstr(uint64 addr, char *buf, int max)
{
    if (copyinstr(myproc()->pagetable, buf, addr, max) < 0)
        return -1;
    return strlen(buf);
}

int
argstr(int n, char *buf, int max)
{
    return fetchstr(argraw(n), buf, max);
}

void
syscall(void)
{
    struct proc *p = myproc();
    uint64 num = p->trapframe->a7;
    if (num < NELEM_SYSCALLS && syscall_table[num]) {
        p->trapframe->a0 = syscall_table[num]();
        return;
    }
    printf("pid %d (%s): unknown system call %ld\n", p->pid, p->name, (long)num);
    p->trapframe->a0 = -1;
}
