// Lazy floating point: a process gets the FPU on its first FP instruction;
// from then on its registers travel with it across context switches.
// sstatus.FS is per hart, so it is set again every time a process resumes.
#include "types.h"
#include "riscv.h"
#include "klib.h"
#include "proc.h"
#include "fpu.h"

static void
set_fs(uint64 fs)
{
    w_sstatus((r_sstatus() & ~SSTATUS_FS) | fs);
}

void
fpu_reset(struct proc *p)
{
    p->fp_used = 0;
    set_fs(SSTATUS_FS_OFF);
}

int
fpu_first_use(struct proc *p)
{
    if ((r_sstatus() & SSTATUS_FS) != SSTATUS_FS_OFF || p->fp_used)
        return 0; // the FPU was on: a genuinely illegal instruction
    memset(&p->fp, 0, sizeof(p->fp));
    p->fp_used = 1;
    set_fs(SSTATUS_FS_INITIAL);
    fp_restore(&p->fp); // nothing of the previous owner stays visible
    set_fs(SSTATUS_FS_CLEAN);
    return 1;
}

void
fpu_sync(struct proc *p)
{
    if (p->fp_used && (r_sstatus() & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
        fp_save(&p->fp);
        set_fs(SSTATUS_FS_CLEAN);
    }
}

void
fpu_switch_out(struct proc *p)
{
    fpu_sync(p);
}

void
fpu_switch_in(struct proc *p)
{
    if (!p->fp_used) {
        set_fs(SSTATUS_FS_OFF);
        return;
    }
    set_fs(SSTATUS_FS_INITIAL);
    fp_restore(&p->fp);
    set_fs(SSTATUS_FS_CLEAN);
}
