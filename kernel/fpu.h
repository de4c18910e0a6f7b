// Per-process floating-point state: user programs may use F/D; the kernel
// never does, so registers are saved and restored only at context switches.
#ifndef LAZYOS_FPU_H
#define LAZYOS_FPU_H

struct proc;

// A new image starts with the FPU off; its first FP instruction traps.
void fpu_reset(struct proc *p);
// Called from usertrap on an illegal instruction: if it was the process's
// first FP instruction, turns the FPU on with zeroed registers and returns 1.
int fpu_first_use(struct proc *p);
// Around swtch() in sched(), and on a process's first run: save live
// registers of p if it dirtied them / load p's registers onto this hart.
void fpu_switch_out(struct proc *p);
void fpu_switch_in(struct proc *p);
// For fork: makes p->fp current so the child can copy it.
void fpu_sync(struct proc *p);

#endif
