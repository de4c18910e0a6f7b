// exec(path, argv): gathers the argument strings into kernel pages and
// hands them to exec() (kernel/exec.c). Here because exec starts from a
// path name, like the other calls in this folder.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "syscall.h"
#include "kalloc.h"
#include "klib.h"
#include "exec.h"

// exec(path, argv): never returns on success (the new image's argc is in
// a0); -1 for a bad path, bad strings, more than MAXARG arguments.
uint64
sys_exec(void)
{
    char path[MAXPATH];
    char *argv[MAXARG + 1];
    uint64 uargv, uarg;
    int r = -1, n;
    argaddr(1, &uargv);
    if (argstr(0, path, MAXPATH) < 0)
        return -1;
    memset(argv, 0, sizeof(argv));
    for (n = 0;; n++) {
        if (fetchaddr(uargv + n * sizeof(uint64), &uarg) < 0)
            goto done;
        if (uarg == 0)
            break;
        if (n == MAXARG || (argv[n] = kalloc()) == 0 ||
            fetchstr(uarg, argv[n], PGSIZE) < 0)
            goto done;
    }
    r = exec(path, argv);
done:
    for (int i = 0; i < MAXARG && argv[i] != 0; i++)
        kfree(argv[i]);
    return r;
}
